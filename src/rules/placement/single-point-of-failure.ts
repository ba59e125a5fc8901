// Rule single-point-of-failure: components whose replicas all sit on one node or zone, one control-plane node, one etcd member.
import type { Ref } from '../../types.js';
import { defineRule } from '../framework/define-rule.js';
import { PLACEMENT_KINDS } from '../framework/inputs.js';

export default defineRule({
  meta: {
    id: 'single-point-of-failure',
    aliases: [],
    sources: ['TOB method - criticality'],
    tier: 'extended',
    inputs: { kinds: [...PLACEMENT_KINDS] },
    title: 'A critical component fails with one node or one zone',
    description:
      'Availability is part of criticality: a component whose replicas all run on one node (or in one topology ' +
      'zone) stops with that node, and so does everything that depends on it. One control-plane node or one ' +
      'etcd member makes the whole API a single point of failure; a kube-system component without a ' +
      'PodDisruptionBudget can be drained away entirely during node maintenance.',
    zone: 'Worker',
    stride: ['denial-of-service'],
    likelihood: 'low',
    impact: 'high',
    variants: {
      'single-node': { title: 'every replica on one node' },
      'single-zone': { title: 'every replica in one topology zone', likelihood: 'low', impact: 'medium' },
      'single-control-plane-node': { title: 'one control-plane node' },
      'single-etcd-member': { title: 'one etcd member' },
      'no-disruption-budget': {
        title: 'a replicated kube-system component without a PodDisruptionBudget',
        impact: 'medium',
      },
    },
    detection:
      'Uses analysePlacement (src/analysis/placement.ts): workloads with two or more pods that all run on one ' +
      'node, or across nodes that all carry one topology.kubernetes.io/zone label; exactly one node labelled as ' +
      'control plane among several nodes; exactly one etcd member (etcd mirror pods, component=etcd in ' +
      'kube-system) on a cluster with several nodes; kube-system workloads with two or more desired replicas ' +
      'and no PodDisruptionBudget selecting them. A single-node cluster is reported once (single-control-plane-node).',
    falsePositives:
      'Development and edge clusters run one node by design. Managed control planes (EKS, GKE, AKS) run the API ' +
      'server and etcd out of sight and replicated; they show no control-plane nodes and are not reported.',
    remediation: {
      shortTerm:
        'Spread replicas with topologySpreadConstraints (kubernetes.io/hostname and topology.kubernetes.io/zone) ' +
        'or pod anti-affinity, add PodDisruptionBudgets to shared components, and run three control-plane nodes ' +
        'with a three-member etcd.',
      longTerm:
        'Decide per component the failure it must survive (node, zone), check it with ktm what-if --stop, and ' +
        'test it with regular node drains.',
    },
    references: [
      'https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/',
      'https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/ha-topology/',
      'https://kubernetes.io/docs/tasks/run-application/configure-pdb/',
    ],
    messages: {
      singleNode: '{{workload}} runs all {{pods}} pods on node {{node}}: it stops with that node',
      singleZone: '{{workload}} runs all {{pods}} pods in topology zone {{zone}}',
      singleControlPlane: 'the cluster has one control-plane node ({{node}}): the API stops with it',
      singleEtcd: 'etcd has one member ({{member}}): losing it loses the cluster state',
      noPdb:
        '{{workload}} ({{replicas}} replicas) has no PodDisruptionBudget: a drain may evict every replica at once',
    },
  },
  check(ctx) {
    const pl = ctx.analyses.placement();
    for (const w of pl.workloads) {
      ctx.examined(w.ref);
      const name = `${w.ref.kind} ${w.namespace}/${w.ref.name}`;
      if (w.singleNode)
        ctx.report({
          messageId: 'singleNode',
          data: { workload: name, pods: w.pods, node: w.nodes[0] ?? '' },
          subject: w.ref,
          variant: 'single-node',
          evidence: [{ ref: w.ref, path: 'pods[*].spec.nodeName', value: w.nodes.join(', ') }],
        });
      else if (w.singleZone)
        ctx.report({
          messageId: 'singleZone',
          data: { workload: name, pods: w.pods, zone: w.topologyZones[0] ?? '' },
          subject: w.ref,
          variant: 'single-zone',
          evidence: [
            {
              ref: w.ref,
              path: 'nodes',
              value: `${w.nodes.join(', ')} (zone ${w.topologyZones.join(', ')})`,
            },
          ],
        });
      if (
        w.namespace === 'kube-system' &&
        w.replicas >= 2 &&
        w.disruptionBudget === undefined &&
        w.ref.kind !== 'DaemonSet' &&
        w.ref.kind !== 'Pod'
      )
        ctx.report({
          messageId: 'noPdb',
          data: { workload: name, replicas: w.replicas },
          subject: w.ref,
          variant: 'no-disruption-budget',
          evidence: [{ ref: w.ref, path: 'spec.replicas', value: String(w.replicas) }],
        });
    }
    const cps = pl.nodes.filter((n) => n.controlPlane);
    if (cps.length === 1) {
      const cp = cps[0]!;
      const ref: Ref = { kind: 'Node', name: cp.name };
      ctx.report({
        messageId: 'singleControlPlane',
        data: { node: cp.name },
        subject: ref,
        variant: 'single-control-plane-node',
        evidence: [{ ref, path: 'metadata.labels', value: 'node-role.kubernetes.io/control-plane' }],
      });
    }
    const etcd = ctx.inventory
      .ofKind('Pod')
      .filter(
        (p) =>
          p.object.metadata.namespace === 'kube-system' && p.object.metadata.labels?.['component'] === 'etcd',
      );
    if (etcd.length === 1 && pl.nodes.length > 1) {
      const p = etcd[0]!;
      const ref: Ref = { kind: 'Pod', namespace: 'kube-system', name: p.object.metadata.name ?? '' };
      ctx.report({
        messageId: 'singleEtcd',
        data: { member: ref.name },
        subject: ref,
        variant: 'single-etcd-member',
        evidence: [{ ref, path: 'metadata.labels.component', value: 'etcd', source: p.source }],
      });
    }
  },
});
