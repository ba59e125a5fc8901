// detectProvider: provider labels and builds are decisive; a cloud providerID alone only without a visible control plane.
import { describe, expect, it } from 'vitest';
import type { InventoryItem } from '../../../src/collect/inventory.js';
import { detectProvider } from '../../../src/collect/provider.js';

function node(name: string, labels: Record<string, string>, providerID?: string): InventoryItem {
  return {
    object: {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels },
      spec: providerID === undefined ? {} : { providerID },
    },
    source: { file: 'nodes.yaml' },
  };
}

const apiserverPod: InventoryItem = {
  object: {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'kube-apiserver-cp',
      namespace: 'kube-system',
      labels: { component: 'kube-apiserver' },
    },
    spec: { containers: [{ name: 'kube-apiserver', command: ['kube-apiserver'] }] },
  },
  source: { file: 'pods.yaml' },
};

describe('detectProvider', () => {
  it('recognises EKS, GKE and AKS from node pool labels', () => {
    expect(detectProvider([node('a', { 'eks.amazonaws.com/nodegroup': 'ng' })])).toBe('eks');
    expect(detectProvider([node('a', { 'cloud.google.com/gke-nodepool': 'default-pool' })])).toBe('gke');
    expect(detectProvider([node('a', { 'kubernetes.azure.com/cluster': 'MC_rg_aks_eastus' })])).toBe('aks');
    expect(detectProvider([node('a', { 'node.openshift.io/os_id': 'rhcos' })])).toBe('openshift');
  });

  it('recognises provider builds from the server gitVersion', () => {
    const plain = [node('a', {})];
    expect(detectProvider(plain, { major: '1', minor: '29+', gitVersion: 'v1.29.4-eks-036c24b' })).toBe(
      'eks',
    );
    expect(detectProvider(plain, { major: '1', minor: '29', gitVersion: 'v1.29.4-gke.1043002' })).toBe('gke');
    expect(detectProvider(plain, { major: '1', minor: '29', gitVersion: 'v1.29.4' })).toBeUndefined();
  });

  it('uses a providerID prefix only when no control-plane pod is visible (kops and kubeadm on clouds have them too)', () => {
    expect(detectProvider([node('a', {}, 'azure:///subscriptions/x/vm-0')])).toBe('aks');
    expect(detectProvider([node('a', {}, 'gce://project/zone/vm')])).toBe('gke');
    expect(detectProvider([node('a', {}, 'aws:///us-east-1a/i-0abc'), apiserverPod])).toBeUndefined();
    expect(detectProvider([node('a', {}, 'kind://docker/kind/kind-worker')])).toBeUndefined();
  });

  it('returns undefined for a self-managed cluster', () => {
    expect(
      detectProvider([node('cp', { 'node-role.kubernetes.io/control-plane': '' }), apiserverPod]),
    ).toBeUndefined();
    expect(detectProvider([])).toBeUndefined();
  });
});
