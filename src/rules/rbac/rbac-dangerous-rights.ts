// Rule rbac-dangerous-rights: identities whose RBAC rights lead to other identities (secrets, pods, bindings, impersonation).
import { capsOf, type CapName, type Caps } from '../../analysis/privilege/rbac-edges.js';
import { allowanceEvidence, type Grant } from '../../analysis/privilege/rbac-index.js';
import { isWildcardRule, ruleGrantsNames, ruleText } from '../../analysis/privilege/rbac-match.js';
import type { Evidence } from '../../types.js';
import { defineRule } from '../framework/define-rule.js';
import { boundSubjects, subjectRef, systemExclusion } from './support/rbac-subjects.js';
import { RBAC_KINDS } from '../framework/inputs.js';

type Variant =
  | 'read-secrets'
  | 'create-pods'
  | 'exec-attach'
  | 'port-forward'
  | 'patch-pods'
  | 'bind-escalate'
  | 'impersonate'
  | 'create-token'
  | 'approve-csr'
  | 'modify-webhooks';

/** The capabilities of the privilege graph's RBAC probes (src/analysis/privilege/rbac-edges.ts) behind each variant. */
const VARIANT_CAPS: readonly (readonly [Variant, readonly CapName[], string])[] = [
  ['read-secrets', ['secretsList', 'secretsGet'], 'read Secrets (service-account tokens among them)'],
  ['create-pods', ['podCreate'], 'create pods or pod controllers (and so run as any service account there)'],
  ['exec-attach', ['podExec', 'podAttach'], 'exec into or attach to pods'],
  [
    'port-forward',
    ['podPortForward'],
    'forward ports of pods (pods/portforward reaches every port of a pod, past every NetworkPolicy)',
  ],
  ['patch-pods', ['podPatch'], 'patch or update pods'],
  ['bind-escalate', ['bindClusterRoles', 'escalateRoles', 'escalateClusterRoles'], 'bind or escalate roles'],
  [
    'impersonate',
    ['impersonateSAs', 'impersonateUsers', 'impersonateGroups'],
    'impersonate other identities',
  ],
  ['create-token', ['tokenCreate'], 'mint service-account tokens (serviceaccounts/token)'],
  ['modify-webhooks', ['webhookMutating', 'webhookValidating'], 'create or change admission webhooks'],
];

function scopeText(scopes: readonly string[]): string {
  if (scopes.includes('*')) return 'cluster-wide';
  return scopes.length === 1 ? `in namespace ${scopes[0] ?? ''}` : `in namespaces ${scopes.join(', ')}`;
}

/** Scopes (namespace, or `*` cluster-wide) where a capability is held for every object, with its evidence. */
function held(caps: Caps, names: readonly CapName[]): { scopes: string[]; evidence: Evidence[] } {
  const scopes: string[] = [];
  const evidence: Evidence[] = [];
  for (const [scope, m] of [...caps.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    let here = false;
    for (const n of names) {
      const v = m.get(n);
      // resourceNames-limited rights are narrower (named objects only) and are left to the attack graph.
      if (v?.all !== true) continue;
      here = true;
      if (evidence.length < 6) evidence.push(...v.evidence.slice(0, 2));
    }
    if (here) scopes.push(scope);
  }
  return { scopes, evidence };
}

/** `bind` on namespaced Roles (the graph probes ClusterRoles only): lets its holder bind any Role of the namespace. */
function bindRoles(grants: readonly Grant[]): { scopes: string[]; evidence: Evidence[] } {
  const scopes = new Set<string>();
  const evidence: Evidence[] = [];
  for (const g of grants)
    for (const r of g.rules) {
      const n = ruleGrantsNames(r.rule, 'bind', 'rbac.authorization.k8s.io', 'roles');
      if (n?.all !== true) continue;
      scopes.add(g.namespace ?? '*');
      if (evidence.length < 4) evidence.push(...allowanceEvidence({ grant: g, rule: r }));
    }
  return { scopes: [...scopes].sort(), evidence };
}

export default defineRule({
  meta: {
    id: 'rbac-dangerous-rights',
    aliases: ['NCC-2023-PA6'],
    sources: ['NCC-2023 PA6', 'CIS 5.1'],
    tier: 'extended',
    inputs: { kinds: [...RBAC_KINDS] },
    title: 'An identity holds rights that lead to other identities',
    description:
      'Some RBAC rights are worth more than they look: reading Secrets yields service-account tokens, creating ' +
      'pods runs code as any service account of the namespace, exec/attach/patch take over running pods, ' +
      'portforward reaches every port of a pod past every NetworkPolicy (POD_PORT_FORWARD), bind ' +
      'and escalate grant any role, impersonation and serviceaccounts/token become other identities, approving ' +
      'CSRs mints client certificates, and admission webhooks see and rewrite every object. Each is an attack ' +
      'edge from the identity in the privilege graph (KubeHound TOKEN_LIST, POD_CREATE, POD_EXEC, POD_ATTACH, ' +
      'POD_PATCH, ROLE_BIND, IDENTITY_IMPERSONATE). The 2022/23 audit (PA6) found such rights on ordinary ' +
      'identities; CIS 5.1 asks to minimise them.',
    zone: 'API Server',
    stride: ['elevation-of-privilege', 'information-disclosure'],
    likelihood: 'medium',
    impact: 'high',
    attack: [
      'TOKEN_LIST',
      'POD_CREATE',
      'POD_EXEC',
      'POD_ATTACH',
      'POD_PATCH',
      'POD_PORT_FORWARD',
      'ROLE_BIND',
      'IDENTITY_IMPERSONATE',
      'PERMISSION_DISCOVER',
    ],
    variants: {
      'read-secrets': { title: 'get/list/watch on Secrets' },
      'create-pods': { title: 'create pods or pod controllers' },
      'exec-attach': { title: 'pods/exec or pods/attach' },
      'port-forward': {
        title: 'pods/portforward (every port of the pods, past NetworkPolicy)',
        impact: 'medium',
      },
      'patch-pods': { title: 'patch or update pods', impact: 'medium' },
      'bind-escalate': { title: 'bind or escalate on roles' },
      impersonate: { title: 'impersonate users, groups or service accounts' },
      'create-token': { title: 'create serviceaccounts/token' },
      'approve-csr': { title: 'approve CertificateSigningRequests' },
      'modify-webhooks': { title: 'create or change admission webhook configurations' },
      wildcard: { title: 'a wildcard verb or resource', likelihood: 'low' },
      'cluster-admin': { title: 'cluster-admin-equivalent rights' },
      'missing-role': {
        title: 'a binding to a role that does not exist',
        likelihood: 'low',
        impact: 'medium',
      },
    },
    detection:
      "Uses the privilege graph's RBAC index (src/analysis/privilege/rbac-index.ts), which resolves aggregated " +
      'ClusterRoles, wildcards and binding scope as the authorizer does (a RoleBinding never grants cluster-scoped ' +
      'resources). For every subject named by a binding (ServiceAccount, User, Group) it looks at the grants ' +
      'that name that subject and reports one finding per variant, with the namespaces or cluster scope and the ' +
      'binding and rule as evidence. Cluster-admin-equivalent subjects (a cluster-wide `*`/`*`/`*` rule) get ' +
      'only the cluster-admin variant. Approving CSRs needs both update on certificatesigningrequests/approval ' +
      'and approve on signers. Bindings whose role does not exist are reported on the binding (missing-role). ' +
      'Excluded by design: system:masters, system:nodes and system:node:* (Node authorizer), ' +
      'system:kube-controller-manager, system:kube-scheduler, and kube-system service accounts whose every ' +
      'grant comes from the bootstrap policy (bindings labelled kubernetes.io/bootstrapping=rbac-defaults).',
    falsePositives:
      'Operators, CI systems and GitOps controllers need some of these rights; accept them with an exception ' +
      'naming the owner. Rights limited by resourceNames are not reported here (they reach named objects only). ' +
      'A Group finding stands for every member of the group, which ktm cannot list.',
    remediation: {
      shortTerm:
        'Remove the right from the role or the subject from the binding named in the evidence; replace ' +
        'cluster-wide bindings with RoleBindings in the namespaces that need them, and wildcards with the ' +
        'verbs and resources used.',
      longTerm:
        'Review RBAC as code (who may bind, escalate, impersonate), audit the use of these rights, keep ' +
        'privileged automation on dedicated identities, and prefer short-lived tokens.',
    },
    references: [
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
      'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping',
      'https://kubehound.io/reference/attacks/',
    ],
    messages: {
      right: '{{subject}} can {{what}} {{scope}}',
      approveCsr: '{{subject}} can approve CertificateSigningRequests (and so mint client certificates)',
      wildcard: '{{subject}} holds a wildcard rule {{scope}}: {{rule}}',
      clusterAdmin: '{{subject}} is cluster-admin equivalent (every verb on every resource, cluster-wide)',
      missingRole:
        '{{binding}} binds {{role}}, which does not exist: whoever creates it grants its rules to {{subjects}}',
    },
  },
  check(ctx) {
    const inv = ctx.inventory;
    const rbac = ctx.analyses.rbacIndex();
    for (const b of boundSubjects(rbac)) {
      const ref = subjectRef(b.subject);
      if (systemExclusion(inv, b) !== undefined) continue;
      ctx.examined(ref);
      const who =
        ref.namespace === undefined ? `${ref.kind} ${ref.name}` : `${ref.kind} ${ref.namespace}/${ref.name}`;
      const grants = b.grants.filter((g) => g.roleFound);
      const admin = grants.find(
        (g) => g.namespace === undefined && g.rules.some((r) => isWildcardRule(r.rule)),
      );
      if (admin !== undefined) {
        const rule = admin.rules.find((r) => isWildcardRule(r.rule));
        ctx.report({
          messageId: 'clusterAdmin',
          data: { subject: who },
          subject: ref,
          variant: 'cluster-admin',
          evidence: rule === undefined ? [] : allowanceEvidence({ grant: admin, rule }),
        });
        continue;
      }
      const caps = capsOf(grants);
      for (const [variant, names, what] of VARIANT_CAPS) {
        const h = held(caps, names);
        if (variant === 'bind-escalate') {
          const roles = bindRoles(grants);
          h.scopes = [...new Set([...h.scopes, ...roles.scopes])].sort();
          h.evidence.push(...roles.evidence.slice(0, 2));
        }
        if (h.scopes.length === 0) continue;
        ctx.report({
          messageId: 'right',
          data: { subject: who, what, scope: scopeText(h.scopes) },
          subject: ref,
          variant,
          evidence: h.evidence,
        });
      }
      const approve = held(caps, ['csrApproval']);
      const signer = held(caps, ['csrSigner']);
      if (approve.scopes.length > 0 && signer.scopes.length > 0)
        ctx.report({
          messageId: 'approveCsr',
          data: { subject: who },
          subject: ref,
          variant: 'approve-csr',
          evidence: [...approve.evidence, ...signer.evidence],
        });
      const wild = new Map<string, Evidence[]>();
      let wildRule = '';
      for (const g of grants)
        for (const r of g.rules)
          if (r.rule.verbs.includes('*') || r.rule.resources.includes('*')) {
            const scope = g.namespace ?? '*';
            if (!wild.has(scope)) wild.set(scope, allowanceEvidence({ grant: g, rule: r }));
            if (wildRule === '') wildRule = ruleText(r.rule);
          }
      if (wild.size > 0) {
        const scopes = [...wild.keys()].sort();
        ctx.report({
          messageId: 'wildcard',
          data: { subject: who, scope: scopeText(scopes), rule: wildRule },
          subject: ref,
          variant: 'wildcard',
          evidence: scopes.flatMap((s) => wild.get(s) ?? []).slice(0, 6),
        });
      }
    }
    for (const g of rbac.grants) {
      if (g.roleFound) continue;
      ctx.report({
        messageId: 'missingRole',
        data: {
          binding: `${g.binding.kind} ${g.binding.namespace === undefined ? '' : `${g.binding.namespace}/`}${g.binding.name}`,
          role: `${g.roleRef.kind} ${g.roleRef.name}`,
          subjects: g.subjects.map((s) => subjectRef(s).name).join(', ') || 'nobody',
        },
        subject: g.binding,
        variant: 'missing-role',
        evidence: [
          {
            ref: g.binding,
            path: 'roleRef',
            value: `${g.roleRef.kind}/${g.roleRef.name}`,
            ...(g.bindingSource === undefined ? {} : { source: g.bindingSource }),
          },
        ],
      });
    }
  },
});
