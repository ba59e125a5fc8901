// Rule nodes-proxy-escalation: identities allowed get/create on nodes/proxy reach every kubelet API directly.
import { capsOf } from '../../analysis/privilege/rbac-edges.js';
import { defineRule } from '../framework/define-rule.js';
import {
  boundSubjects,
  isClusterAdminSubject,
  subjectRef,
  systemExclusion,
} from './support/rbac-subjects.js';
import { RBAC_KINDS } from '../framework/inputs.js';

export default defineRule({
  meta: {
    id: 'nodes-proxy-escalation',
    aliases: ['NCC-2023-WV3'],
    sources: ['NCC-2023 WV3'],
    tier: 'core',
    inputs: { kinds: [...RBAC_KINDS] },
    title: 'nodes/proxy rights reach the kubelet API directly',
    description:
      'The nodes/proxy subresource forwards requests to the kubelet API of any node. The kubelet authorizes ' +
      'them as nodes/proxy, so an identity with get or create on it can run commands in every pod on every node ' +
      '(/exec, /run), read their logs and environment, bypassing admission control and leaving only a ' +
      'nodes/proxy entry in the audit log. The 2022/23 audit (WV3) reported it as an escalation path; even ' +
      'get alone suffices, because the kubelet maps WebSocket upgrades of GET to its exec handlers.',
    zone: 'Worker',
    stride: ['elevation-of-privilege', 'repudiation'],
    likelihood: 'medium',
    impact: 'high',
    attack: ['NODES_PROXY'],
    detection:
      "Uses the privilege graph's RBAC index: every subject named by a ClusterRoleBinding whose (aggregated, " +
      'wildcard-resolved) rules allow get or create on nodes/proxy. RoleBindings cannot grant it (nodes are ' +
      'cluster-scoped). Excludes cluster-admin-equivalent subjects (reported once by rbac-dangerous-rights), system:masters, the kubelets, system:kube-controller-manager, ' +
      'system:kube-scheduler and kube-system service accounts bound only by the bootstrap policy. ' +
      'kube-apiserver itself reaches the kubelet with its own client certificate, not through RBAC.',
    falsePositives:
      'Monitoring agents (Prometheus, metrics collectors) are often given nodes/proxy to scrape kubelet ' +
      'metrics; nodes/metrics and nodes/stats serve that without exec. Accept them with an exception only ' +
      'after narrowing.',
    remediation: {
      shortTerm:
        'Remove nodes/proxy (and `*` on nodes subresources) from the roles named in the evidence; give ' +
        'monitoring nodes/metrics and nodes/stats instead.',
      longTerm:
        'Treat nodes/proxy as node-admin equivalent in RBAC reviews, alert on its use in the audit log, and ' +
        'keep kubelet endpoints reachable only from the control plane.',
    },
    references: [
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#access-to-proxy-subresource-of-nodes',
      'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/',
    ],
    messages: {
      proxy: '{{subject}} can reach the kubelet API of every node through nodes/proxy',
    },
  },
  check(ctx) {
    const rbac = ctx.analyses.rbacIndex();
    for (const b of boundSubjects(rbac)) {
      if (systemExclusion(ctx.inventory, b) !== undefined || isClusterAdminSubject(b)) continue;
      const ref = subjectRef(b.subject);
      ctx.examined(ref);
      const v = capsOf(b.grants).get('*')?.get('nodesProxy');
      if (v === undefined) continue;
      ctx.report({
        messageId: 'proxy',
        data: {
          subject:
            ref.namespace === undefined
              ? `${ref.kind} ${ref.name}`
              : `${ref.kind} ${ref.namespace}/${ref.name}`,
        },
        subject: ref,
        evidence: v.evidence,
      });
    }
  },
});
