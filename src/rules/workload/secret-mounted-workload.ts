// Rule secret-mounted-workload: workloads holding Secrets as files, which an attacker inside them would gain.
import { defineRule } from '../framework/define-rule.js';
import { podSpecs, workloadName } from './pod-specs.js';
import { WORKLOAD_KINDS } from '../framework/inputs.js';

export default defineRule({
  meta: {
    id: 'secret-mounted-workload',
    aliases: [],
    sources: ['TOB-K8S-TM05'],
    tier: 'extended',
    inputs: { kinds: [...WORKLOAD_KINDS] },
    title: 'A workload holds credentials an attacker in it would gain',
    description:
      'Secrets mounted as volumes are the right way to hand credentials to a workload, and exactly what an ' +
      'attacker who runs code in it collects first. This rule lists them so the compromise impact of each ' +
      'workload (and its zone’s criticality) names the credentials at stake.',
    zone: 'Container',
    stride: ['information-disclosure'],
    likelihood: 'low',
    impact: 'medium',
    detection:
      'Secret volumes and projected volumes with Secret sources in every workload’s pod template or bare pod.',
    falsePositives:
      'Expected for most applications: accept with an exception where the Secret is scoped to the workload alone.',
    remediation: {
      shortTerm:
        'Mount only the keys the workload needs (items), read-only, and only into the containers that use them.',
      longTerm:
        'Prefer short-lived credentials fetched at run time (workload identity, a secrets manager CSI driver) over long-lived Secrets.',
    },
    references: ['https://kubernetes.io/docs/concepts/configuration/secret/'],
    messages: {
      mounted: '{{workload}} mounts Secret {{secret}} (volume {{volume}})',
    },
  },
  check(ctx) {
    for (const p of podSpecs(ctx.inventory)) {
      (p.spec.volumes ?? []).forEach((v, i) => {
        const names: { secret: string; path: string }[] = [];
        if (v.secret !== undefined)
          names.push({
            secret: v.secret.secretName ?? '(unnamed)',
            path: `${p.path}.volumes[${i}].secret.secretName`,
          });
        (v.projected?.sources ?? []).forEach((s, j) => {
          if (s.secret !== undefined)
            names.push({
              secret: s.secret.name ?? '(unnamed)',
              path: `${p.path}.volumes[${i}].projected.sources[${j}].secret.name`,
            });
        });
        for (const n of names) {
          ctx.report({
            messageId: 'mounted',
            data: {
              workload: workloadName(p.workload),
              secret: `${p.workload.namespace}/${n.secret}`,
              volume: v.name,
            },
            subject: p.workload.ref,
            evidence: [p.evidence(n.path, n.secret)],
          });
        }
      });
    }
  },
});
