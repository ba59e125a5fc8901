// Rule token-automount: service-account tokens mounted where they are not needed, and tokens that never expire.
import { serviceAccountOwnIdentity } from '../../analysis/privilege/rbac-index.js';
import { defineRule } from '../framework/define-rule.js';
import { objectEvidence } from '../framework/evidence.js';
import { podSpecs, workloadName } from './pod-specs.js';
import { WORKLOAD_KINDS } from '../framework/inputs.js';

export default defineRule({
  meta: {
    id: 'token-automount',
    aliases: ['TOB-K8S-031', 'CIS-5.1.6'],
    sources: ['TOB-K8S-031', 'TOB-K8S-036'],
    tier: 'core',
    inputs: { kinds: [...WORKLOAD_KINDS, 'ServiceAccount', 'Secret', 'RoleBinding', 'ClusterRoleBinding'] },
    title: 'Service-account credentials are mounted where they are not needed',
    description:
      'Kubernetes mounts a service-account token into every pod unless the pod or its service account opts out ' +
      '(TOB-K8S-031). Whoever runs code in the pod holds the token and every right bound to its identity. Legacy ' +
      'token Secrets never expire (TOB-K8S-036).',
    zone: 'Container',
    stride: ['elevation-of-privilege', 'information-disclosure'],
    likelihood: 'medium',
    impact: 'medium',
    attack: ['TOKEN_STEAL'],
    variants: {
      automount: { title: 'a pod mounts a service-account token', likelihood: 'low', impact: 'low' },
      'bound-identity': { title: 'a pod mounts the token of an identity that holds permissions' },
      'default-service-account': {
        title: 'a default service account mounts its token automatically',
        likelihood: 'low',
      },
      'legacy-token-secret': {
        title: 'a non-expiring legacy token Secret exists',
        impact: 'high',
        likelihood: 'low',
      },
    },
    detection:
      'Pods and pod templates whose automountServiceAccountToken is not false while their service account does ' +
      'not set it to false either (automount; bound-identity when a RoleBinding or ClusterRoleBinding names the ' +
      'account or its namespace’s service-account group); ServiceAccounts named default without ' +
      'automountServiceAccountToken: false; Secrets of type kubernetes.io/service-account-token.',
    falsePositives:
      'Controllers and operators call the API and need their token: accept them (bound-identity shows which hold ' +
      'rights); a legacy token Secret still used by an external system should be replaced, not excepted.',
    remediation: {
      shortTerm:
        'Set automountServiceAccountToken: false on the default service account of every namespace and on pods ' +
        'that do not call the API; delete legacy token Secrets after moving their users to TokenRequest.',
      longTerm:
        'Give each workload that calls the API its own service account with least privilege and short-lived ' +
        'projected tokens (bound, audience-scoped), and keep the rest without any token.',
    },
    references: [
      'https://github.com/kubernetes/kubernetes/issues/81128',
      'https://github.com/kubernetes/kubernetes/issues/81136',
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting',
    ],
    messages: {
      mounted: '{{workload}} mounts the token of service account {{account}}',
      bound:
        '{{workload}} mounts the token of service account {{account}}, which holds permissions through RBAC bindings',
      defaultSa:
        'the default service account of namespace {{namespace}} mounts its token into every pod that does not opt out',
      legacy:
        'Secret {{namespace}}/{{name}} is a legacy token of service account {{account}}: it never expires',
    },
  },
  check(ctx) {
    const inv = ctx.inventory;
    const rbac = ctx.analyses.rbacIndex();
    for (const p of podSpecs(inv)) {
      const ns = p.workload.namespace;
      const account = p.spec.serviceAccountName ?? p.spec.serviceAccount ?? 'default';
      const sa = inv.get('ServiceAccount', ns, account)?.object;
      const podSetting = p.spec.automountServiceAccountToken;
      const mounted = podSetting ?? sa?.automountServiceAccountToken ?? true;
      if (!mounted) continue;
      // Bound by name (a namespace-less subject of a RoleBinding included) or through a service-account group.
      const holds = rbac.grantsOf(serviceAccountOwnIdentity(ns, account)).length > 0;
      const evidence = [
        p.evidence(
          `${p.path}.automountServiceAccountToken`,
          podSetting === undefined ? 'unset' : String(podSetting),
        ),
      ];
      if (sa !== undefined)
        evidence.push({
          ref: { kind: 'ServiceAccount', namespace: ns, name: account },
          path: 'automountServiceAccountToken',
          value: String(sa.automountServiceAccountToken ?? 'unset'),
        });
      ctx.report({
        messageId: holds ? 'bound' : 'mounted',
        data: { workload: workloadName(p.workload), account: `${ns}/${account}` },
        subject: p.workload.ref,
        variant: holds ? 'bound-identity' : 'automount',
        evidence,
      });
    }
    for (const sa of inv.ofKind('ServiceAccount')) {
      if (sa.object.metadata.name !== 'default' || sa.object.automountServiceAccountToken === false) continue;
      const ns = sa.object.metadata.namespace ?? 'default';
      ctx.report({
        messageId: 'defaultSa',
        data: { namespace: ns },
        subject: { kind: 'ServiceAccount', namespace: ns, name: 'default' },
        variant: 'default-service-account',
        evidence: [
          objectEvidence(
            sa,
            'automountServiceAccountToken',
            String(sa.object.automountServiceAccountToken ?? 'unset'),
          ),
        ],
      });
    }
    for (const s of inv.ofKind('Secret')) {
      const annotations = s.object.metadata?.annotations ?? {};
      if (s.object.type !== 'kubernetes.io/service-account-token') continue;
      const ns = s.object.metadata?.namespace ?? 'default';
      const name = s.object.metadata?.name ?? '';
      ctx.report({
        messageId: 'legacy',
        data: {
          namespace: ns,
          name,
          account: annotations['kubernetes.io/service-account.name'] ?? '(unknown)',
        },
        subject: { kind: 'Secret', namespace: ns, name },
        variant: 'legacy-token-secret',
        evidence: [objectEvidence(s, 'type', 'kubernetes.io/service-account-token')],
      });
    }
  },
});
