// The Assessment as output: `ktm assess -o json` matches schema/assessment.schema.json, and no format prints a credential.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { REPORT_FORMATS } from '../../../src/report/index.js';
import { allReportOptions, allViews, renderEveryFormat } from '../../helpers/report-options.js';
import { assess } from '../../../src/assess.js';
import { loadInventory } from '../../../src/collect/load.js';
import { COMPONENT_NAMES } from '../../../src/collect/settings/types.js';
import { defineRule } from '../../../src/rules/framework/define-rule.js';
import { runRules } from '../../../src/rules/framework/run-rules.js';
import { settingEvidence } from '../../../src/rules/framework/setting-values.js';
import { runKtm } from '../../helpers/capture-io.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SCHEMA = JSON.parse(
  readFileSync(path.join(ROOT, 'schema/assessment.schema.json'), 'utf8'),
) as Parameters<typeof z.fromJSONSchema>[0];
const PLANTED = path.join(ROOT, 'test/fixtures/rules/_framework/planted-credentials.yaml');
const CONTROLLER_FIXTURE = path.join(
  ROOT,
  'test/fixtures/rules/controller-least-authority/fail.flag-absent.yaml',
);

describe('assessment output', () => {
  const validator = z.fromJSONSchema(SCHEMA);

  it('validates `ktm assess -o json` against the JSON Schema', async () => {
    const r = await runKtm(['assess', PLANTED, CONTROLLER_FIXTURE, '--complete', '-o', 'json']);
    expect(r.stderr).toBe('');
    const json: unknown = JSON.parse(r.stdout);
    const result = validator.safeParse(json);
    expect(result.success ? [] : result.error.issues).toEqual([]);
    const a = json as { findings: unknown[]; rules: { results: unknown[] } };
    expect(a.rules.results.length).toBeGreaterThan(0);
  });

  it('rejects findings of the wrong shape: missing fields, unknown status or severity, extra fields', async () => {
    const r = await runKtm([
      'assess',
      CONTROLLER_FIXTURE,
      '-o',
      'json',
      '--rules',
      'controller-least-authority',
    ]);
    const a = JSON.parse(r.stdout) as { findings: Record<string, unknown>[] };
    const good = a.findings[0]!;
    expect(validator.safeParse(a).success).toBe(true);
    for (const bad of [
      { ...good, status: 'maybe' },
      { ...good, severity: 'urgent' },
      { ...good, subject: { kind: 'Pod' } },
      { ...good, remediation: { shortTerm: 'only one' } },
      { ...good, unexpected: true },
      Object.fromEntries(Object.entries(good).filter(([k]) => k !== 'evidence')),
    ])
      expect(validator.safeParse({ ...a, findings: [bad] }).success, JSON.stringify(bad).slice(0, 80)).toBe(
        false,
      );
  });

  it('prints no planted credential value in any output format', async () => {
    const planted = [...readFileSync(PLANTED, 'utf8').matchAll(/PLANTED-[a-z-]+-[0-9a-f]{4}/g)].map(
      (m) => m[0],
    );
    expect(planted.length).toBe(7);
    for (const format of REPORT_FORMATS) {
      const r = await runKtm(['assess', PLANTED, '-o', format]);
      expect(r.code, `${format}: ${r.stderr}`).toBe(0);
      for (const value of planted)
        expect(r.stdout + r.stderr, `${format} prints ${value}`).not.toContain(value);
    }
  });

  it('keeps planted values out of every format even when a rule puts every component flag in evidence', async () => {
    // A deliberately careless rule: every explicit setting of every component, value in the message too.
    const careless = defineRule({
      meta: {
        id: 'careless',
        aliases: [],
        sources: [],
        tier: 'core',
        inputs: { kinds: [] },
        title: 'Reports every flag',
        description: 'Test rule.',
        zone: 'API Server',
        stride: ['information-disclosure'],
        likelihood: 'low',
        impact: 'low',
        detection: 'n/a',
        falsePositives: 'n/a',
        remediation: { shortTerm: 'n/a', longTerm: 'n/a' },
        references: ['https://example.invalid/'],
        messages: { flag: '{{component}} has --{{name}}={{value}}' },
      },
      check(ctx) {
        for (const component of COMPONENT_NAMES)
          for (const s of ctx.component(component).visible)
            for (const setting of s.explicit())
              ctx.report({
                messageId: 'flag',
                data: { component, name: setting.name, value: setting.value ?? '' },
                subject: { kind: 'Setting', name: `${component}/${setting.name}` },
                evidence: [settingEvidence(setting, s)],
              });
      },
    });
    const inv = await loadInventory({ kind: 'paths', paths: [PLANTED] });
    const run = runRules(inv, [careless]);
    const names = run.findings.map((f) => f.subject.name);
    expect(names).toContain('kube-apiserver/token');
    expect(names).toContain('kube-apiserver/basic-auth-password');
    const assessment = { ...assess(inv, { rules: [] }), findings: run.findings };
    const planted = [...readFileSync(PLANTED, 'utf8').matchAll(/PLANTED-[a-z-]+-[0-9a-f]{4}/g)].map(
      (m) => m[0],
    );
    const options = await allReportOptions(inv, assessment);
    const rendered = renderEveryFormat(allViews(inv, assessment), options);
    expect(rendered.length).toBeGreaterThan(30);
    for (const r of rendered)
      for (const out of r.outputs)
        for (const value of planted)
          expect(out.content, `${r.name} (${r.command}) ${out.path} prints ${value}`).not.toContain(value);
  });

  it('rejects unknown rule ids in --rules and --skip-rules with one line and exit 2', async () => {
    for (const flag of ['--rules', '--skip-rules']) {
      const r = await runKtm(['assess', CONTROLLER_FIXTURE, flag, 'controller-least-authority,no-such-rule']);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `ktm: ${flag}: unknown rule 'no-such-rule' (run \`ktm rules\` for the rule ids)\n`,
      );
    }
  });
});
