// `ktm init` writes a valid threat model from the observed one; `ktm model update` keeps what the teams wrote.
import { describe, expect, it } from 'vitest';
import { Inventory } from '../../src/collect/inventory.js';
import type { Component, Model } from '../../src/model/types.js';
import { initThreatModel, updateThreatModel } from '../../src/assumptions/declare.js';
import { parseThreatModel } from '../../src/assumptions/threat-model-file.js';
import { validateCheck } from '../../src/assumptions/evaluate.js';

const comp = (id: string): Component => ({
  id,
  name: id,
  kind: { type: 'external', actor: 'internet' },
  zone: 'internet',
  nodes: [],
  refs: [],
  listens: [],
});
const model = (ids: string[], flows: [string, string, number][]): Model => ({
  components: ids.map(comp),
  flows: flows.map(([from, to, port]) => ({
    id: `${from}->${to}`,
    from,
    to,
    protocol: 'https',
    port,
    tls: 'verified',
    authn: 'token',
    purpose: 'test',
    evidence: [],
  })),
  zones: [
    {
      id: 'internet',
      name: 'Internet',
      kind: 'top',
      members: ids,
      children: [],
      controls: [],
      policies: [],
      placement: [],
      boundaryFlows: [],
    },
  ],
  reachability: { state: 'not-computed', reason: 'test' },
  notes: [],
});
const inventory = new Inventory({
  cluster: { name: 'lab' },
  items: [
    {
      object: {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'deny', namespace: 'payments' },
        spec: { podSelector: {} },
      },
      source: { file: 'x.yaml' },
    },
  ],
  coverage: { mode: 'manifests', resources: [], facts: [] },
});

describe('ktm init', () => {
  it('writes a file that validates, with owners to fill in and starter assumptions', () => {
    const text = initThreatModel(
      inventory,
      model(['external:internet', 'a'], [['external:internet', 'a', 443]]),
    );
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./threatmodel.schema.json');
    expect(text).toContain('# owner: TEAM');
    const parsed = parseThreatModel(text, 'threatmodel.yaml', validateCheck);
    expect(parsed.zones.map((z) => z.id)).toEqual(['internet']);
    expect(parsed.components.find((c) => c.id === 'external:internet')?.dependsOn).toEqual(['a']);
    const ids = parsed.assumptions.map((a) => a.id);
    expect(ids).toContain('default-deny-payments');
    expect(ids).toContain('internet-exposure');
    expect(parsed.assumptions.find((a) => a.id === 'internet-exposure')?.check).toEqual({
      builtin: 'internet-reaches-only',
      params: { components: ['a'] },
    });
  });
});

describe('ktm model update', () => {
  it('adds new facts, marks vanished ones, and keeps owners, notes and comments', () => {
    const first = initThreatModel(inventory, model(['external:internet', 'a', 'b'], [['a', 'b', 80]]));
    const edited = first
      .replace(
        '  - id: internet\n    name: Internet',
        '  - id: internet\n    name: Internet\n    owner: team-edge # we own the edge\n    notes: reviewed 2026-11',
      )
      .replace('assumptions:', '# our own words stay\nassumptions:');
    const { text, summary } = updateThreatModel(
      edited,
      'threatmodel.yaml',
      model(['external:internet', 'a', 'c'], [['a', 'c', 80]]),
    );
    expect(summary).toEqual({ addedComponents: 1, vanishedComponents: 1, addedFlows: 1, vanishedFlows: 1 });
    expect(text).toContain('owner: team-edge # we own the edge');
    expect(text).toContain('notes: reviewed 2026-11');
    expect(text).toContain('# our own words stay');
    const parsed = parseThreatModel(text, 'threatmodel.yaml', validateCheck);
    expect(parsed.components.find((c) => c.id === 'b')?.status).toBe('vanished');
    expect(parsed.components.find((c) => c.id === 'c')?.status).toBe('new');
    expect(parsed.flows.find((f) => f.to === 'b')?.status).toBe('vanished');
    expect(parsed.flows.find((f) => f.to === 'c')?.status).toBe('new');
    // Seen again: the vanished mark goes.
    const back = updateThreatModel(
      text,
      'threatmodel.yaml',
      model(
        ['external:internet', 'a', 'b', 'c'],
        [
          ['a', 'b', 80],
          ['a', 'c', 80],
        ],
      ),
    );
    expect(
      parseThreatModel(back.text, 'x', validateCheck).components.find((c) => c.id === 'b')?.status,
    ).toBeUndefined();
    expect(back.summary.addedComponents).toBe(0);
  });
});
