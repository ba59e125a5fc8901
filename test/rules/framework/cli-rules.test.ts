// `ktm rules` and the rule flags of `ktm assess` (--rules, --skip-rules, --exceptions), run in-process.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runKtm } from '../../helpers/capture-io.js';
import { tempDirSync } from '../../helpers/temp-dir.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const FIXTURE = path.join(ROOT, 'test/fixtures/rules/controller-least-authority/fail.flag-absent.yaml');
const SUBJECT = 'Pod/kube-system/kube-controller-manager-cp1';

function exceptionsFile(body: string): string {
  const dir = tempDirSync('ktm-exceptions-');
  const file = path.join(dir, 'exceptions.yaml');
  writeFileSync(file, body);
  return file;
}

interface Json {
  findings: { id: string; rule: string }[];
  suppressed: { finding: { id: string }; exception: { owner?: string } }[];
  exceptions: { expired: unknown[]; unused: unknown[] };
  rules: { results: { rule: string }[] };
}

describe('ktm rules', () => {
  it('lists the catalogue with id, tier, severity and title', async () => {
    const r = await runKtm(['rules']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+TIER\s+SEVERITY\s+TITLE$/);
    expect(r.stdout).toMatch(/weak-tls\s+seed\s+medium\s+TLS is configured insecurely/);
  });

  it('explains one rule by id or alias', async () => {
    const byAlias = await runKtm(['rules', 'TOB-K8S-TM07']);
    expect(byAlias.code).toBe(0);
    expect(byAlias.stdout).toContain('# audit-disabled: User actions are not audited');
    expect(byAlias.stdout).toContain('**Short term.**');
    const json = await runKtm(['rules', 'weak-tls', '-o', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ id: 'weak-tls', tier: 'seed', severity: 'medium' });
  });

  it('rejects an unknown rule with one line and exit 2', async () => {
    const r = await runKtm(['rules', 'no-such-rule']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("ktm: rules: unknown rule 'no-such-rule' (run `ktm rules` for the rule ids)\n");
  });
});

describe('ktm assess rule flags', () => {
  it('runs only the rules named by --rules (aliases accepted)', async () => {
    const r = await runKtm(['assess', FIXTURE, '-o', 'json', '--rules', 'TOB-K8S-TM13']);
    const a = JSON.parse(r.stdout) as Json;
    expect(a.rules.results.map((x) => x.rule)).toEqual(['controller-least-authority']);
    expect(a.findings.map((f) => f.id)).toEqual([`controller-least-authority@${SUBJECT}`]);
  });

  it('skips the rules named by --skip-rules', async () => {
    const r = await runKtm(['assess', FIXTURE, '-o', 'json', '--skip-rules', 'controller-least-authority']);
    const a = JSON.parse(r.stdout) as Json;
    expect(a.rules.results.map((x) => x.rule)).not.toContain('controller-least-authority');
    expect(a.findings.some((f) => f.rule === 'controller-least-authority')).toBe(false);
  });

  it('suppresses findings with an exceptions file and lists them separately', async () => {
    const file = exceptionsFile(`exceptions:
  - rule: controller-least-authority
    subject: Pod/kube-system/kube-controller-manager-*
    justification: controllers are split in the next release (PLAT-42)
    owner: platform
    expires: 2999-12-31
  - rule: weak-tls
    subject: APIService/*
    justification: nothing to match here
`);
    const r = await runKtm([
      'assess',
      FIXTURE,
      '-o',
      'json',
      '--rules',
      'controller-least-authority,weak-tls',
      '--exceptions',
      file,
    ]);
    expect(r.code).toBe(0);
    const a = JSON.parse(r.stdout) as Json;
    expect(a.findings.some((f) => f.rule === 'controller-least-authority')).toBe(false);
    expect(a.suppressed).toEqual([
      expect.objectContaining({
        finding: expect.objectContaining({ id: `controller-least-authority@${SUBJECT}` }),
        exception: expect.objectContaining({ owner: 'platform' }),
      }),
    ]);
    expect(a.exceptions.unused).toHaveLength(1);
    const table = await runKtm([
      'assess',
      FIXTURE,
      '--rules',
      'controller-least-authority',
      '--exceptions',
      file,
    ]);
    expect(table.stdout).toContain('Suppressed by exceptions (1):');
  });

  it('stops suppressing after expiry and says so', async () => {
    const file = exceptionsFile(`exceptions:
  - rule: controller-least-authority
    subject: "*"
    justification: accepted for the migration
    expires: 2020-01-31
`);
    const r = await runKtm([
      'assess',
      FIXTURE,
      '--rules',
      'controller-least-authority',
      '--exceptions',
      file,
    ]);
    expect(r.stdout).toContain('Expired exceptions (1, no longer suppressing):');
    expect(r.stdout).toMatch(/fail\s+controller-least-authority/);
  });

  it('rejects an exceptions file naming an unknown rule, with file:line, before reading the input', async () => {
    const file = exceptionsFile(`exceptions:
  - rule: controller-least-authority
    justification: ok
  - rule: no-such-rule
    justification: typo
`);
    const r = await runKtm(['assess', '/does/not/exist', '--exceptions', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `ktm: ${file}:4:5: unknown rule 'no-such-rule' in exception (run \`ktm rules\` for the rule ids)\n`,
    );
  });
});
