// Runs `ktm reach --format connlist` on every case of ../shared/corpora/netpol-analyzer and compares with the expected lines.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadInventory } from '../../../src/collect/load.js';
import { computeReachability } from '../../../src/analysis/network-policy/reachability.js';
import { renderConnlist } from '../../../src/report/reach/index.js';
import type { CaseResult, Suite } from '../suite.js';

/** Cases where ktm deliberately answers differently from netpol-analyzer, with the reason. */
export const DISAGREEMENTS: Readonly<Record<string, string>> = {
  anp_and_banp_using_networks_with_ipv6_test:
    'netpol-analyzer drops IPv6 CIDRs in ANP networks ("ipv6 unsupported" warning); the v1alpha1 API accepts them, so ktm splits the IPv6 space by them and lists the IPv6 destinations the policies leave open',
  anp_banp_test_multiple_warnings:
    'same as anp_and_banp_using_networks_with_ipv6_test: the ANP names IPv6 networks (ff06::/3, fd00::/8) that netpol-analyzer ignores; ktm lists the IPv6 ranges the pods may reach',
};

const ADMIN_KINDS =
  /kind:\s*"?(AdminNetworkPolicy|BaselineAdminNetworkPolicy)"?|"kind":\s*"(AdminNetworkPolicy|BaselineAdminNetworkPolicy)"/;

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}

async function usesAdminPolicies(name: string, input: string): Promise<boolean> {
  if (/^(anp_|banp_)/.test(name)) return true;
  for (const f of await filesUnder(input)) if (ADMIN_KINDS.test(await readFile(f, 'utf8'))) return true;
  return false;
}

const toLines = (s: string): Set<string> =>
  new Set(
    s
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== ''),
  );

/** ktm's connlist for one case folder (its input/ subfolder). */
export async function connlistOfCase(caseDir: string): Promise<string> {
  const inv = await loadInventory({ kind: 'paths', paths: [path.join(caseDir, 'input')], complete: true });
  // The reference reports what the policies declare; the cases carry no network plugin.
  const reach = computeReachability(inv, {
    plugin: { plugin: 'unknown', enforces: 'unknown', evidence: [], detected: [] },
  });
  return renderConnlist({
    view: 'declared',
    connections: reach.connections('declared'),
    plugin: reach.plugin,
    inert: false,
  });
}

async function runCase(dir: string, name: string): Promise<CaseResult> {
  const expected = toLines(await readFile(path.join(dir, 'expected.txt'), 'utf8'));
  let actual: Set<string>;
  try {
    actual = toLines(await connlistOfCase(dir));
  } catch (err) {
    return { name, ok: false, detail: `error: ${err instanceof Error ? err.message : String(err)}` };
  }
  const missing = [...expected].filter((l) => !actual.has(l));
  const extra = [...actual].filter((l) => !expected.has(l));
  const ok = missing.length === 0 && extra.length === 0;
  const disagreement = DISAGREEMENTS[name];
  const detail = [
    ...missing.slice(0, 8).map((l) => `- ${l}`),
    ...(missing.length > 8 ? [`- … ${missing.length - 8} more missing`] : []),
    ...extra.slice(0, 8).map((l) => `+ ${l}`),
    ...(extra.length > 8 ? [`+ … ${extra.length - 8} more unexpected`] : []),
  ].join('\n');
  return { name, ok, ...(disagreement !== undefined ? { disagreement } : {}), ...(ok ? {} : { detail }) };
}

export const netpolAnalyzerSuite: Suite = {
  name: 'netpol-analyzer',
  corpus: 'netpol-analyzer',
  async run(corpusDir) {
    const plain: CaseResult[] = [];
    const admin: CaseResult[] = [];
    const names = (await readdir(corpusDir, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    for (const name of names) {
      const dir = path.join(corpusDir, name);
      const result = await runCase(dir, name);
      if (await usesAdminPolicies(name, path.join(dir, 'input'))) admin.push(result);
      else plain.push(result);
    }
    return {
      suite: 'netpol-analyzer',
      groups: [
        { name: 'NetworkPolicy', cases: plain },
        { name: 'AdminNetworkPolicy', cases: admin },
      ],
      bar: 1,
      gatedGroups: ['NetworkPolicy'],
    };
  },
};
