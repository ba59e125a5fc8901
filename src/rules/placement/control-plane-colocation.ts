// Rule control-plane-colocation: control-plane nodes open to workloads, workloads tolerating them, escape-capable pods beside more trusted ones.
import type { Inventory } from '../../collect/inventory.js';
import type { Ref } from '../../types.js';
import { defineRule } from '../framework/define-rule.js';
import { PLACEMENT_KINDS } from '../framework/inputs.js';

const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

/** A static control-plane pod (kube-system mirror pod): the control plane sharing a node with itself is not colocation. */
function isControlPlanePod(inv: Inventory, ref: Ref): boolean {
  if (ref.kind !== 'Pod' || ref.namespace !== 'kube-system') return false;
  const o = inv.get('Pod', ref.namespace, ref.name)?.object;
  if (o === undefined) return false;
  const a = o.metadata.annotations ?? {};
  // Mirror pods carry config.mirror; static pods merged from node files carry ktm's static-pod-node annotation.
  return (
    a['kubernetes.io/config.mirror'] !== undefined ||
    a['ktm.dev/static-pod-node'] !== undefined ||
    (o.metadata.ownerReferences ?? []).some((r) => r.kind === 'Node')
  );
}

export default defineRule({
  meta: {
    id: 'control-plane-colocation',
    aliases: [],
    sources: ['TOB method - placement'],
    tier: 'extended',
    inputs: { kinds: [...PLACEMENT_KINDS] },
    title: 'Workloads share nodes with the control plane or with more trusted workloads',
    description:
      "A node is one trust zone for everything on it: a pod that escapes its container holds the node's " +
      'kubelet credential, every secret and token mounted by its neighbours, and on a control-plane node the ' +
      "API server's and etcd's keys. Control-plane nodes must be closed to ordinary workloads, and workloads " +
      'that can escape must not share nodes with more critical ones.',
    zone: 'Worker',
    stride: ['elevation-of-privilege', 'information-disclosure'],
    likelihood: 'medium',
    impact: 'high',
    variants: {
      'schedulable-control-plane': {
        title: 'a control-plane node without the NoSchedule control-plane taint',
      },
      'tolerates-control-plane': {
        title: 'an ordinary workload that tolerates or runs on control-plane nodes',
      },
      'escape-colocation': {
        title: 'an escape-capable workload shares a node with other namespaces or the control plane',
      },
    },
    detection:
      'Uses analysePlacement (src/analysis/placement.ts) with the privilege graph: control-plane nodes (labelled ' +
      'node-role.kubernetes.io/control-plane or master) without a NoSchedule/NoExecute control-plane taint; ' +
      'workloads outside kube-system that tolerate the control-plane taint (or every taint) or have pods on a ' +
      'control-plane node; workloads with an escape edge to their node (privileged, hostPath, host namespaces, ' +
      'dangerous capabilities) whose node also runs workloads of other namespaces or is a control-plane node ' +
      '(static control-plane pods themselves excepted). ' +
      'Unverifiable when the input has pods but no Node objects.',
    falsePositives:
      'Single-node clusters (minikube, kind, k3s) run everything on the control-plane node by design. Node ' +
      'agents (CNI, log shippers, monitoring DaemonSets) tolerate every taint and are often escape-capable; ' +
      'they are reported so that their trust is decided, not assumed.',
    remediation: {
      shortTerm:
        'Taint control-plane nodes node-role.kubernetes.io/control-plane:NoSchedule, remove control-plane ' +
        'tolerations from ordinary workloads, and move escape-capable workloads to nodes of their own (taints ' +
        'and node affinity).',
      longTerm:
        'Pool nodes by trust zone (system agents, tenants, sensitive workloads), enforce placement with ' +
        'admission policy, and keep privileged workloads to a reviewed list.',
    },
    references: [
      'https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/',
      'https://kubernetes.io/docs/reference/labels-annotations-taints/#node-role-kubernetes-io-control-plane-taint',
    ],
    messages: {
      schedulable:
        'control-plane node {{node}} has no NoSchedule control-plane taint: any workload may be scheduled on it',
      tolerates: '{{workload}} {{how}}',
      colocated: '{{workload}} can escape to node {{node}}, which also runs {{neighbours}}',
    },
  },
  check(ctx) {
    const pl = ctx.analyses.placement();
    if (pl.nodes.length === 0) {
      if (pl.workloads.some((w) => w.pods > 0))
        ctx.unverifiable({
          subject: { kind: 'Component', name: 'nodes' },
          missing:
            'Node objects were not collected: include them (kubectl get nodes -o yaml) or collect live',
        });
      return;
    }
    for (const n of pl.nodes) {
      const ref: Ref = { kind: 'Node', name: n.name };
      ctx.examined(ref);
      if (n.openToWorkloads)
        ctx.report({
          messageId: 'schedulable',
          data: { node: n.name },
          subject: ref,
          variant: 'schedulable-control-plane',
          evidence: [...n.evidence],
        });
    }
    const byId = new Map(pl.workloads.map((w) => [w.id, w]));
    for (const w of pl.workloads) {
      ctx.examined(w.ref);
      if (SYSTEM_NAMESPACES.has(w.namespace) || (!w.toleratesControlPlane && !w.onControlPlane)) continue;
      ctx.report({
        messageId: 'tolerates',
        data: {
          workload: `${w.ref.kind} ${w.namespace}/${w.ref.name}`,
          how: w.onControlPlane ? 'runs on a control-plane node' : 'tolerates the control-plane taint',
        },
        subject: w.ref,
        variant: 'tolerates-control-plane',
        evidence: [
          {
            ref: w.ref,
            path: w.onControlPlane ? 'spec.nodeName' : 'spec.tolerations',
            value: w.onControlPlane ? w.nodes.join(', ') : 'control-plane taint tolerated',
          },
        ],
      });
    }
    const reported = new Set<string>();
    const colocationsOf = new Map<string, (typeof pl.colocations)[number][]>();
    for (const c of pl.colocations) {
      const list = colocationsOf.get(c.workload);
      if (list === undefined) colocationsOf.set(c.workload, [c]);
      else list.push(c);
    }
    for (const c of pl.colocations) {
      const w = byId.get(c.workload);
      if (w === undefined || reported.has(w.id) || isControlPlanePod(ctx.inventory, w.ref)) continue;
      reported.add(w.id);
      const others = colocationsOf.get(c.workload)!;
      const names = [...new Set(others.flatMap((x) => x.neighbours))].map(
        (id) => byId.get(id)?.ref.name ?? id,
      );
      const cp = others.some((x) => x.controlPlane);
      ctx.report({
        messageId: 'colocated',
        data: {
          workload: `${w.ref.kind} ${w.namespace}/${w.ref.name}`,
          node: others.map((x) => x.node).join(', '),
          neighbours: [
            ...(cp ? ['the control plane'] : []),
            ...(names.length > 0 ? [`workloads of other namespaces (${names.slice(0, 5).join(', ')})`] : []),
          ].join(' and '),
        },
        subject: w.ref,
        variant: 'escape-colocation',
        evidence: others.map((x) => ({
          ref: { kind: 'Node', name: x.node },
          path: 'pods',
          value: x.neighbours.slice(0, 5).join(', '),
        })),
      });
    }
  },
});
