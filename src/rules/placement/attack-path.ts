// Rule attack-path: the worst chains of attack steps from a zone entry to the crown jewels, one finding per entry and jewel.
import { vertexLabel } from '../../analysis/privilege/attack-graph.js';
import type { Evidence, Ref } from '../../types.js';
import { defineRule } from '../framework/define-rule.js';
import { PRIVILEGE_GRAPH_KINDS } from '../framework/inputs.js';

/** How many chains become findings: the worst first (Internet entries, then cluster-admin, then shortest). */
const MAX_PATHS = 50;

const ENTRY_TEXT = {
  internet: 'the Internet-exposed',
  pod: 'any pod of',
  identity: 'the identity',
  given: '',
};

export default defineRule({
  meta: {
    id: 'attack-path',
    aliases: [],
    sources: ['TOB method - compromise impact'],
    tier: 'extended',
    inputs: { kinds: [...PRIVILEGE_GRAPH_KINDS] },
    title: 'A path leads from a zone entry to the crown jewels',
    description:
      'Single weaknesses chain: an Internet-exposed pod mounts a token that may create pods, a pod created with ' +
      'hostPath reaches its node, the node holds a kube-system credential. The privilege graph ' +
      '(src/analysis/privilege/) joins every attack step ktm knows (KubeHound names, plus nodes/proxy, token ' +
      'creation, CSR approval, webhooks, cloud metadata, hostPath PersistentVolumes) and finds the shortest chain ' +
      'from each entry point to each crown jewel. This is the compromise-impact step of the 2019 threat model.',
    zone: 'Container',
    stride: ['elevation-of-privilege'],
    likelihood: 'medium',
    impact: 'high',
    variants: {
      'cluster-admin': { title: 'to cluster-admin-equivalent rights' },
      'etcd-data': { title: 'to etcd data' },
      'control-plane-node': { title: 'to a control-plane node' },
      'kube-system-credentials': { title: 'to kube-system credentials', impact: 'high' },
    },
    detection:
      'Builds the privilege graph from the inventory (pods, volumes, tokens, RBAC through the shared RBAC index, ' +
      'nodes, exposure) and runs findAttackPaths: one breadth-first search per crown-jewel class over indexed ' +
      'edges, never enumerating all paths. Entry points: Internet-exposed workloads, the pods of every ' +
      'namespace, every non-system identity. Reports the worst 50 chains (Internet entries first, then by jewel ' +
      'class and length), one per entry and jewel, with every step, its evidence and the control that cuts it.',
    falsePositives:
      'Steps that rest on an assumption (e.g. the cloud metadata service answering pods) are marked in the ' +
      'evidence. Identities that are cluster administrators by design (a platform team group) reach the jewels ' +
      'in one step; accept them with an exception naming the owner.',
    remediation: {
      shortTerm: 'Cut the cheapest step of each chain: the evidence names the control for every step.',
      longTerm:
        'Remove whole classes of steps: automountServiceAccountToken false by default, Pod Security restricted, ' +
        'no cluster-wide rights for workloads, NetworkPolicy to the metadata service, dedicated nodes for ' +
        'privileged workloads.',
    },
    references: [
      'https://kubehound.io/reference/attacks/',
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
    ],
    messages: {
      path: '{{steps}}-step path from {{entry}} to {{jewel}} ({{target}}): {{chain}}',
    },
  },
  check(ctx) {
    const result = ctx.analyses.worstPaths(MAX_PATHS);
    const seen = new Set<string>();
    for (const p of result.paths) {
      if (p.jewel === 'target') continue;
      // A kube-system pod already runs with kube-system credentials: reaching them is no escalation.
      if (p.jewel === 'kube-system-credentials' && p.entry.namespace === 'kube-system') continue;
      const subject: Ref = {
        kind: p.entry.kind,
        ...(p.entry.namespace === undefined ? {} : { namespace: p.entry.namespace }),
        name: p.entry.name,
      };
      const key = `${vertexLabel(p.entry)}#${p.jewel}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const evidence: Evidence[] = [];
      p.steps.forEach((s, i) => {
        evidence.push({
          ref: {
            kind: s.to.kind,
            ...(s.to.namespace === undefined ? {} : { namespace: s.to.namespace }),
            name: s.to.name,
          },
          path: `step ${String(i + 1)}: ${s.type}`,
          value: `${vertexLabel(s.from)} → ${vertexLabel(s.to)}; cut: ${s.control}${s.assumption === undefined ? '' : `; assumes: ${s.assumption}`}`,
        });
        evidence.push(...s.evidence.slice(0, 2));
      });
      const entryText = ENTRY_TEXT[p.entryKind];
      ctx.report({
        messageId: 'path',
        data: {
          steps: p.steps.length,
          entry: `${entryText === '' ? '' : `${entryText} `}${vertexLabel(p.entry)}`,
          jewel: p.jewel,
          target: vertexLabel(p.target),
          chain: p.steps.map((s) => s.type).join(' → '),
        },
        subject,
        variant: p.jewel,
        evidence,
      });
    }
  },
});
