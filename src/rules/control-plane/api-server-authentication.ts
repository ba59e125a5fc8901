// Rule api-server-authentication: kube-apiserver admits anonymous requests beyond health checks, or authorizes everything.
import { wasRead } from '../../collect/coverage.js';
import type { Inventory } from '../../collect/inventory.js';
import type { Evidence } from '../../types.js';
import { defineRule } from '../framework/define-rule.js';
import { objectEvidence } from '../framework/evidence.js';
import { parseBool, parseList, settingEvidence } from '../framework/setting-values.js';

/** Identities every anonymous request carries (https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests). */
const ANONYMOUS_SUBJECTS = new Set(['User/system:anonymous', 'Group/system:unauthenticated']);
/** The one role Kubernetes binds to system:unauthenticated by default: /healthz, /livez, /readyz, /version. */
const HEALTH_ONLY_ROLES = new Set(['system:public-info-viewer']);
/**
 * kubeadm lets anonymous clients read the kube-public/cluster-info ConfigMap (the CA certificate and the server
 * address, public by design) for `kubeadm join` discovery:
 * https://kubernetes.io/docs/reference/setup-tools/kubeadm/implementation-details/#allow-anonymous-access-to-cluster-info-configmap
 */
const PUBLIC_DISCOVERY_ROLES = new Set(['kube-public/Role/kubeadm:bootstrap-signer-clusterinfo']);

interface AnonymousGrant {
  readonly binding: string;
  readonly role: string;
  readonly evidence: Evidence;
}

/** Role bindings that give anonymous requests more than the health endpoints (computed once per check). */
function anonymousGrants(inv: Inventory): AnonymousGrant[] {
  const out: AnonymousGrant[] = [];
  for (const kind of ['ClusterRoleBinding', 'RoleBinding'] as const) {
    for (const item of inv.ofKind(kind)) {
      const b = item.object;
      const subjects = Array.isArray(b.subjects) ? b.subjects : [];
      subjects.forEach((s, i) => {
        if (!ANONYMOUS_SUBJECTS.has(`${s.kind}/${s.name}`)) return;
        const role = b.roleRef.name;
        if (b.roleRef.kind === 'ClusterRole' && HEALTH_ONLY_ROLES.has(role)) return;
        if (
          kind === 'RoleBinding' &&
          PUBLIC_DISCOVERY_ROLES.has(`${b.metadata?.namespace ?? ''}/${b.roleRef.kind}/${role}`)
        )
          return;
        const binding = `${kind} ${b.metadata?.namespace === undefined ? '' : `${b.metadata.namespace}/`}${b.metadata?.name ?? ''}`;
        out.push({
          binding,
          role: `${b.roleRef.kind} ${role}`,
          evidence: objectEvidence(item, `subjects[${i}]`, `${s.kind} ${s.name} → ${b.roleRef.kind} ${role}`),
        });
      });
    }
  }
  return out;
}

export default defineRule({
  meta: {
    id: 'api-server-authentication',
    aliases: ['CIS 1.2'],
    sources: ['CIS 1.2'],
    tier: 'core',
    inputs: { kinds: [], settings: ['kube-apiserver'] },
    title: 'The API server admits unauthenticated or unauthorised requests',
    description:
      "kube-apiserver is the front door of the cluster (the threat model's API Server zone). Anonymous requests " +
      'are harmless when they reach only the health endpoints; they are a direct way in when RBAC grants ' +
      'system:anonymous or system:unauthenticated anything more, or when the authorizer allows everything. ' +
      'Without the Node authorizer every kubelet credential can read every Secret; without RBAC the cluster ' +
      'has no least-privilege model. The profiling endpoint discloses internals and costs CPU.',
    zone: 'API Server',
    stride: ['spoofing', 'elevation-of-privilege', 'information-disclosure'],
    likelihood: 'medium',
    impact: 'high',
    variants: {
      'anonymous-access': {
        title: 'anonymous requests reach more than the health endpoints',
        likelihood: 'high',
      },
      'always-allow': { title: 'authorization mode AlwaysAllow', likelihood: 'high' },
      'no-node-authorizer': { title: 'authorization without the Node authorizer', likelihood: 'low' },
      'no-rbac': { title: 'authorization without RBAC' },
      profiling: { title: 'profiling endpoint enabled', likelihood: 'low', impact: 'low' },
    },
    detection:
      'Reads kube-apiserver --anonymous-auth (default true), --authorization-mode (default AlwaysAllow) and ' +
      '--profiling (default true). anonymous-access fails when anonymous authentication is on and either the ' +
      'authorizer allows everything or a (Cluster)RoleBinding binds system:anonymous or system:unauthenticated to ' +
      "any role but system:public-info-viewer (and kubeadm's kube-public cluster-info discovery role); it is unverifiable when role bindings were not collected. " +
      'always-allow, no-node-authorizer and no-rbac read the authorization modes; with --authorization-config ' +
      '(structured authorization) they are unverifiable, since that file is not collected.',
    falsePositives:
      'A cluster that deliberately serves discovery or a public API to anonymous users (rare; prefer a ' +
      'dedicated service in front). Profiling may be wanted on a test cluster.',
    remediation: {
      shortTerm:
        'Remove RoleBindings and ClusterRoleBindings that grant system:anonymous or system:unauthenticated ' +
        'anything beyond system:public-info-viewer, or set --anonymous-auth=false (load balancer health checks ' +
        'then need credentials or the /livez endpoint through a separate port); set --authorization-mode=Node,RBAC ' +
        'and --profiling=false.',
      longTerm:
        'Keep anonymous access to health endpoints only (Kubernetes 1.32+ can restrict it per path with the ' +
        'AuthenticationConfiguration anonymous.conditions), review RBAC bindings of the built-in groups in every ' +
        "RBAC review, and reach the API server only from the administrators' networks.",
    },
    references: [
      'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
      'https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests',
      'https://kubernetes.io/docs/reference/access-authn-authz/authorization/#authorization-modules',
      'https://kubernetes.io/docs/reference/access-authn-authz/node/',
    ],
    messages: {
      anonymousBound:
        'anonymous requests are authenticated (--anonymous-auth={{anonymous}}) and {{binding}} grants them {{role}}',
      anonymousAllowAll:
        'anonymous requests are authenticated (--anonymous-auth={{anonymous}}) and the authorizer allows every request',
      alwaysAllow: 'kube-apiserver authorizes every request: --authorization-mode is {{modes}}',
      noNode: 'kube-apiserver runs without the Node authorizer (--authorization-mode={{modes}})',
      noRbac: 'kube-apiserver runs without RBAC (--authorization-mode={{modes}})',
      profiling: 'kube-apiserver serves /debug/pprof profiling (--profiling={{value}})',
    },
  },
  check(ctx) {
    const inv = ctx.inventory;
    let grants: AnonymousGrant[] | undefined;
    ctx.eachInstance('kube-apiserver', { setting: 'anonymous-auth' }, (s) => {
      const anon = s.get('anonymous-auth');
      const modesSetting = s.get('authorization-mode');
      const structured = s.isSet('authorization-config');
      const modes = parseList(modesSetting.value);
      const modesText = modesSetting.value ?? 'unset';
      const modeEvidence = settingEvidence(modesSetting, s);
      const allowAll = !structured && (modes.length === 0 || modes.includes('AlwaysAllow'));

      if (structured) {
        const cfg = s.get('authorization-config');
        for (const variant of ['always-allow', 'no-node-authorizer', 'no-rbac'] as const)
          ctx.unverifiable({
            subject: s.ref,
            variant,
            missing: `authorization is configured by --authorization-config=${cfg.value ?? ''}, a file ktm does not read yet: check its authorizers`,
            evidence: [settingEvidence(cfg, s)],
          });
      } else {
        if (allowAll)
          ctx.report({
            messageId: 'alwaysAllow',
            data: { modes: modesText },
            subject: s.ref,
            variant: 'always-allow',
            evidence: [modeEvidence],
          });
        if (!modes.includes('Node'))
          ctx.report({
            messageId: 'noNode',
            data: { modes: modesText },
            subject: s.ref,
            variant: 'no-node-authorizer',
            evidence: [modeEvidence],
          });
        if (!modes.includes('RBAC'))
          ctx.report({
            messageId: 'noRbac',
            data: { modes: modesText },
            subject: s.ref,
            variant: 'no-rbac',
            evidence: [modeEvidence],
          });
      }

      if (parseBool(anon.value) !== false) {
        const anonValue = anon.value ?? 'true';
        if (allowAll) {
          ctx.report({
            messageId: 'anonymousAllowAll',
            data: { anonymous: anonValue },
            subject: s.ref,
            variant: 'anonymous-access',
            evidence: [settingEvidence(anon, s), modeEvidence],
          });
        } else if (!wasRead(inv.coverage, 'ClusterRoleBinding') || !wasRead(inv.coverage, 'RoleBinding')) {
          ctx.unverifiable({
            subject: s.ref,
            variant: 'anonymous-access',
            missing:
              'anonymous authentication is on, and the role bindings that decide what it reaches were not collected: grant ktm list on clusterrolebindings and rolebindings',
            evidence: [settingEvidence(anon, s)],
          });
        } else {
          for (const g of (grants ??= anonymousGrants(inv)))
            ctx.report({
              messageId: 'anonymousBound',
              data: { anonymous: anonValue, binding: g.binding, role: g.role },
              subject: s.ref,
              variant: 'anonymous-access',
              evidence: [settingEvidence(anon, s), g.evidence],
            });
        }
      }

      const profiling = s.get('profiling');
      if (parseBool(profiling.value) !== false)
        ctx.report({
          messageId: 'profiling',
          data: { value: profiling.value ?? 'true' },
          subject: s.ref,
          variant: 'profiling',
          evidence: [settingEvidence(profiling, s)],
        });
    });
  },
});
