// ktm assess --store, history, diff and triage end to end on the example cluster, in both stores.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runKtm, type Captured } from '../helpers/capture-io.js';
import { z } from 'zod';
import { demoPaths } from '../../src/collect/demo.js';
import { postgresBackend, sqliteBackend, SKIP_POSTGRES, useBackend, type Backend } from './backends.js';
import { tempDirSync } from '../helpers/temp-dir.js';

const ktm = (args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Captured> =>
  runKtm(args, '', undefined, env);

const SCHEMA = z.fromJSONSchema(
  JSON.parse(
    readFileSync(path.join(demoPaths().snapshot, '../../../schema/assessment.schema.json'), 'utf8'),
  ) as Parameters<typeof z.fromJSONSchema>[0],
);

interface ListFile {
  items: { metadata: { name: string; namespace?: string } }[];
}

/**
 * The example cluster after a change: the payments NetworkPolicies deleted and a new Deployment `shop/reports`
 * that runs privileged. Written as a snapshot folder like `ktm collect` writes.
 */
function editedDemo(): string {
  const { snapshot } = demoPaths();
  const dir = path.join(tempDirSync('ktm-edited-'), 'snapshot');
  cpSync(snapshot, dir, { recursive: true });
  const np = path.join(dir, 'networkpolicies.networking.k8s.io.json');
  const policies = JSON.parse(readFileSync(np, 'utf8')) as ListFile;
  policies.items = policies.items.filter((p) => p.metadata.namespace !== 'payments');
  writeFileSync(np, JSON.stringify(policies, null, 2));
  const dp = path.join(dir, 'deployments.apps.json');
  const deployments = JSON.parse(readFileSync(dp, 'utf8')) as { items: unknown[] };
  deployments.items.push({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'reports', namespace: 'shop', uid: 'edited-reports' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'reports' } },
      template: {
        metadata: { labels: { app: 'reports' } },
        spec: {
          containers: [
            { name: 'reports', image: 'example/reports:1.0', securityContext: { privileged: true } },
          ],
        },
      },
    },
  });
  writeFileSync(dp, JSON.stringify(deployments, null, 2));
  return dir;
}

interface DiffJson {
  before: number;
  after: number;
  findings: { new: { id: string; rule: string }[]; resolved: { id: string }[] };
  components: { added: { id: string }[]; removed: { id: string }[] };
  flows: { added: { id: string }[]; removed: { id: string }[] };
}

function suite(make: () => Promise<Backend>): void {
  const current = useBackend(make);

  it('diffs the example cluster before and after an edit', async () => {
    const store = current().fresh();
    const { nodeFiles } = demoPaths();
    const before = await ktm(['assess', '--demo', '--store', store, '-o', 'json']);
    expect(before.code).toBe(0);
    expect(before.stderr).toMatch(/^saved as assessment #\d+ of cluster lab in /m);
    const after = await ktm([
      'assess',
      editedDemo(),
      '--node-files',
      nodeFiles[0] ?? '',
      '--store',
      store,
      '-o',
      'json',
    ]);
    expect(after.code).toBe(0);

    const history = await ktm(['history', '--store', store, '-o', 'json']);
    const list = JSON.parse(history.stdout) as { id: number; cluster: string }[];
    expect(list.map((a) => a.cluster)).toEqual(['lab', 'lab']);

    const diff = await ktm(['diff', '--store', store, '-o', 'json']);
    expect(diff.code).toBe(0);
    const d = JSON.parse(diff.stdout) as DiffJson;
    expect([d.before, d.after]).toEqual([list[1]?.id, list[0]?.id]);
    // The new Deployment is a new component with new findings (it runs privileged)...
    expect(d.components.added.map((c) => c.id)).toContain('workload:shop/Deployment/reports');
    expect(
      d.findings.new.filter((f) => f.id.includes('Deployment/shop/reports')).map((f) => f.rule),
    ).toContain('privileged-workload');
    // ...payments lost its policies: it has none now, and the inert-policy finding is gone with them...
    const newIds = d.findings.new.map((f) => f.id);
    expect(newIds).toContain('unrestricted-network@Namespace/payments#no-policy');
    expect(d.findings.resolved.map((f) => f.id)).toContain(
      'policy-not-enforced@Namespace/payments#network-policy-inert',
    );
    // ...and nothing changed that the edit did not touch: the only components gone are the address ranges the
    // payments egress policy had carved out.
    for (const c of d.components.removed) expect(c.id).toMatch(/^external:address:/);
    // (the privileged Deployment is also a new attack path: its pods escape to a node)
    for (const id of newIds) expect(id).toMatch(/shop\/reports|Namespace\/payments/);
    // Attack-path findings report the worst paths up to a limit: the new Deployment's paths can push others out.
    for (const f of d.findings.resolved) expect(f.id).toMatch(/payments|^attack-path@/);

    const text = await ktm(['diff', '--store', store]);
    expect(text.stdout).toContain('New findings');
    expect(text.stdout).toContain('workload:shop/Deployment/reports');
    const same = await ktm(['diff', String(list[0]?.id), String(list[0]?.id), '--store', store]);
    expect(same.stdout).toContain('No changes.');
  });

  it('carries a triage decision across assessments and keeps accepted findings out of the gate until they lapse', async () => {
    const store = current().fresh();
    const args = ['assess', '--demo', '--rules', 'secrets-not-encrypted-at-rest', '--store', store];
    const first = await ktm([...args, '-o', 'json', '--fail-on', 'low']);
    expect(first.code).toBe(1);
    const findings = (
      JSON.parse(first.stdout) as { findings: { id: string; status: string }[] }
    ).findings.filter((f) => f.status === 'fail');
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      const r = await ktm([
        'triage',
        f.id,
        'accepted',
        '--reason',
        'KMS rollout',
        '--until',
        '2999-12-31',
        '--by',
        'sec',
        '--store',
        store,
      ]);
      expect(r.code).toBe(0);
    }
    const second = await ktm([...args, '-o', 'json', '--fail-on', 'low']);
    expect(second.code).toBe(0);
    // The triage section is part of the documented output: schema/assessment.schema.json describes it.
    const validated = SCHEMA.safeParse(JSON.parse(second.stdout));
    expect(validated.success ? [] : validated.error.issues).toEqual([]);
    const tampered = JSON.parse(second.stdout) as { triage: { state: string }[] };
    for (const x of tampered.triage) x.state = 'ignored';
    expect(SCHEMA.safeParse(tampered).success).toBe(false);
    const triage = (JSON.parse(second.stdout) as { triage: { findingId: string; state: string }[] }).triage;
    expect(triage.map((x) => [x.findingId, x.state])).toEqual(findings.map((f) => [f.id, 'accepted']).sort());
    const table = await ktm(args);
    expect(table.stdout).toMatch(/^Triage \(\d+, from the assessment store\):/m);
    expect(table.stdout).toContain('KMS rollout (sec,');

    // An acceptance past its date re-opens the finding: shown as such, and the gate fails again.
    for (const f of findings)
      await ktm(['triage', f.id, 'accepted', '--reason', 'old', '--until', '2020-01-31', '--store', store]);
    const lapsed = await ktm([...args, '-o', 'json', '--fail-on', 'low']);
    expect(lapsed.code).toBe(1);
    const again = (JSON.parse(lapsed.stdout) as { triage: { state: string; expired?: boolean }[] }).triage;
    expect(again.every((x) => x.state === 'open' && x.expired === true)).toBe(true);

    const shown = await ktm(['triage', findings[0]?.id ?? '', '--store', store]);
    expect(shown.stdout.trim().split('\n')).toHaveLength(2);
  });
}

describe('ktm history, diff, triage on SQLite', () => suite(sqliteBackend));
describe.skipIf(SKIP_POSTGRES !== undefined)(
  `ktm history, diff, triage on PostgreSQL${SKIP_POSTGRES === undefined ? '' : ` (skipped: ${SKIP_POSTGRES})`}`,
  () => suite(postgresBackend),
);

describe('when ktm assess saves', () => {
  it('saves by default when $KTM_STORE is set, and not with --no-save or without a store', async () => {
    const dir = tempDirSync('ktm-env-store-');
    const env = { KTM_STORE: path.join(dir, 'env.db') };
    expect((await ktm(['assess', '--demo', '--rules', 'weak-tls'], env)).stderr).toMatch(
      /saved as assessment #1/,
    );
    expect((await ktm(['assess', '--demo', '--rules', 'weak-tls', '--no-save'], env)).stderr).not.toMatch(
      /saved/,
    );
    expect((await ktm(['assess', '--demo', '--rules', 'weak-tls'], {})).stderr).not.toMatch(/saved/);
    const h = await ktm(['history', '-o', 'json'], env);
    expect((JSON.parse(h.stdout) as unknown[]).length).toBe(1);
    // $KTM_STORE_FILE: the location on the first line of a file (a mounted Secret), and saving is on.
    const locationFile = path.join(dir, 'store-url');
    writeFileSync(locationFile, `${path.join(dir, 'from-file.db')}\n`);
    const fromFile = await ktm(['assess', '--demo', '--rules', 'weak-tls'], { KTM_STORE_FILE: locationFile });
    expect(fromFile.stderr).toContain(`in ${path.join(dir, 'from-file.db')}`);
    const missing = await ktm(['history'], { KTM_STORE_FILE: path.join(dir, 'nope') });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^ktm: KTM_STORE_FILE=.*nope: cannot read the store location \(ENOENT\)/);
  });

  it('rejects a triage without a reason, an unknown state and a bad date in one line each', async () => {
    const store = path.join(tempDirSync('ktm-triage-'), 's.db');
    await ktm(['assess', '--demo', '--rules', 'weak-tls', '--store', store]);
    const cases: [string[], RegExp][] = [
      [['x', 'accepted'], /a decision needs a reason/],
      [['x', 'ignored', '--reason', 'r'], /unknown triage state 'ignored'/],
      [['x', 'accepted', '--reason', 'r', '--until', '2027-02-30'], /invalid date '2027-02-30'/],
      [
        ['x', 'mitigated', '--reason', 'r', '--until', '2027-02-01'],
        /--until applies to accepted findings only/,
      ],
      [['no-such-finding', 'accepted', '--reason', 'r'], /no finding 'no-such-finding'/],
    ];
    for (const [args, message] of cases) {
      const r = await ktm(['triage', ...args, '--store', store]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
