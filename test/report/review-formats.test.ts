// The review formats on the example cluster: golden Markdown, JSON and SARIF (byte for byte), the JSON against
// schema/assessment.schema.json and the SARIF against the SARIF 2.1.0 schema (the OASIS TC's final file, and the rtm.5
// draft), SARIF's locations and fingerprints, and GitHub code scanning's upload rules on the example and hostile clusters.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import type * as Sarif from 'sarif';
import { beforeAll, describe, expect, it } from 'vitest';
import { assess, type Assessment } from '../../src/assess.js';
import { loadInventory } from '../../src/collect/load.js';
import { REPORTERS } from '../../src/report/index.js';
import { RULES } from '../../src/rules/registry.js';
import { githubUploadProblems, GITHUB_LIMITS } from '../helpers/github-sarif.js';
import { writeHostileCluster } from '../helpers/hostile-cluster.js';

// Both packages are CommonJS with a default export: under NodeNext it sits on .default.
const AjvDraft04 = ajvDraft04.default;
const addFormats = ajvFormats.default;
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const GOLDEN = path.join(here, 'golden');
/** UPDATE_GOLDEN=1 rewrites the golden files (review the diff before committing it). */
const update = process.env['UPDATE_GOLDEN'] === '1';

function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (update || !existsSync(file)) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, actual);
  }
  expect(
    actual === readFileSync(file, 'utf8'),
    `${name} differs from the golden file (UPDATE_GOLDEN=1 rewrites it)`,
  ).toBe(true);
}

let a: Assessment;
beforeAll(async () => {
  a = assess(await loadInventory({ kind: 'demo' }), { now: new Date('2026-12-01T00:00:00Z') });
}, 60_000);

describe('review formats on the example cluster', () => {
  it('Markdown, JSON and SARIF match their golden files and are the same on a second run', async () => {
    const again = assess(await loadInventory({ kind: 'demo' }), { now: new Date('2026-12-01T00:00:00Z') });
    for (const [format, file] of [
      ['md', 'demo.md'],
      ['json', 'demo.assessment.json'],
      ['sarif', 'demo.sarif'],
    ] as const) {
      const out = REPORTERS[format].render(a, { basePath: root });
      expect(REPORTERS[format].render(again, { basePath: root })).toBe(out);
      golden(file, out);
    }
  }, 60_000);

  it('assessment.json validates against schema/assessment.schema.json', () => {
    const schema = JSON.parse(
      readFileSync(path.join(root, 'schema/assessment.schema.json'), 'utf8'),
    ) as object;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const ok = validate(JSON.parse(REPORTERS.json.render(a, {})));
    expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 3))).toEqual([]);
    expect(ok).toBe(true);
    // The validator is not vacuous: a document without findings fails.
    const { findings: _f, ...broken } = JSON.parse(REPORTERS.json.render(a, {})) as Record<string, unknown>;
    expect(validate(broken)).toBe(false);
  });

  it('SARIF validates against the final SARIF 2.1.0 schema (draft-07) and the rtm.5 draft (draft-04)', () => {
    const schema = (file: string): object =>
      JSON.parse(readFileSync(path.join(root, 'test/fixtures/sarif', file), 'utf8')) as object;
    // unicodeRegExp off: both schemas' `language` pattern is not valid with the u flag (they predate ajv 8).
    const final = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    const draft = new AjvDraft04({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats(final);
    addFormats(draft);
    const log = JSON.parse(REPORTERS.sarif.render(a, { basePath: root })) as Sarif.Log;
    for (const validate of [
      final.compile(schema('sarif-schema-2.1.0.json')),
      draft.compile(schema('sarif-2.1.0-rtm.5.json')),
    ]) {
      expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
      const wrong = { ...log, runs: [{ ...log.runs[0], results: [{ message: 'not an object' }] }] };
      expect(validate(wrong)).toBe(false);
    }
  });

  it('SARIF meets GitHub code scanning upload rules on the example and on a hostile cluster', async () => {
    const demo = JSON.parse(REPORTERS.sarif.render(a, { basePath: root })) as Sarif.Log;
    expect(githubUploadProblems(demo)).toEqual([]);
    const hostile = assess(await loadInventory({ kind: 'paths', paths: [writeHostileCluster()] }));
    const log = JSON.parse(REPORTERS.sarif.render(hostile, {})) as Sarif.Log;
    expect(log.runs[0]!.results!.length).toBeGreaterThan(5);
    expect(githubUploadProblems(log)).toEqual([]);
    // The checker is not vacuous: a logical-only location, a duplicate rule id, a line 0 and too many results fail.
    const run = demo.runs[0]!;
    const result = run.results![0]!;
    const broken: Sarif.Log = {
      ...demo,
      runs: [
        {
          ...run,
          tool: {
            driver: { ...run.tool.driver, rules: [...run.tool.driver.rules!, run.tool.driver.rules![0]!] },
          },
          results: [
            { ...result, locations: [{ logicalLocations: result.locations![0]!.logicalLocations! }] },
            {
              ...result,
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: 'a.yaml', uriBaseId: 'X' },
                    region: { startLine: 0 },
                  },
                },
              ],
            },
            ...Array.from({ length: GITHUB_LIMITS.resultsPerRun }, () => result),
          ],
        },
      ],
    };
    const problems = githubUploadProblems(broken).join('\n');
    expect(problems).toContain('without physicalLocation');
    expect(problems).toContain('id not unique');
    expect(problems).toContain('region.startLine 0');
    expect(problems).toContain(`${GITHUB_LIMITS.resultsPerRun + 2} results`);
  }, 60_000);

  it('SARIF: one rule per ktm rule with help, one result per finding, stable unique fingerprints, file and logical locations', () => {
    const log = JSON.parse(REPORTERS.sarif.render(a, { basePath: root })) as Sarif.Log;
    const run = log.runs[0]!;
    const rules = run.tool.driver.rules ?? [];
    expect(rules.map((r) => r.id).sort()).toEqual(RULES.map((r) => r.meta.id).sort());
    for (const r of rules) {
      expect(r.help?.markdown, r.id).toContain('**Short term.**');
      expect(Number(r.properties?.['security-severity'])).toBeGreaterThan(0);
    }
    const results = run.results ?? [];
    expect(results).toHaveLength(a.findings.length);
    const prints = results.map((r) => r.partialFingerprints?.['ktmFinding/v1']);
    expect(new Set(prints).size).toBe(results.length);
    for (const r of results) {
      expect(rules[r.ruleIndex!]!.id).toBe(r.ruleId);
      const loc = r.locations![0]!;
      expect(loc.logicalLocations![0]!.fullyQualifiedName).toMatch(/^[A-Za-z]+\//);
    }
    // Objects read from the snapshot carry file and line; findings on derived subjects are located in the cluster.
    const withFile = results.filter(
      (r) => r.locations![0]!.physicalLocation!.artifactLocation!.uriBaseId === '%SRCROOT%',
    );
    expect(withFile.length).toBeGreaterThan(0);
    expect(withFile.length).toBeLessThan(results.length);
    const inCluster = results.find(
      (r) => r.locations![0]!.physicalLocation!.artifactLocation!.uriBaseId === 'CLUSTER',
    )!;
    expect(inCluster.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe(
      inCluster
        .locations![0]!.logicalLocations![0]!.fullyQualifiedName!.split('/')
        .map(encodeURIComponent)
        .join('/'),
    );
    expect(run.originalUriBaseIds?.['CLUSTER']?.description?.text).toContain('Kind/namespace/name');
    const first = withFile[0]!.locations![0]!.physicalLocation!;
    expect(first.artifactLocation!.uri).toMatch(/^examples\/demo-cluster\//);
    expect(first.artifactLocation!.uriBaseId).toBe('%SRCROOT%');
    expect(first.region!.startLine).toBeGreaterThan(0);
  });
});
