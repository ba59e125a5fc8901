// deploy/rbac.yaml grants exactly what live collection reads: list on every resource type, get on named ConfigMaps, nothing that writes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { RESOURCE_TYPES, WANTED_CONFIGMAPS } from '../../../src/collect/resource-types.js';
import { packageRoot } from '../../../src/collect/demo.js';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}
interface Doc {
  kind: string;
  metadata: { name: string };
  rules?: Rule[];
  roleRef?: { name: string };
}

const docs = parseAllDocuments(readFileSync(path.join(packageRoot(), 'deploy', 'rbac.yaml'), 'utf8')).map(
  (d) => d.toJS() as Doc,
);
const role = (name: string): Rule[] =>
  docs.find((d) => d.kind === 'ClusterRole' && d.metadata.name === name)!.rules!;

describe('deploy/rbac.yaml', () => {
  it('holds the reader role, its ServiceAccount and binding, and the optional kubelet-config role', () => {
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      'Namespace/ktm',
      'ServiceAccount/ktm',
      'ClusterRole/ktm-reader',
      'ClusterRoleBinding/ktm-reader',
      'ClusterRole/ktm-kubelet-config',
    ]);
    expect(docs.find((d) => d.kind === 'ClusterRoleBinding')!.roleRef!.name).toBe('ktm-reader');
  });

  it('grants only get and list, never a wildcard', () => {
    for (const d of docs)
      for (const r of d.rules ?? []) {
        expect(
          r.verbs.every((v) => v === 'get' || v === 'list'),
          JSON.stringify(r),
        ).toBe(true);
        expect([...r.apiGroups, ...r.resources, ...r.verbs]).not.toContain('*');
      }
  });

  it('lets ktm list every resource type it collects, and get only the ConfigMaps it names', () => {
    const rules = role('ktm-reader');
    const may = (group: string, resource: string, verb: string): boolean =>
      rules.some(
        (r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb),
      );
    for (const rt of RESOURCE_TYPES.filter((t) => t.selective !== true))
      expect(may(rt.group, rt.resource, 'list'), `${rt.resource}.${rt.group}`).toBe(true);
    const cm = rules.filter((r) => r.resources.includes('configmaps'));
    expect(cm).toHaveLength(1);
    expect(cm[0]!.verbs).toEqual(['get']);
    expect([...cm[0]!.resourceNames!].sort()).toEqual(WANTED_CONFIGMAPS.map((c) => c.split('/')[1]).sort());
  });

  it('keeps nodes/proxy out of the reader role', () => {
    expect(role('ktm-reader').some((r) => r.resources.some((x) => x.includes('/')))).toBe(false);
    expect(role('ktm-kubelet-config')).toEqual([
      { apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] },
    ]);
  });
});
