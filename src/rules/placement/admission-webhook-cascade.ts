// Rule admission-webhook-cascade: fail-closed admission webhooks whose outage blocks broad writes, their own recovery, or stalls requests.
import type { Inventory } from '../../collect/inventory.js';
import type { CascadeResult } from '../../analysis/cascade.js';
import type { Model } from '../../model/types.js';
import { refToString, type Evidence, type Ref } from '../../types.js';
import { defineRule } from '../framework/define-rule.js';
import { WORKLOAD_KINDS } from '../framework/inputs.js';

type Variant = 'fail-closed-broad' | 'self-blocking' | 'single-replica-backend' | 'long-timeout';

/** Above this the API server holds each matching request long enough to exhaust client and controller timeouts. */
const LONG_TIMEOUT_SECONDS = 15;

export default defineRule({
  meta: {
    id: 'admission-webhook-cascade',
    aliases: [],
    sources: ['TOB method - criticality', 'SIG Security admission control threat model'],
    tier: 'extended',
    inputs: {
      kinds: [...WORKLOAD_KINDS, 'Service', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'],
    },
    title: 'An admission webhook outage blocks the cluster',
    description:
      'A webhook with failurePolicy Fail (the admissionregistration.k8s.io/v1 default) turns its backend into a ' +
      'dependency of every write it matches: when the backend is down, the API server rejects them. Matching ' +
      "every resource or every namespace, kube-system included, or the webhook's own pods, turns one " +
      "deployment's outage into a cluster-wide one that cannot heal itself (the replacement pods are rejected " +
      'too). The SIG Security admission control threat model lists this denial of service.',
    zone: 'API Server',
    stride: ['denial-of-service'],
    likelihood: 'medium',
    impact: 'high',
    variants: {
      'fail-closed-broad': { title: 'fails closed on writes across every namespace' },
      'self-blocking': { title: "fails closed on its own backend's pods", likelihood: 'medium' },
      'single-replica-backend': { title: 'fails closed with a single backend replica', likelihood: 'medium' },
      'long-timeout': {
        title: `a timeout above ${String(LONG_TIMEOUT_SECONDS)} seconds`,
        likelihood: 'low',
        impact: 'medium',
      },
    },
    detection:
      'Derives the data-flow model (src/model/) and, for each admission webhook flow from kube-apiserver with ' +
      'failurePolicy Fail, computes the cascade of stopping its backend (computeCascade, src/analysis/cascade.ts). ' +
      'fail-closed-broad: the blocked writes include a rule that applies in every namespace (no namespaceSelector ' +
      'restriction); single-replica-backend: every workload behind the backend Service runs at most one replica (spec.replicas, else the pods seen); self-blocking: the cascade finds that the webhook matches pod creation in every namespace (its own backend included), so it cannot be ' +
      `recreated while down; long-timeout: timeoutSeconds above ${String(LONG_TIMEOUT_SECONDS)} (default 10, ` +
      'maximum 30), whatever the failure policy.',
    falsePositives:
      'Policy engines (Kyverno, Gatekeeper) fail closed on purpose, to stay enforced; they are reported so the ' +
      'availability cost is decided. A namespaceSelector that excludes kube-system through a label ktm does not ' +
      'see on the Namespace objects shows as broad.',
    remediation: {
      shortTerm:
        "Exclude kube-system and the webhook's own namespace with a namespaceSelector, narrow rules to the " +
        'resources the webhook needs, run at least two backend replicas with a PodDisruptionBudget, and keep ' +
        'timeoutSeconds low.',
      longTerm:
        'Prefer ValidatingAdmissionPolicy (in-process, no backend to lose) for checks that fit CEL, and rehearse ' +
        'the webhook outage (ktm what-if --stop) including how to remove the configuration in an emergency.',
    },
    references: [
      'https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#failure-policy',
      'https://kubernetes.io/docs/concepts/cluster-administration/admission-webhooks-good-practices/',
      'https://github.com/kubernetes/sig-security/tree/main/sig-security-docs/papers/admission-control',
    ],
    messages: {
      broad: '{{configuration}} fails closed: if its backend stops, the API server rejects {{blocked}}',
      self: '{{configuration}} matches its own backend pods and fails closed: {{reason}}',
      timeout: '{{configuration}} webhook {{webhook}} may hold each matching request for {{seconds}}s',
      single:
        '{{configuration}} fails closed and its backend {{backend}} runs {{replicas}} replica: one pod restart or node drain blocks the writes it matches',
    },
  },
  check(ctx) {
    const inv = ctx.inventory;
    const configs = [
      ...inv.ofKind('ValidatingWebhookConfiguration'),
      ...inv.ofKind('MutatingWebhookConfiguration'),
    ];
    if (configs.length === 0) return;
    const model = ctx.analyses.model();
    const found = new Map<
      string,
      { ref: Ref; variant: Variant; data: Record<string, string>; evidence: Evidence[] }
    >();
    // A backend the model does not know (an external URL) has no cascade: undefined.
    const cascadeOf = (backend: string): CascadeResult | undefined => ctx.analyses.cascade(backend);
    for (const c of configs) ctx.examined({ kind: c.object.kind, name: c.object.metadata.name });
    for (const f of model.flows) {
      const w = f.webhook;
      if (w === undefined) continue;
      const ref = w.configuration;
      const name = `${ref.kind} ${ref.name}`;
      const hookEv: Evidence = {
        ref,
        path: `webhooks[name=${w.webhook}]`,
        value: `failurePolicy=${w.failurePolicy}, timeoutSeconds=${String(w.timeoutSeconds)}`,
      };
      if (w.timeoutSeconds > LONG_TIMEOUT_SECONDS) {
        const key = `${refToString(ref)}#long-timeout`;
        if (!found.has(key))
          found.set(key, {
            ref,
            variant: 'long-timeout',
            data: { configuration: name, webhook: w.webhook, seconds: String(w.timeoutSeconds) },
            evidence: [hookEv],
          });
      }
      if (w.failurePolicy !== 'Fail') continue;
      const backends = model.flows
        .filter((b) => b.from === f.to && b.purpose === 'service traffic to its pods')
        .map((b) => b.to);
      const replicas = [...new Set(backends)].map((id) => replicasOf(inv, model, id));
      if (replicas.length > 0 && replicas.every((r) => r !== undefined && r <= 1)) {
        const key = `${refToString(ref)}#single-replica-backend`;
        if (!found.has(key))
          found.set(key, {
            ref,
            variant: 'single-replica-backend',
            data: {
              configuration: name,
              backend: [...new Set(backends)].join(', '),
              replicas: String(Math.max(...replicas.map((r) => r ?? 0))),
            },
            evidence: [
              hookEv,
              ...[...new Set(backends)].map((id) => ({
                ref: { kind: 'Component', name: id },
                path: 'replicas',
                value: String(replicasOf(inv, model, id) ?? 'unknown'),
              })),
            ],
          });
      }
      const cascade = cascadeOf(f.to);
      if (cascade === undefined) continue;
      const broad = cascade.blockedWrites.filter((b) => b.includes('in every namespace'));
      if (broad.length > 0) {
        const key = `${refToString(ref)}#fail-closed-broad`;
        const e = found.get(key);
        if (e === undefined)
          found.set(key, {
            ref,
            variant: 'fail-closed-broad',
            data: { configuration: name, blocked: broad.join('; ') },
            evidence: [
              hookEv,
              {
                ref: { kind: 'Component', name: f.to },
                path: 'cascade.blockedWrites',
                value: broad.join('; '),
              },
            ],
          });
      }
      const self = cascade.blockedWrites.find((x) => x.includes('matches its own pods'));
      if (self !== undefined) {
        const key = `${refToString(ref)}#self-blocking`;
        if (!found.has(key))
          found.set(key, {
            ref,
            variant: 'self-blocking',
            data: { configuration: name, reason: self },
            evidence: [
              hookEv,
              { ref: { kind: 'Component', name: f.to }, path: 'cascade.blockedWrites', value: self },
            ],
          });
      }
    }
    for (const x of [...found.values()].sort(
      (a, b) => refToString(a.ref).localeCompare(refToString(b.ref)) || a.variant.localeCompare(b.variant),
    )) {
      const base = { subject: x.ref, variant: x.variant, evidence: x.evidence };
      if (x.variant === 'long-timeout')
        ctx.report({
          ...base,
          messageId: 'timeout',
          data: {
            configuration: x.data['configuration'] ?? '',
            webhook: x.data['webhook'] ?? '',
            seconds: x.data['seconds'] ?? '',
          },
        });
      else if (x.variant === 'single-replica-backend')
        ctx.report({
          ...base,
          messageId: 'single',
          data: {
            configuration: x.data['configuration'] ?? '',
            backend: x.data['backend'] ?? '',
            replicas: x.data['replicas'] ?? '',
          },
        });
      else if (x.variant === 'self-blocking')
        ctx.report({
          ...base,
          messageId: 'self',
          data: { configuration: x.data['configuration'] ?? '', reason: x.data['reason'] ?? '' },
        });
      else
        ctx.report({
          ...base,
          messageId: 'broad',
          data: { configuration: x.data['configuration'] ?? '', blocked: x.data['blocked'] ?? '' },
        });
    }
  },
});

/** Desired replicas of a workload component: spec.replicas of its Deployment or StatefulSet, else the pods seen. */
function replicasOf(inv: Inventory, model: Model, id: string): number | undefined {
  const c = model.components.find((x) => x.id === id);
  if (c === undefined || c.kind.type !== 'workload') return undefined;
  if (c.kind.owner === 'Deployment' || c.kind.owner === 'StatefulSet') {
    const o = inv.get(c.kind.owner, c.kind.namespace, c.kind.name)?.object as
      { spec?: { replicas?: number } } | undefined;
    if (o !== undefined) return o.spec?.replicas ?? 1;
  }
  return c.kind.pods;
}
