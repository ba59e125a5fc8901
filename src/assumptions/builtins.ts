// Built-in verifications: named, parameterised checks that confirm or contradict what a team assumes.
import { plural } from '../text/plural.js';
import { z } from 'zod';
import { refOf } from '../collect/inventory.js';
import type { Model } from '../model/types.js';
import type { Finding } from '../rules/finding.js';
import type { Evidence } from '../types.js';
import type { AssumptionContext } from './context.js';
import type { Verdict } from './result.js';
import type { ASSUMPTION_TOPICS } from './threat-model-file.js';

export interface Builtin<P = unknown> {
  readonly name: string;
  readonly topic: (typeof ASSUMPTION_TOPICS)[number];
  readonly description: string;
  /** Example parameters, shown by `ktm init` and the docs. */
  readonly example: Readonly<Record<string, unknown>>;
  readonly params: z.ZodType<P>;
  /** What to do when the assumption is contradicted: make it hold, or correct the model. */
  readonly remediation: { readonly shortTerm: string; readonly longTerm: string };
  verify(ctx: AssumptionContext, params: P): Verdict;
}

const define = <P>(b: Builtin<P>): Builtin => b;

/** Scope of findings-based checks: namespaces, or every namespace of a zone's components. */
const Scope = z.strictObject({ namespaces: z.array(z.string()).optional(), zone: z.string().optional() });
type Scope = z.infer<typeof Scope>;

function zoneNamespaces(model: Model, zoneId: string): Set<string> | undefined {
  const zone = model.zones.find((x) => x.id === zoneId || x.name === zoneId);
  if (zone === undefined) return undefined;
  const ids = new Set<string>();
  const stack = [zone.id];
  while (stack.length > 0) {
    const id = stack.pop()!;
    ids.add(id);
    for (const child of model.zones.filter((x) => x.parent === id)) stack.push(child.id);
  }
  const namespaces = new Set<string>();
  for (const c of model.components)
    if (ids.has(c.zone) && 'namespace' in c.kind) namespaces.add(c.kind.namespace);
  return namespaces;
}

function findingsIn(ctx: AssumptionContext, scope: Scope, rules: readonly string[]): Finding[] | string {
  let allowed: Set<string> | undefined;
  if (scope.namespaces !== undefined) allowed = new Set(scope.namespaces);
  if (scope.zone !== undefined) {
    const ns = zoneNamespaces(ctx.model, scope.zone);
    if (ns === undefined) return `zone '${scope.zone}' does not exist in the model`;
    allowed = allowed === undefined ? ns : new Set([...allowed].filter((n) => ns.has(n)));
  }
  return ctx.findings.filter(
    (f) =>
      rules.includes(f.rule) &&
      (allowed === undefined || (f.subject.namespace !== undefined && allowed.has(f.subject.namespace))),
  );
}

/** privileged-workload variants that are escapes by themselves (privilege escalation alone is not). */
const ESCAPE_VARIANTS = new Set(['privileged', 'host-pid', 'dangerous-capability']);

function fromFindings(
  ctx: AssumptionContext,
  scope: Scope,
  rules: readonly string[],
  what: string,
  keep: (f: Finding) => boolean = () => true,
): Verdict {
  const all = findingsIn(ctx, scope, rules);
  const found = typeof all === 'string' ? all : all.filter(keep);
  if (typeof found === 'string')
    return {
      result: 'unverifiable',
      message: found,
      missing: 'declare the zone in threatmodel.yaml or fix its id',
    };
  const fails = found.filter((f) => f.status === 'fail');
  if (fails.length > 0) {
    return {
      result: 'contradicted',
      message: `${fails.length} ${what}: ${fails
        .slice(0, 5)
        .map((f) => f.id)
        .join(', ')}${fails.length > 5 ? ', …' : ''}`,
      evidence: fails.flatMap((f) => f.evidence.slice(0, 2)),
    };
  }
  const unverifiable = found.filter((f) => f.status === 'unverifiable');
  if (unverifiable.length > 0) {
    return {
      result: 'unverifiable',
      message: `${plural(unverifiable.length, 'subject')} could not be checked`,
      missing: [...new Set(unverifiable.map((f) => f.missing ?? f.message))].join('; '),
    };
  }
  return { result: 'confirmed', message: `no ${what}` };
}

function apiserverSetting(
  ctx: AssumptionContext,
  name: string,
): { known: boolean; value: string | undefined; evidence: Evidence[]; why: string } {
  const instances = ctx.inventory.settingsOf('kube-apiserver');
  const visible = instances.filter((s) => s.visibility === 'visible');
  if (visible.length === 0) {
    const managed = instances.length > 0;
    return {
      known: false,
      value: undefined,
      evidence: [],
      why: managed
        ? `the control plane is managed${ctx.inventory.cluster.provider ? ` by ${ctx.inventory.cluster.provider}` : ''}: check the provider's setting for --${name}`
        : 'kube-apiserver settings not collected: rerun against a live cluster or with --node-files for a control-plane node',
    };
  }
  const s = visible[0]!.get(name);
  return {
    known: s.origin !== 'not-visible',
    value: s.value,
    evidence: [s.evidence],
    why: `--${name} not visible`,
  };
}

export const BUILTINS: readonly Builtin[] = [
  define({
    name: 'network-policies-enforced',
    remediation: {
      shortTerm:
        'Install or enable a network plugin (or its policy agent) that enforces NetworkPolicy, and test that a default-deny policy blocks traffic.',
      longTerm:
        'Make policy enforcement part of cluster provisioning and check it continuously, so no namespace relies on inert policies.',
    },
    topic: 'networking',
    description: 'The network plugin enforces NetworkPolicy, so declared policies take effect.',
    example: {},
    params: z.strictObject({}),
    verify(ctx) {
      const e = ctx.policyEnforcement;
      if (e === undefined || e.enforces === 'unknown') {
        return {
          result: 'unverifiable',
          message: `network plugin ${e?.plugin ?? 'not identified'}`,
          missing:
            'the network plugin could not be identified: collect DaemonSets in kube-system and the CNI namespaces',
          evidence: e?.evidence ?? [],
        };
      }
      return e.enforces === 'yes'
        ? {
            result: 'confirmed',
            message: `${e.plugin ?? 'the network plugin'} enforces NetworkPolicy`,
            evidence: e.evidence,
          }
        : {
            result: 'contradicted',
            message: `${e.plugin ?? 'the network plugin'} does not enforce NetworkPolicy: every policy is inert`,
            evidence: e.evidence,
          };
    },
  }),
  define({
    name: 'namespace-default-deny',
    remediation: {
      shortTerm:
        'Apply a default-deny NetworkPolicy (podSelector: {}) for the direction in the namespace, then the allow rules it needs.',
      longTerm:
        'Create every namespace from a template that includes default-deny policies, on a plugin that enforces them.',
    },
    topic: 'networking',
    description:
      'A namespace denies ingress (or egress) by default: a policy selects all its pods for that direction, and it is enforced.',
    example: { namespace: 'payments', direction: 'ingress' },
    params: z.strictObject({
      namespace: z.string(),
      direction: z.enum(['ingress', 'egress']).default('ingress'),
    }),
    verify(ctx, p) {
      const type = p.direction === 'ingress' ? 'Ingress' : 'Egress';
      const policies = ctx.inventory
        .ofKind('NetworkPolicy')
        .filter((n) => n.object.metadata.namespace === p.namespace);
      const selectsAll = policies.filter((n) => {
        const spec = n.object.spec;
        const sel = spec?.podSelector;
        const empty =
          sel === undefined ||
          ((sel.matchLabels === undefined || Object.keys(sel.matchLabels).length === 0) &&
            (sel.matchExpressions ?? []).length === 0);
        const types = spec?.policyTypes ?? (spec?.egress !== undefined ? ['Ingress', 'Egress'] : ['Ingress']);
        return empty && types.includes(type);
      });
      if (selectsAll.length === 0) {
        return {
          result: 'contradicted',
          message: `no NetworkPolicy in ${p.namespace} selects every pod for ${p.direction}: pods not selected by any policy accept all ${p.direction}`,
          evidence:
            policies.length > 0
              ? policies.map((n) => ({ ref: refOf(n.object), source: n.source }))
              : [{ ref: { kind: 'Namespace', name: p.namespace } }],
        };
      }
      const evidence = selectsAll.map((n) => ({
        ref: refOf(n.object),
        path: 'spec.podSelector',
        value: '{}',
        source: n.source,
      }));
      const e = ctx.policyEnforcement;
      if (e?.enforces === 'no') {
        return {
          result: 'contradicted',
          message: `default-deny policy exists but ${e.plugin ?? 'the network plugin'} does not enforce it`,
          evidence: [...evidence, ...e.evidence],
        };
      }
      if (e === undefined || e.enforces === 'unknown') {
        return {
          result: 'unverifiable',
          message: 'default-deny policy declared; enforcement unknown',
          missing: 'identify the network plugin (collect kube-system DaemonSets)',
          evidence,
        };
      }
      return {
        result: 'confirmed',
        message: `${selectsAll.map((n) => n.object.metadata.name).join(', ')} isolates every pod for ${p.direction}, enforced by ${e.plugin ?? 'the plugin'}`,
        evidence,
      };
    },
  }),
  define({
    name: 'secrets-encrypted-at-rest',
    remediation: {
      shortTerm:
        'Configure --encryption-provider-config with a KMS v2 (or secretbox) provider first for secrets, then rewrite all Secrets.',
      longTerm:
        'Use a KMS v2 provider backed by an external key manager, with key rotation, on every control plane.',
    },
    topic: 'cryptography',
    description:
      'Secrets are encrypted in etcd: the first provider for secrets is an encrypting one (a KMS provider when `kms: true`).',
    example: { kms: true },
    params: z.strictObject({ kms: z.boolean().default(false) }),
    verify(ctx, p) {
      const flag = apiserverSetting(ctx, 'encryption-provider-config');
      if (!flag.known)
        return { result: 'unverifiable', message: 'encryption configuration not visible', missing: flag.why };
      if (flag.value === undefined || flag.value === '') {
        return {
          result: 'contradicted',
          message:
            'kube-apiserver has no --encryption-provider-config: secrets are stored in plain text in etcd',
          evidence: flag.evidence,
        };
      }
      const config = ctx.inventory.nodeFiles
        .flatMap((n) => n.encryptionConfigs)
        .find((c) => c.path === flag.value);
      if (config === undefined) {
        return {
          result: 'unverifiable',
          message: `--encryption-provider-config=${flag.value} is set`,
          missing: `the file ${flag.value} was not read: rerun with --node-files for a control-plane node`,
          evidence: flag.evidence,
        };
      }
      const stanza = config.resources.find((r) =>
        r.resources.some((x) => x === 'secrets' || x === '*.*' || x === '*.'),
      );
      const first = stanza?.providers[0];
      const evidence: Evidence[] = [
        ...flag.evidence,
        {
          ref: { kind: 'File', name: config.path },
          path: 'resources[].providers[0]',
          value: first ?? '(none)',
        },
      ];
      if (first === undefined || first === 'identity')
        return {
          result: 'contradicted',
          message: `the first provider for secrets is ${first ?? 'missing'}: new secrets are written unencrypted`,
          evidence,
        };
      if (p.kms && !first.startsWith('kms'))
        return {
          result: 'contradicted',
          message: `secrets are encrypted with ${first}, not a KMS provider (keys sit on the control-plane disk)`,
          evidence,
        };
      return { result: 'confirmed', message: `secrets are encrypted with ${first}`, evidence };
    },
  }),
  define({
    name: 'control-plane-tls-verified',
    remediation: {
      shortTerm:
        'Give every control-plane client the CA it needs to verify its server (--kubelet-certificate-authority, --etcd-cafile, webhook caBundles).',
      longTerm:
        'Issue all control-plane certificates from managed CAs with rotation, and reject plaintext or unverified connections by configuration.',
    },
    topic: 'cryptography',
    description:
      'Every flow between control-plane and node components uses TLS with the peer verified (or mutual TLS).',
    example: {},
    params: z.strictObject({}),
    verify(ctx) {
      const infra = new Set(
        ctx.model.components
          .filter((c) => c.kind.type === 'control-plane' || c.kind.type === 'node-agent')
          .map((c) => c.id),
      );
      const flows = ctx.model.flows.filter(
        (f) => infra.has(f.from) && infra.has(f.to) && f.socket === undefined,
      );
      const weak = flows.filter((f) => f.tls === 'none' || f.tls === 'unverified');
      const unknown = flows.filter((f) => f.tls === 'unknown');
      if (weak.length > 0) {
        return {
          result: 'contradicted',
          message: `${weak.length} control-plane flows are plaintext or unverified: ${weak
            .slice(0, 5)
            .map((f) => `${f.from} → ${f.to} (${f.tls})`)
            .join(', ')}`,
          evidence: weak.flatMap((f) =>
            f.evidence.filter((e) => e.attribute === 'tls').flatMap((e) => e.evidence),
          ),
        };
      }
      if (unknown.length > 0)
        return {
          result: 'unverifiable',
          message: `${plural(unknown.length, 'flow')} with unknown TLS`,
          missing:
            [...new Set(unknown.flatMap((f) => f.evidence.map((e) => e.note ?? '')).filter(Boolean))]
              .slice(0, 3)
              .join('; ') || 'component settings not collected',
        };
      return { result: 'confirmed', message: `${flows.length} control-plane flows use verified TLS` };
    },
  }),
  define({
    name: 'apiserver-etcd-mutual-tls',
    remediation: {
      shortTerm:
        'Set --etcd-certfile, --etcd-keyfile and --etcd-cafile on kube-apiserver and --client-cert-auth on etcd.',
      longTerm: 'Give etcd its own CA and restrict its client port to the API servers.',
    },
    topic: 'authentication',
    description: 'kube-apiserver and etcd authenticate each other with certificates.',
    example: {},
    params: z.strictObject({}),
    verify(ctx) {
      const flows = ctx.model.flows.filter((f) => f.from === 'kube-apiserver' && f.to.startsWith('etcd'));
      if (flows.length === 0)
        return {
          result: 'unverifiable',
          message: 'no kube-apiserver → etcd flow in the model',
          missing: 'control-plane settings not collected (or a managed control plane)',
        };
      const bad = flows.filter((f) => f.tls !== 'mutual');
      const unknown = bad.filter((f) => f.tls === 'unknown');
      if (bad.length > unknown.length) {
        return {
          result: 'contradicted',
          message: bad
            .filter((f) => f.tls !== 'unknown')
            .map((f) => `${f.to}: ${f.tls}`)
            .join(', '),
          evidence: bad.flatMap((f) => f.evidence.flatMap((e) => e.evidence)),
        };
      }
      if (unknown.length > 0)
        return {
          result: 'unverifiable',
          message: 'TLS of the etcd flow is unknown',
          missing:
            unknown
              .flatMap((f) => f.evidence.map((e) => e.note ?? ''))
              .filter(Boolean)
              .join('; ') || 'etcd settings not collected',
        };
      return { result: 'confirmed', message: 'kube-apiserver → etcd uses mutual TLS' };
    },
  }),
  define({
    name: 'no-plaintext-listeners',
    remediation: {
      shortTerm:
        'Turn off each plain-HTTP listener (kubelet readOnlyPort: 0, etcd on https:// only, --bind-address=127.0.0.1 for local-only endpoints).',
      longTerm:
        'Keep every component listener on TLS with authentication, and probe the listeners regularly.',
    },
    topic: 'cryptography',
    description:
      'No control-plane or node component accepts plain HTTP from the network (plaintext-listener; `ktm assess --probe` decides what configuration cannot).',
    example: {},
    params: z.strictObject({}),
    verify: (ctx) => fromFindings(ctx, {}, ['plaintext-listener'], 'plain-HTTP listeners'),
  }),
  define({
    name: 'kubelet-authenticated',
    remediation: {
      shortTerm:
        'Set authentication.anonymous.enabled: false, authorization.mode: Webhook and readOnlyPort: 0 on every kubelet.',
      longTerm: 'Manage kubelet configuration centrally and probe the kubelet ports from the network.',
    },
    topic: 'authentication',
    description:
      'Every kubelet refuses anonymous requests on its API and read-only ports (kubelet-unauthenticated; `ktm assess --probe` decides what configuration cannot).',
    example: {},
    params: z.strictObject({}),
    verify: (ctx) =>
      fromFindings(ctx, {}, ['kubelet-unauthenticated'], 'kubelets answering anonymous requests'),
  }),
  define({
    name: 'audit-logging',
    remediation: {
      shortTerm:
        'Set --audit-policy-file and --audit-log-path (or an audit webhook) with --audit-log-maxage at least the required days.',
      longTerm:
        'Ship audit events to a central, tamper-evident store with the retention your incident response needs.',
    },
    topic: 'logging',
    description:
      'kube-apiserver writes an audit log (file or webhook) with a policy, kept at least `days` days.',
    example: { days: 30 },
    params: z.strictObject({ days: z.number().int().min(0).default(30) }),
    verify(ctx, p) {
      const policy = apiserverSetting(ctx, 'audit-policy-file');
      const path = apiserverSetting(ctx, 'audit-log-path');
      const webhook = apiserverSetting(ctx, 'audit-webhook-config-file');
      if (!policy.known)
        return { result: 'unverifiable', message: 'audit settings not visible', missing: policy.why };
      const evidence = [...policy.evidence, ...path.evidence, ...webhook.evidence];
      if (!policy.value)
        return { result: 'contradicted', message: 'no --audit-policy-file: nothing is audited', evidence };
      if (!path.value && !webhook.value)
        return {
          result: 'contradicted',
          message: 'an audit policy but no backend (--audit-log-path or --audit-webhook-config-file)',
          evidence,
        };
      if (path.value) {
        const age = apiserverSetting(ctx, 'audit-log-maxage');
        const days = Number(age.value ?? '0');
        if (!age.value || days === 0) {
          return p.days > 0
            ? {
                result: 'unverifiable',
                message: 'no --audit-log-maxage: retention depends on whatever rotates the file',
                missing:
                  'how the node keeps /var/log audit files (logrotate, shipping): ask the control-plane team',
                evidence: [...evidence, ...age.evidence],
              }
            : { result: 'confirmed', message: 'audit log written', evidence };
        }
        if (days < p.days)
          return {
            result: 'contradicted',
            message: `audit logs kept ${days} days, fewer than ${p.days}`,
            evidence: [...evidence, ...age.evidence],
          };
        return {
          result: 'confirmed',
          message: `audit log written to ${path.value}, kept ${days} days`,
          evidence: [...evidence, ...age.evidence],
        };
      }
      return {
        result: 'unverifiable',
        message: 'audit events go to a webhook',
        missing: 'retention is decided by the webhook backend: ask its owner',
        evidence,
      };
    },
  }),
  define({
    name: 'no-credentials-in-environment',
    remediation: {
      shortTerm: 'Move the credentials into Secrets mounted as files, and rotate the exposed ones.',
      longTerm: 'Use short-lived credentials fetched at run time (workload identity, a secrets manager).',
    },
    topic: 'secrets-management',
    description: 'No workload in the scope carries credentials in environment variables or arguments.',
    example: { namespaces: ['shop'] },
    params: Scope,
    verify: (ctx, p) =>
      fromFindings(
        ctx,
        p,
        ['credentials-in-environment'],
        'credentials in environment variables or arguments',
      ),
  }),
  define({
    name: 'no-node-escape',
    remediation: {
      shortTerm:
        "Remove privileged settings, host namespaces and hostPath volumes from the zone's workloads.",
      longTerm: "Enforce the restricted Pod Security level on the zone's namespaces.",
    },
    topic: 'multi-tenancy',
    description:
      'No workload in the scope can reach its node: no privileged or host-namespace container, no sensitive hostPath.',
    example: { zone: 'Container' },
    params: Scope,
    verify: (ctx, p) =>
      fromFindings(
        ctx,
        p,
        ['privileged-workload', 'sensitive-host-mount'],
        'workloads able to reach their node',
        (f) => f.rule === 'sensitive-host-mount' || ESCAPE_VARIANTS.has(f.variant ?? ''),
      ),
  }),
  define({
    name: 'webhook-failure-policy',
    remediation: {
      shortTerm: "Set the webhook's failurePolicy to what the team expects, or correct the assumption.",
      longTerm:
        'Decide per webhook whether availability or enforcement wins, scope it with namespaceSelector, and run it with replicas and a PodDisruptionBudget.',
    },
    topic: 'failure-modes',
    description: 'An admission webhook fails open (Ignore) or closed (Fail) as the team expects.',
    example: { webhook: 'policy.example.com', expect: 'closed' },
    params: z.strictObject({ webhook: z.string(), expect: z.enum(['open', 'closed']) }),
    verify(ctx, p) {
      const hits: Evidence[] = [];
      const wrong: Evidence[] = [];
      for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'] as const) {
        for (const item of ctx.inventory.ofKind(kind)) {
          (item.object.webhooks ?? []).forEach((w, i) => {
            if (w.name !== p.webhook && item.object.metadata.name !== p.webhook) return;
            const policy = w.failurePolicy ?? 'Fail';
            const e: Evidence = {
              ref: refOf(item.object),
              path: `webhooks[${i}].failurePolicy`,
              value: policy,
              source: item.source,
            };
            hits.push(e);
            if ((policy === 'Fail') !== (p.expect === 'closed')) wrong.push(e);
          });
        }
      }
      if (hits.length === 0)
        return { result: 'contradicted', message: `no admission webhook named ${p.webhook}`, evidence: [] };
      if (wrong.length > 0)
        return {
          result: 'contradicted',
          message: `webhook fails ${p.expect === 'closed' ? 'open (Ignore)' : 'closed (Fail)'}`,
          evidence: wrong,
        };
      return { result: 'confirmed', message: `webhook fails ${p.expect}`, evidence: hits };
    },
  }),
  define({
    name: 'depends-only-on',
    remediation: {
      shortTerm: 'Remove the undeclared connections, or declare them in the threat model with their owners.',
      longTerm: 'Restrict egress with NetworkPolicy to the declared dependencies.',
    },
    topic: 'dependencies',
    description: 'A component talks only to the listed components (outbound flows in the data-flow model).',
    example: { component: 'workload:shop/Deployment/web', dependencies: ['kube-apiserver'] },
    params: z.strictObject({ component: z.string(), dependencies: z.array(z.string()) }),
    verify(ctx, p) {
      if (!ctx.model.components.some((c) => c.id === p.component)) {
        return {
          result: 'contradicted',
          message: `component ${p.component} does not exist in the model`,
          evidence: [],
        };
      }
      const extra = ctx.model.flows.filter((f) => f.from === p.component && !p.dependencies.includes(f.to));
      if (extra.length > 0) {
        return {
          result: 'contradicted',
          message: `${p.component} also talks to ${[...new Set(extra.map((f) => f.to))].sort().join(', ')}`,
          evidence: extra.flatMap((f) => f.evidence.flatMap((e) => e.evidence)).slice(0, 10),
        };
      }
      return { result: 'confirmed', message: `${p.component} depends only on the listed components` };
    },
  }),
  define({
    name: 'internet-reaches-only',
    remediation: {
      shortTerm: 'Remove the undeclared exposure (Service type, Ingress, hostPort), or declare it.',
      longTerm: 'Publish services only through a reviewed ingress path with authentication and TLS.',
    },
    topic: 'exposure',
    description:
      'The Internet reaches only the listed components (Services, Ingresses, Gateways, workloads).',
    example: { components: ['ingress:shop/storefront'] },
    params: z.strictObject({ components: z.array(z.string()) }),
    verify(ctx, p) {
      const reached = ctx.model.flows.filter((f) => f.from === 'external:internet');
      const extra = reached.filter((f) => !p.components.includes(f.to));
      if (extra.length > 0) {
        return {
          result: 'contradicted',
          message: `the Internet also reaches ${[...new Set(extra.map((f) => f.to))].sort().join(', ')}`,
          evidence: extra.flatMap((f) => f.evidence.flatMap((e) => e.evidence)).slice(0, 10),
        };
      }
      return {
        result: 'confirmed',
        message: `the Internet reaches ${reached.length === 0 ? 'nothing' : [...new Set(reached.map((f) => f.to))].sort().join(', ')}`,
      };
    },
  }),
  define({
    name: 'secret-readers',
    remediation: {
      shortTerm: "Remove the bindings that let other subjects read the namespace's Secrets.",
      longTerm:
        "Keep secret-reading rights in namespace-scoped Roles bound to the owning team's identities only.",
    },
    topic: 'authorization',
    description: 'Only the listed subjects (and cluster administrators) can read secrets in a namespace.',
    example: { namespace: 'payments', subjects: ['ServiceAccount/payments/api'] },
    params: z.strictObject({ namespace: z.string(), subjects: z.array(z.string()) }),
    verify(ctx, p) {
      if (ctx.privilege === undefined)
        return {
          result: 'unverifiable',
          message: 'privilege graph not computed',
          missing: 'RBAC objects not collected',
        };
      const readers = ctx.privilege
        .secretReaders(p.namespace)
        .filter(
          (r) =>
            !p.subjects.includes(r.subject) &&
            !r.subject.startsWith('User/system:') &&
            r.subject !== 'Group/system:masters',
        );
      if (readers.length > 0)
        return {
          result: 'contradicted',
          message: `also readable by ${readers.map((r) => r.subject).join(', ')}`,
          evidence: readers.flatMap((r) => r.evidence),
        };
      return { result: 'confirmed', message: `only the listed subjects read secrets in ${p.namespace}` };
    },
  }),
  define({
    name: 'no-path',
    remediation: {
      shortTerm:
        'Cut the path at its cheapest step (each step in the evidence names the control that cuts it).',
      longTerm: 'Separate the zones so no identity or pod in one holds a step into the other.',
    },
    topic: 'multi-tenancy',
    description: 'No attack path leads from one zone (or component) to another.',
    example: { from: 'container', to: 'master-data' },
    params: z.strictObject({ from: z.string(), to: z.string() }),
    verify(ctx, p) {
      if (ctx.privilege === undefined)
        return {
          result: 'unverifiable',
          message: 'privilege graph not computed',
          missing: 'RBAC and pod objects not collected',
        };
      const path = ctx.privilege.pathBetween(p.from, p.to);
      if (path !== undefined)
        return {
          result: 'contradicted',
          message: `path: ${path.map((s) => s.step).join(' → ')}`,
          evidence: path.flatMap((s) => s.evidence),
        };
      return { result: 'confirmed', message: `no attack path from ${p.from} to ${p.to}` };
    },
  }),
];

export const BUILTINS_BY_NAME: ReadonlyMap<string, Builtin> = new Map(BUILTINS.map((b) => [b.name, b]));
