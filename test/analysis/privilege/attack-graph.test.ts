// The privilege graph's storage: edges kept as columns must read back exactly as they were added.
import { describe, expect, it } from 'vitest';
import { AttackGraph } from '../../../src/analysis/privilege/attack-graph.js';
import type { Evidence } from '../../../src/types.js';

const ev = (name: string, value?: string): Evidence => ({
  ref: { kind: 'Pod', namespace: 'ns', name },
  ...(value !== undefined ? { value } : {}),
});

function pods(g: AttackGraph, n: number): number[] {
  return Array.from({ length: n }, (_, i) => g.vertex({ kind: 'Pod', namespace: 'ns', name: `p${i}` }));
}

describe('AttackGraph', () => {
  it('reads back type, ends, evidence, control and assumption of every edge', () => {
    const g = new AttackGraph();
    const [a, b, c] = pods(g, 3) as [number, number, number];
    const one = [ev('a')];
    const e1 = g.edge('POD_EXEC', a, b, one, 'cut one');
    const e2 = g.edge('TOKEN_STEAL', b, c, [ev('b'), ev('c')], 'cut two', 'assumed');
    const e3 = g.edge('EXPAND', c, a, [], 'n/a (membership)');
    expect([e1, e2, e3]).toEqual([0, 1, 2]);
    expect(g.edgeCount).toBe(3);
    expect(g.edgeAt(e1)).toEqual({
      id: 0,
      type: 'POD_EXEC',
      from: a,
      to: b,
      evidence: one,
      control: 'cut one',
    });
    expect(g.edgeAt(e2)).toEqual({
      id: 1,
      type: 'TOKEN_STEAL',
      from: b,
      to: c,
      evidence: [ev('b'), ev('c')],
      control: 'cut two',
      assumption: 'assumed',
    });
    expect(g.edgeEvidence(e3)).toEqual([]);
    expect(g.edgeAssumption(e1)).toBeUndefined();
    // The compatibility views agree with the accessors.
    expect(g.edges.map((e) => e.id)).toEqual([0, 1, 2]);
    expect(g.out[b]).toEqual([e2]);
    expect(g.in[a]).toEqual([e3]);
  });

  it('keeps in- and out-edges in insertion order, past the wide-vertex index and after sealing', () => {
    const g = new AttackGraph();
    const hub = g.vertex({ kind: 'Pod', namespace: 'ns', name: '*' }, true);
    const members = pods(g, 40);
    const ids = members.map((m) => g.edge('EXPAND', hub, m, [ev(`m${m}`)], 'n/a (membership)'));
    expect(g.outEdges(hub)).toEqual(ids);
    expect(g.outDegree(hub)).toBe(40);
    // A repeated edge (same type and ends) adds its evidence to the first instead of a second edge.
    expect(g.edge('EXPAND', hub, members[30]!, [ev('again')], 'n/a (membership)')).toBe(ids[30]);
    expect(g.edgeEvidence(ids[30]!)).toEqual([ev(`m${members[30]}`), ev('again')]);
    g.seal();
    expect(g.edge('EXPAND', hub, members[5]!, [ev('later')], 'n/a (membership)')).toBe(ids[5]);
    const late = g.vertex({ kind: 'Pod', namespace: 'ns', name: 'late' });
    const added = g.edge('POD_EXEC', late, hub, [ev('x')], 'cut');
    const back = g.edge('POD_EXEC', hub, late, [ev('y')], 'cut');
    expect(g.outEdges(hub)).toEqual([...ids, back]);
    expect(g.inEdges(hub)).toEqual([added]);
    expect(g.hasEdge('POD_EXEC', hub, late)).toBe(true);
    expect(g.hasEdge('POD_EXEC', late, members[0]!)).toBe(false);
    let walked = 0;
    for (let e = g.firstIn(members[7]!); e !== -1; e = g.nextIn(e)) walked++;
    expect(walked).toBe(1);
  });

  it('adds no edge from a vertex to itself', () => {
    const g = new AttackGraph();
    const [a] = pods(g, 1) as [number];
    expect(g.edge('POD_EXEC', a, a, [], 'cut')).toBe(-1);
    expect(g.edgeCount).toBe(0);
  });
});
