// Rule resource-claim-abuse: workloads that can claim or exhaust shared capacity (no requests/limits, no quotas).
import { plural } from '../../text/plural.js';
import { defineRule } from '../framework/define-rule.js';
import { podSpecs, workloadName } from './pod-specs.js';
import { WORKLOAD_KINDS } from '../framework/inputs.js';

const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

const SUFFIX: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** A Kubernetes quantity (`400m`, `1.5Gi`, `2e3`) as a number, or undefined when it does not parse. */
export function parseQuantity(q: string | number): number | undefined {
  if (typeof q === 'number') return Number.isFinite(q) ? q : undefined;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(q.trim());
  if (m === null) return undefined;
  const base = Number(m[1]);
  if (m[2] !== undefined) return Number(`${m[1]}${m[2]}`);
  return base * SUFFIX[m[3] ?? '']!;
}

/**
 * A value no one means: memory below 1 MiB (`400m` is 0.4 bytes; the smallest useful container needs megabytes),
 * or CPU above 1,000 cores (`4Gi` of CPU). The message says what the value means and what was probably meant.
 */
function implausible(resource: 'cpu' | 'memory', q: string): string | undefined {
  const v = parseQuantity(q);
  if (v === undefined) return `${q} is not a Kubernetes quantity`;
  if (resource === 'memory' && v < 2 ** 20) {
    const guess = /^\d+(\.\d+)?m$/.test(q) ? ` (did you mean ${q.slice(0, -1)}Mi?)` : '';
    return `${q} is ${v < 1 ? `${v} bytes` : `${Math.round(v)} bytes`}${guess}`;
  }
  if (resource === 'cpu' && v > 1000) return `${q} is ${v} cores`;
  return undefined;
}

export default defineRule({
  meta: {
    id: 'resource-claim-abuse',
    aliases: ['TOB-K8S-TM11', 'TOB-K8S-TM12'],
    sources: ['TOB-K8S-TM11', 'TOB-K8S-TM12'],
    tier: 'core',
    inputs: { kinds: [...WORKLOAD_KINDS, 'ResourceQuota'] },
    title: 'Workloads can claim or exhaust shared capacity',
    description:
      'Containers without CPU and memory requests and limits compete for the node without bounds: one of them ' +
      'can starve its neighbours (or, without requests, be scheduled where there is no room). Namespaces without ' +
      'a ResourceQuota can claim the whole cluster; system components without a priority class are evicted ' +
      'first. The audit noted that scheduling rules can claim disproportionate resources (TOB-K8S-TM11).',
    zone: 'Worker',
    stride: ['denial-of-service'],
    likelihood: 'medium',
    impact: 'low',
    variants: {
      cpu: { title: 'a container without a CPU request and limit' },
      memory: { title: 'a container without a memory request and limit', impact: 'medium' },
      'memory-unbounded': {
        title: 'a container with a memory request but no memory limit (it can take the node’s memory)',
        impact: 'medium',
      },
      'implausible-quantity': {
        title: 'a request or limit whose value no one means (memory 400m = 0.4 bytes)',
        likelihood: 'high',
        impact: 'low',
      },
      'no-quota': { title: 'a namespace running workloads without a ResourceQuota' },
      'no-priority-class': { title: 'a kube-system workload without a priority class' },
    },
    detection:
      'For every container (init containers included) of every workload: resources.requests and resources.limits ' +
      'for cpu and for memory (a limit alone counts as a request, as the API defaults it); namespaces other than ' +
      'kube-system, kube-public and kube-node-lease that run workloads without a ResourceQuota; kube-system ' +
      'workloads without priorityClassName. A memory request without a memory limit is memory-unbounded (memory ' +
      'is not compressible: the container grows until the node evicts or OOM-kills its neighbours). CPU: ktm ' +
      'reports a missing CPU request or limit at low severity; CPU is compressible, so an unlimited container ' +
      'costs its neighbours latency, not availability, and running without CPU limits on purpose is a valid ' +
      'choice (accept the cpu variant with an exception). Quantities no one means (memory below 1 MiB such as ' +
      '400m, CPU above 1,000 cores, values that do not parse) are implausible-quantity.',
    falsePositives:
      'A LimitRange that sets default requests and limits covers containers that omit them: ktm reports them ' +
      'anyway, since the defaults are not visible in the pod template; accept them with an exception naming the ' +
      'LimitRange.',
    remediation: {
      shortTerm:
        'Set CPU and memory requests and limits on every container; add a ResourceQuota to each tenant namespace.',
      longTerm:
        'Give every namespace a ResourceQuota and a LimitRange from a template, and give system components ' +
        'system-cluster-critical or system-node-critical priority.',
    },
    references: [
      'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
      'https://kubernetes.io/docs/concepts/policy/resource-quotas/',
      'https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/',
    ],
    messages: {
      missing: '{{workload}} container {{container}} has no {{resource}} {{what}}',
      unbounded:
        '{{workload}} container {{container}} requests {{request}} of memory but sets no memory limit: it can take the node’s memory',
      implausible: '{{workload}} container {{container}} {{field}} {{resource}}: {{why}}',
      noQuota: 'namespace {{namespace}} runs {{workloads}} without a ResourceQuota',
      noPriority:
        '{{workload}} runs in kube-system without a priority class: it is evicted like any other pod',
    },
  },
  check(ctx) {
    const inv = ctx.inventory;
    const perNamespace = new Map<string, number>();
    for (const p of podSpecs(inv)) {
      const w = p.workload;
      perNamespace.set(w.namespace, (perNamespace.get(w.namespace) ?? 0) + 1);
      for (const c of p.containers) {
        if (c.kind === 'ephemeralContainer') continue;
        const res = 'resources' in c.container ? c.container.resources : undefined;
        for (const resource of ['cpu', 'memory'] as const) {
          for (const field of ['requests', 'limits'] as const) {
            const q = res?.[field]?.[resource];
            const why = q === undefined ? undefined : implausible(resource, q);
            if (why !== undefined)
              ctx.report({
                messageId: 'implausible',
                data: { workload: workloadName(w), container: c.container.name, field, resource, why },
                subject: w.ref,
                variant: 'implausible-quantity',
                evidence: [p.evidence(`${c.path}.resources.${field}.${resource}`, String(q))],
              });
          }
          const limit = res?.limits?.[resource];
          const request = res?.requests?.[resource] ?? limit;
          if (resource === 'memory' && limit === undefined && request !== undefined) {
            ctx.report({
              messageId: 'unbounded',
              data: { workload: workloadName(w), container: c.container.name, request },
              subject: w.ref,
              variant: 'memory-unbounded',
              evidence: [p.evidence(`${c.path}.resources`, JSON.stringify(res ?? {}))],
            });
            continue;
          }
          const what = [
            limit === undefined ? 'limit' : undefined,
            request === undefined ? 'request' : undefined,
          ]
            .filter(Boolean)
            .join(' or ');
          if (what === '') continue;
          ctx.report({
            messageId: 'missing',
            data: { workload: workloadName(w), container: c.container.name, resource, what },
            subject: w.ref,
            variant: resource,
            evidence: [p.evidence(`${c.path}.resources`, JSON.stringify(res ?? {}))],
          });
        }
      }
      if (w.namespace === 'kube-system' && (p.spec.priorityClassName ?? '') === '') {
        ctx.report({
          messageId: 'noPriority',
          data: { workload: workloadName(w) },
          subject: w.ref,
          variant: 'no-priority-class',
          evidence: [p.evidence(`${p.path}.priorityClassName`, 'unset')],
        });
      }
    }
    const quotas = new Set(inv.ofKind('ResourceQuota').map((q) => q.object.metadata.namespace));
    for (const [namespace, count] of [...perNamespace].sort((a, b) => a[0].localeCompare(b[0]))) {
      if (SYSTEM_NAMESPACES.has(namespace) || quotas.has(namespace)) continue;
      ctx.report({
        messageId: 'noQuota',
        data: { namespace, workloads: plural(count, 'workload') },
        subject: { kind: 'Namespace', name: namespace },
        variant: 'no-quota',
        evidence: [{ ref: { kind: 'Namespace', name: namespace }, path: 'ResourceQuota', value: 'none' }],
      });
    }
  },
});
