// Nodes and node pools: which pool each node belongs to, from provider pool labels, node-role labels or taints.
import { byCodeUnit } from './order.js';
import type { Inventory } from '../collect/inventory.js';
import type { Ref } from '../types.js';

export interface NodeRecord {
  readonly name: string;
  readonly ref: Ref;
  /** Present when the Node object was read (else the node is known only from pods, settings or node files). */
  readonly observed: boolean;
  readonly pool: string;
  /** The label or taint the pool was taken from. */
  readonly poolSource: string;
  readonly runtimeVersion?: string;
  readonly providerID?: string;
  readonly taints: readonly string[];
  readonly controlPlane: boolean;
}

/**
 * Pool labels set by managed node groups and autoscalers. `node.kubernetes.io/instance-type` is a machine size,
 * not a pool, so it is deliberately absent.
 */
const POOL_LABELS = [
  'eks.amazonaws.com/nodegroup',
  'alpha.eksctl.io/nodegroup-name',
  'cloud.google.com/gke-nodepool',
  'kubernetes.azure.com/agentpool',
  'agentpool',
  'karpenter.sh/nodepool',
  'node-pool',
  'nodepool',
] as const;

const ROLE_PREFIX = 'node-role.kubernetes.io/';

export function collectNodes(inv: Inventory, extraNames: Iterable<string>): NodeRecord[] {
  const out = new Map<string, NodeRecord>();
  for (const item of inv.ofKind('Node')) {
    const n = item.object;
    const labels = n.metadata?.labels ?? {};
    const name = n.metadata?.name ?? item.object.metadata.name;
    const taints = (n.spec?.taints ?? []).map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`);
    const roles = Object.keys(labels)
      .filter((k) => k.startsWith(ROLE_PREFIX))
      .map((k) => k.slice(ROLE_PREFIX.length))
      .filter((r) => r !== '')
      .sort();
    const controlPlane = roles.includes('control-plane') || roles.includes('master');
    let pool = 'default';
    let poolSource = 'no pool label, role label or taint';
    const poolLabel = POOL_LABELS.find((l) => labels[l] !== undefined && labels[l] !== '');
    if (poolLabel !== undefined) {
      pool = labels[poolLabel]!;
      poolSource = `label ${poolLabel}`;
    } else if (controlPlane) {
      pool = 'control-plane';
      poolSource = `label ${ROLE_PREFIX}${roles.includes('control-plane') ? 'control-plane' : 'master'}`;
    } else if (roles.length > 0) {
      pool = roles[0]!;
      poolSource = `label ${ROLE_PREFIX}${roles[0]!}`;
    } else {
      const taint = (n.spec?.taints ?? []).find((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
      if (taint !== undefined) {
        pool = `${taint.key}${taint.value ? `=${taint.value}` : ''}`;
        poolSource = `taint ${taint.key}:${taint.effect}`;
      }
    }
    const runtime = n.status?.nodeInfo?.containerRuntimeVersion;
    const providerID = n.spec?.providerID;
    out.set(name, {
      name,
      ref: { kind: 'Node', name },
      observed: true,
      pool,
      poolSource,
      ...(runtime ? { runtimeVersion: runtime } : {}),
      ...(providerID ? { providerID } : {}),
      taints,
      controlPlane,
    });
  }
  for (const name of extraNames) {
    if (name === '' || out.has(name)) continue;
    out.set(name, {
      name,
      ref: { kind: 'Node', name },
      observed: false,
      pool: 'default',
      poolSource: 'Node object not read',
      taints: [],
      controlPlane: false,
    });
  }
  return [...out.values()].sort((a, b) => byCodeUnit(a.name, b.name));
}

/** A cloud provider whose instances answer on 169.254.169.254, from the cluster's provider or nodes' providerID. */
export function cloudOf(inv: Inventory, nodes: readonly NodeRecord[]): string | undefined {
  const p = inv.cluster.provider;
  if (p !== undefined) return p;
  for (const n of nodes) {
    const scheme = /^([a-z]+):\/\//.exec(n.providerID ?? '')?.[1];
    if (scheme !== undefined && !['kind', 'k3s', 'rke2', 'kubemark'].includes(scheme)) return scheme;
  }
  return undefined;
}
