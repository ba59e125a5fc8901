// mergeStaticPods: a static manifest replaces its mirror pod in place; other objects and order are kept.
import { describe, expect, it } from 'vitest';
import type { InventoryItem } from '../../../src/collect/inventory.js';
import { mergeStaticPods } from '../../../src/collect/node-files/merge-static-pods.js';

const pod = (name: string, file: string, kind = 'Pod'): InventoryItem => ({
  object: { apiVersion: 'v1', kind, metadata: { name, namespace: 'kube-system' } },
  source: { file },
});

describe('mergeStaticPods', () => {
  it('keeps the manifest in the mirror pod’s place, once, and appends static pods without a mirror', () => {
    const items = [
      pod('coredns-1', 'api'),
      pod('kube-apiserver-cp', 'api'),
      pod('kube-apiserver-cp', 'api', 'ConfigMap'),
    ];
    const statics = [
      pod('kube-apiserver-cp', 'manifests/kube-apiserver.yaml'),
      pod('etcd-cp', 'manifests/etcd.yaml'),
    ];
    const r = mergeStaticPods(items, statics);
    expect(r.items.map((i) => `${i.object.kind}/${i.object.metadata.name}@${i.source.file}`)).toEqual([
      'Pod/coredns-1@api',
      'Pod/kube-apiserver-cp@manifests/kube-apiserver.yaml',
      'ConfigMap/kube-apiserver-cp@api',
      'Pod/etcd-cp@manifests/etcd.yaml',
    ]);
    expect(r.replacedMirrorPods.map((i) => i.source.file)).toEqual(['api']);
  });

  it('returns the items unchanged without static pods', () => {
    const items = [pod('a', 'x')];
    expect(mergeStaticPods(items, []).items).toEqual(items);
  });
});
