// Network plugin identification and whether it enforces NetworkPolicy, from DaemonSets, Pods and ConfigMaps.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/collect/inventory.js';
import { detectNetworkPlugin } from '../../src/analysis/network-plugin.js';
import { computeReachability } from '../../src/analysis/network-policy/reachability.js';
import { inventoryOf, netpol, ns, pod } from './network-policy/helpers.js';

function ds(
  name: string,
  containers: { name: string; image: string; args?: string[] }[],
  namespace = 'kube-system',
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace },
    spec: { template: { metadata: { labels: { app: name } }, spec: { containers } } },
  };
}

function cm(name: string, data: Record<string, string>, namespace = 'kube-system'): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data };
}

const detect = (objs: KubeObject[]) => detectNetworkPlugin(inventoryOf(objs));

describe('detectNetworkPlugin', () => {
  it.each([
    ['calico', [ds('calico-node', [{ name: 'calico-node', image: 'docker.io/calico/node:v3.27.0' }])], 'yes'],
    [
      'canal',
      [
        ds('canal', [
          { name: 'calico-node', image: 'calico/node:v3.26' },
          { name: 'kube-flannel', image: 'flannel/flannel:v0.22' },
        ]),
      ],
      'yes',
    ],
    ['cilium', [ds('cilium', [{ name: 'cilium-agent', image: 'quay.io/cilium/cilium:v1.15.1' }])], 'yes'],
    [
      'antrea',
      [ds('antrea-agent', [{ name: 'antrea-agent', image: 'antrea/antrea-agent-ubuntu:v1.15.0' }])],
      'yes',
    ],
    [
      'weave',
      [
        ds('weave-net', [
          { name: 'weave', image: 'weaveworks/weave-kube:2.8.1' },
          { name: 'weave-npc', image: 'weaveworks/weave-npc:2.8.1' },
        ]),
      ],
      'yes',
    ],
    [
      'kube-router',
      [
        ds('kube-router', [
          {
            name: 'kube-router',
            image: 'docker.io/cloudnativelabs/kube-router:v2.0',
            args: ['--run-router=true'],
          },
        ]),
      ],
      'yes',
    ],
    [
      'flannel',
      [
        ds(
          'kube-flannel-ds',
          [{ name: 'kube-flannel', image: 'docker.io/flannel/flannel:v0.24.0' }],
          'kube-flannel',
        ),
      ],
      'no',
    ],
    [
      'azure-npm',
      [
        ds('azure-npm', [
          { name: 'azure-npm', image: 'mcr.microsoft.com/containernetworking/azure-npm:v1.5' },
        ]),
      ],
      'yes',
    ],
    [
      'gke-dataplane-v2',
      [ds('anetd', [{ name: 'cilium-agent', image: 'gke.gcr.io/cilium/cilium:v1.13' }])],
      'yes',
    ],
    [
      'ovn-kubernetes',
      [
        ds(
          'ovnkube-node',
          [{ name: 'ovnkube-controller', image: 'quay.io/openshift/ovn-kubernetes:4.15' }],
          'openshift-ovn-kubernetes',
        ),
      ],
      'yes',
    ],
    [
      'kindnet',
      [ds('kindnet', [{ name: 'kindnet-cni', image: 'docker.io/kindest/kindnetd:v20240813-c6f155d6' }])],
      'yes',
    ],
  ] as const)('recognises %s', (plugin, objs, enforces) => {
    const info = detect([...objs]);
    expect(info.plugin).toBe(plugin);
    expect(info.enforces).toBe(enforces);
    expect(info.evidence.length).toBeGreaterThan(0);
  });

  it('kindnet before kind 0.24 does not enforce', () => {
    expect(
      detect([
        ds('kindnet', [{ name: 'kindnet-cni', image: 'docker.io/kindest/kindnetd:v20230511-dc714da8' }]),
      ]).enforces,
    ).toBe('no');
  });

  it('AWS VPC CNI enforces only with its network policy agent enabled', () => {
    const node = (args: string[]) =>
      ds('aws-node', [
        { name: 'aws-node', image: '602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.16.0' },
        {
          name: 'aws-network-policy-agent',
          image: '602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon/aws-network-policy-agent:v1.0.7',
          args,
        },
      ]);
    expect(detect([node(['--enable-network-policy=false'])])).toMatchObject({
      plugin: 'aws-vpc-cni',
      enforces: 'no',
    });
    expect(detect([node(['--enable-network-policy=true'])])).toMatchObject({
      plugin: 'aws-vpc-cni',
      enforces: 'yes',
    });
    expect(
      detect([node([]), cm('amazon-vpc-cni', { 'enable-network-policy-controller': 'true' })]),
    ).toMatchObject({ enforces: 'yes' });
    expect(detect([ds('aws-node', [{ name: 'aws-node', image: 'amazon-k8s-cni:v1.12.0' }])])).toMatchObject({
      enforces: 'no',
    });
  });

  it('a policy engine beside a connectivity-only CNI wins (Calico on AWS VPC CNI)', () => {
    const info = detect([
      ds('aws-node', [{ name: 'aws-node', image: 'amazon-k8s-cni:v1.12.0' }]),
      ds('calico-node', [{ name: 'calico-node', image: 'calico/node:v3.26' }]),
    ]);
    expect(info.plugin).toBe('calico');
    expect(info.detected.map((d) => d.plugin).sort()).toEqual(['aws-vpc-cni', 'calico']);
  });

  it('Cilium with enable-policy never, weave without weave-npc, kube-router without firewall do not enforce', () => {
    expect(
      detect([
        ds('cilium', [{ name: 'cilium-agent', image: 'quay.io/cilium/cilium:v1.15.1' }]),
        cm('cilium-config', { 'enable-policy': 'never' }),
      ]).enforces,
    ).toBe('no');
    expect(
      detect([ds('weave-net', [{ name: 'weave', image: 'weaveworks/weave-kube:2.8.1' }])]).enforces,
    ).toBe('no');
    expect(
      detect([
        ds('kube-router', [
          { name: 'kube-router', image: 'cloudnativelabs/kube-router:v2.0', args: ['--run-firewall=false'] },
        ]),
      ]).enforces,
    ).toBe('no');
  });

  it('recognises agent pods when DaemonSets were not collected, and says unknown when nothing is recognised', () => {
    expect(detect([pod('kube-system', 'calico-node-abcde', { labels: {} })]).plugin).toBe('calico');
    expect(detect([pod('default', 'web')])).toMatchObject({ plugin: 'unknown', enforces: 'unknown' });
  });
});

describe('declared and effective views', () => {
  it('on a plugin that does not enforce, policies are inert: effective is all open, declared keeps the policy', () => {
    const objs = [
      ns('a'),
      pod('a', 'x'),
      pod('a', 'y'),
      netpol('a', 'deny', { podSelector: {} }),
      ds('kube-flannel-ds', [{ name: 'kube-flannel', image: 'flannel/flannel:v0.24.0' }], 'kube-flannel'),
    ];
    const reach = computeReachability(inventoryOf(objs));
    expect(reach.inert).toBe(true);
    const x = { kind: 'workload', workload: { namespace: 'a', name: 'x', kind: 'Pod' } } as const;
    const y = { kind: 'workload', workload: { namespace: 'a', name: 'y', kind: 'Pod' } } as const;
    expect(
      reach
        .connections('declared')
        .filter((c) => c.dst.kind === 'workload' && c.dst.workload.namespace === 'a'),
    ).toHaveLength(0);
    expect(
      reach
        .connections('effective')
        .filter((c) => c.dst.kind === 'workload' && c.dst.workload.namespace === 'a').length,
    ).toBeGreaterThan(0);
    expect(reach.allowed(x, y, 'effective')).toMatchObject({ TCP: [[1, 65535]] });
    expect(reach.isolated(y.workload, 'ingress')).toBe(true);
  });
});

describe('effective view details', () => {
  it('keeps class ids aligned when the policies are inert and selectors split classes', () => {
    const objs = [
      ns('a'),
      pod('a', 'x', { labels: { app: 'x' } }),
      pod('a', 'y', { labels: { app: 'y' } }),
      pod('a', 'z', { labels: { app: 'z' } }),
      netpol('a', 'p', { podSelector: { matchLabels: { app: 'y' } } }),
      netpol('a', 'q', { podSelector: { matchLabels: { app: 'z' } } }),
    ];
    const reach = computeReachability(inventoryOf(objs), {
      plugin: { plugin: 'flannel', enforces: 'no', evidence: [], detected: [] },
    });
    const inA = reach
      .connections('effective')
      .filter((c) => c.src.kind === 'workload' && c.dst.kind === 'workload');
    expect(inA).toHaveLength(6);
    expect(
      reach.connections('declared').filter((c) => c.src.kind === 'workload' && c.dst.kind === 'workload'),
    ).toHaveLength(2);
  });

  it('hostNetwork pods escape pod selectors in the effective view (the most common implementation)', () => {
    const apiserver: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'kube-apiserver-cp',
        namespace: 'kube-system',
        labels: { component: 'kube-apiserver' },
      },
      spec: {
        hostNetwork: true,
        containers: [{ name: 'kube-apiserver', image: 'registry.k8s.io/kube-apiserver:v1.30.0' }],
      },
    };
    const objs = [
      ns('kube-system'),
      ns('a'),
      apiserver,
      pod('a', 'client'),
      netpol('kube-system', 'deny', { podSelector: {} }),
    ];
    const reach = computeReachability(inventoryOf(objs), {
      plugin: { plugin: 'calico', enforces: 'yes', evidence: [], detected: [] },
    });
    const client = { kind: 'workload', workload: { namespace: 'a', name: 'client', kind: 'Pod' } } as const;
    const api = {
      kind: 'workload',
      workload: { namespace: 'kube-system', name: 'kube-apiserver-cp', kind: 'Pod' },
    } as const;
    expect(reach.hasHostNetworkPods).toBe(true);
    expect(reach.allowed(client, api, 'declared').TCP).toEqual([]);
    expect(reach.allowed(client, api, 'effective').TCP).toEqual([[1, 65535]]);
  });
});
