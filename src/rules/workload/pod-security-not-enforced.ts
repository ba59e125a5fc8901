// Rule pod-security-not-enforced: namespaces that run workloads without a Pod Security admission enforce level.
import { plural } from '../../text/plural.js';
import { defineRule } from '../framework/define-rule.js';
import { objectEvidence } from '../framework/evidence.js';
import { podSpecs } from './pod-specs.js';
import { WORKLOAD_KINDS } from '../framework/inputs.js';

const ENFORCE = 'pod-security.kubernetes.io/enforce';

export default defineRule({
  meta: {
    id: 'pod-security-not-enforced',
    aliases: ['CIS-5.2.1'],
    sources: ['CIS 5.2'],
    tier: 'extended',
    inputs: { kinds: [...WORKLOAD_KINDS, 'Namespace'] },
    title: 'A namespace runs without Pod Security enforcement',
    description:
      'Pod Security admission enforces the Pod Security Standards per namespace, through the ' +
      'pod-security.kubernetes.io/enforce label. Without it (or at privileged) nothing stops a workload in the ' +
      'namespace from running privileged, sharing host namespaces or mounting the host: the container boundary ' +
      'is only as strong as every author’s care.',
    zone: 'Container',
    stride: ['elevation-of-privilege'],
    likelihood: 'medium',
    impact: 'medium',
    variants: {
      missing: { title: 'no enforce label' },
      privileged: { title: 'enforce: privileged' },
      baseline: { title: 'enforce: baseline (restricted is stronger)', likelihood: 'low', impact: 'low' },
    },
    detection:
      'Every namespace that runs at least one workload (or exists without any, for the missing variant when it ' +
      'is not a system namespace): its pod-security.kubernetes.io/enforce label. Cluster-wide defaults set in the ' +
      'admission configuration are not visible in the API and are not considered (the result says so).',
    falsePositives:
      'A cluster-wide default enforce level set in the PodSecurity admission configuration covers unlabelled ' +
      'namespaces: label the namespaces explicitly so the protection is visible and survives configuration changes.',
    remediation: {
      shortTerm:
        'Label application namespaces pod-security.kubernetes.io/enforce=restricted (or baseline where restricted breaks a workload).',
      longTerm:
        'Enforce restricted by default in the PodSecurity admission configuration and keep privileged only for the ' +
        'few system namespaces that need it, each with an owner.',
    },
    references: ['https://kubernetes.io/docs/concepts/security/pod-security-admission/'],
    messages: {
      missing: 'namespace {{namespace}} runs {{workloads}} with no Pod Security enforce label',
      privileged: 'namespace {{namespace}} enforces the privileged level (no restriction) on {{workloads}}',
      baseline: 'namespace {{namespace}} enforces baseline, not restricted',
    },
  },
  check(ctx) {
    const counts = new Map<string, number>();
    for (const p of podSpecs(ctx.inventory))
      counts.set(p.workload.namespace, (counts.get(p.workload.namespace) ?? 0) + 1);
    for (const ns of ctx.inventory.ofKind('Namespace')) {
      const name = ns.object.metadata.name;
      const count = counts.get(name) ?? 0;
      const level = ns.object.metadata.labels?.[ENFORCE];
      const subject = { kind: 'Namespace', name };
      const evidence = [objectEvidence(ns, `metadata.labels["${ENFORCE}"]`, level ?? 'unset')];
      if (level === undefined) {
        if (count === 0 && (name.startsWith('kube-') || name === 'default')) continue;
        ctx.report({
          messageId: 'missing',
          data: { namespace: name, workloads: plural(count, 'workload') },
          subject,
          variant: 'missing',
          evidence,
        });
      } else if (level === 'privileged') {
        ctx.report({
          messageId: 'privileged',
          data: { namespace: name, workloads: plural(count, 'workload') },
          subject,
          variant: 'privileged',
          evidence,
        });
      } else if (level === 'baseline') {
        ctx.report({
          messageId: 'baseline',
          data: { namespace: name },
          subject,
          variant: 'baseline',
          evidence,
        });
      }
    }
  },
});
