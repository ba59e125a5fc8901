// threatmodel.yaml validation: precise file:line:column errors saying what is wrong and what is allowed.
import { describe, expect, it } from 'vitest';
import { parseThreatModel, threatModelJsonSchema } from '../../src/assumptions/threat-model-file.js';
import { KtmError } from '../../src/errors.js';

const valid = `apiVersion: ktm.dev/v1alpha1
kind: ThreatModel
metadata:
  name: lab
zones:
  - id: container
    owner: platform
  - id: container/ns/shop
    parent: container
    owner: team-shop
assumptions:
  - id: shop-default-deny
    text: The shop namespace denies ingress by default
    zone: container/ns/shop
    owner: team-shop
    topic: networking
    check:
      builtin: namespace-default-deny
      params: { namespace: shop }
  - id: no-privileged
    text: Nothing runs privileged
    check:
      cel: "workloads.all(w, !w.privileged)"
`;

function errorOf(text: string): string {
  try {
    parseThreatModel(text, 'threatmodel.yaml');
  } catch (e) {
    if (e instanceof KtmError) return e.line();
    throw e;
  }
  throw new Error('expected an error');
}

describe('threatmodel.yaml', () => {
  it('accepts a valid file and fills defaults', () => {
    const m = parseThreatModel(valid, 'threatmodel.yaml');
    expect(m.assumptions.map((a) => a.id)).toEqual(['shop-default-deny', 'no-privileged']);
    expect(m.flows).toEqual([]);
  });

  it('points at the line and column of a bad value', () => {
    const bad = valid.replace('topic: networking', 'topic: vibes');
    expect(errorOf(bad)).toMatch(
      /^threatmodel\.yaml:16:12: assumptions\[0\]\.topic: Invalid option: expected one of "networking"\|/,
    );
  });

  it('rejects unknown keys where they are', () => {
    expect(errorOf(valid.replace('    owner: platform', '    ownr: platform'))).toMatch(
      /^threatmodel\.yaml:6:5: zones\[0\]: Unrecognized key: "ownr"/,
    );
  });

  it('rejects a check that is neither builtin nor cel', () => {
    expect(errorOf(valid.replace('      cel: "workloads.all(w, !w.privileged)"', '      rego: "x"'))).toMatch(
      /^threatmodel\.yaml:\d+:\d+: assumptions\[1\]\.check/,
    );
  });

  it('rejects duplicate ids and unknown parents', () => {
    expect(errorOf(valid.replace('id: no-privileged', 'id: shop-default-deny'))).toMatch(
      /threatmodel\.yaml:20:9: .*duplicate assumption id/,
    );
    expect(errorOf(valid.replace('parent: container\n', 'parent: nowhere\n'))).toMatch(
      /threatmodel\.yaml:9:13: zones\[1\]\.parent: unknown zone 'nowhere'/,
    );
  });

  it('reports YAML syntax errors with their position', () => {
    expect(errorOf('apiVersion: ktm.dev/v1alpha1\nkind: [unclosed\n')).toMatch(
      /^threatmodel\.yaml:\d+:\d+: .*\(fix the YAML syntax\)$/,
    );
  });

  it('reports a wrong apiVersion where it is', () => {
    expect(errorOf(valid.replace('ktm.dev/v1alpha1', 'v1'))).toMatch(
      /^threatmodel\.yaml:1:13: apiVersion: Invalid input: expected "ktm\.dev\/v1alpha1"/,
    );
  });

  it('publishes a JSON Schema that editors can use', () => {
    const schema = threatModelJsonSchema();
    expect(schema['$schema']).toContain('json-schema.org');
    const props = (schema['properties'] ?? {}) as Record<string, unknown>;
    expect(Object.keys(props).sort()).toEqual([
      'apiVersion',
      'assumptions',
      'components',
      'flows',
      'kind',
      'metadata',
      'teams',
      'zones',
    ]);
  });
});
