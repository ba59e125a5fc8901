// Rule resource-claim-abuse: workloads that can claim or exhaust shared capacity (no requests/limits, no quotas).
import { plural } from '../../text/plural.js';
import { defineRule } from '../framework/define-rule.js';
import { podSpecs, workloadName } from './pod-specs.js';
import { WORKLOAD_KINDS } from '../framework/inputs.js';

const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

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
      'no-quota': { title: 'a namespace running workloads without a ResourceQuota' },
      'no-priority-class': { title: 'a kube-system workload without a priority class' },
    },
    detection:
      'For every container (init containers included) of every workload: resources.requests and resources.limits ' +
      'for cpu and for memory (a limit alone counts as a request, as the API defaults it); namespaces other than ' +
      'kube-system, kube-public and kube-node-lease that run workloads without a ResourceQuota; kube-system ' +
      'workloads without priorityClassName.',
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
          const limit = res?.limits?.[resource];
          const request = res?.requests?.[resource] ?? limit;
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
