// Every container-escape and host-exploit edge a bound pod gets, the same pod written as a Deployment (no pod, no node) gets too.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../../src/collect/inventory.js';
import { buildPrivilegeGraph } from '../../../src/analysis/privilege/build-graph.js';
import { KUBEHOUND_EDGE_TYPES } from '../../../src/analysis/privilege/attack-graph.js';
import { FIXTURES, edgeStrings, inventoryOf } from './helpers.js';

const ESCAPES = KUBEHOUND_EDGE_TYPES.filter((t) => t.startsWith('CE_') || t.startsWith('EXPLOIT_'));
const FILES = [
  'ce-module-load.yaml',
  'ce-nsenter.yaml',
  'ce-priv-mount.yaml',
  'ce-sys-ptrace.yaml',
  'ce-umh-core-pattern.yaml',
  'ce-var-log-symlink.yaml',
  'exploit-containerd-sock.yaml',
  'exploit-host-read.yaml',
  'exploit-host-traverse.yaml',
  'exploit-host-write.yaml',
];

function objectsOf(file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(path.join(FIXTURES, 'edges', file), 'utf8'))
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

/** Each bound Pod becomes a Deployment with the pod's spec (without nodeName) as its template; Nodes are dropped. */
function asManifests(objects: readonly KubeObject[]): KubeObject[] {
  return objects
    .filter((o) => o.kind !== 'Node')
    .map((o) => {
      if (o.kind !== 'Pod') return o;
      const { nodeName: _nodeName, ...spec } = o['spec'] as Record<string, unknown>;
      const labels = { app: o.metadata.name };
      return {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: o.metadata.name, namespace: o.metadata.namespace ?? 'default' },
        spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec } },
      };
    });
}

/** `TYPE from` of every escape edge: the pod vertex is named after the pod in both forms, the node differs. */
function escapes(objects: readonly KubeObject[]): string[] {
  const pg = buildPrivilegeGraph(inventoryOf(objects));
  return [
    ...new Set(
      ESCAPES.flatMap((t) => edgeStrings(pg, t)).map((e) => e.replace(/ -> (Node|Zone)\/.*$/, ' -> host')),
    ),
  ].sort();
}

describe('escapes from manifests', () => {
  it('the fixtures cover every KubeHound container-escape and host-exploit edge type', () => {
    const covered = new Set(FILES.flatMap((f) => escapes(objectsOf(f)).map((e) => e.split(' ')[0])));
    expect([...covered].sort()).toEqual([...ESCAPES].sort());
  });
  it.each(FILES)('%s: the Deployment form draws the same escapes, to the "any node" vertex', (file) => {
    const bound = escapes(objectsOf(file));
    expect(bound.length).toBeGreaterThan(0);
    const manifests = asManifests(objectsOf(file));
    // Every escape of the bound form; more only where pods on other nodes may now share the node.
    const unbound = escapes(manifests);
    expect(unbound).toEqual(expect.arrayContaining(bound));
    if (file !== 'exploit-host-traverse.yaml') expect(unbound).toEqual(bound);
    const pg = buildPrivilegeGraph(inventoryOf(manifests));
    const targets = new Set(
      pg.graph.edges
        .filter((e) => (ESCAPES as readonly string[]).includes(e.type))
        .map((e) => pg.graph.vertices[e.to]!)
        .filter((v) => v.kind === 'Node')
        .map((v) => v.name),
    );
    expect([...targets]).toEqual(targets.size === 0 ? [] : ['*']);
  });
});
