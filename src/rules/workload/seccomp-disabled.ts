// Rule seccomp-disabled: containers that run without a seccomp profile (Unconfined), unless the kubelet defaults one.
import { defineRule } from '../framework/define-rule.js';
import { parseBool } from '../framework/setting-values.js';
import { podSpecs, workloadName } from './pod-specs.js';
import { WORKLOAD_KINDS } from '../framework/inputs.js';

export default defineRule({
  meta: {
    id: 'seccomp-disabled',
    aliases: ['TOB-K8S-002', 'CIS-5.7.2'],
    sources: ['TOB-K8S-002'],
    tier: 'core',
    inputs: { kinds: [...WORKLOAD_KINDS, 'Node'] },
    title: 'Workloads run without a seccomp profile',
    description:
      'Without a seccomp profile a container may call every system call the kernel offers, which turns kernel ' +
      'bugs into container escapes. Kubernetes runs containers Unconfined unless the pod asks for RuntimeDefault ' +
      'or the kubelet is started with seccompDefault (TOB-K8S-002).',
    zone: 'Container',
    stride: ['elevation-of-privilege'],
    likelihood: 'low',
    impact: 'high',
    detection:
      'For every container: the effective seccompProfile type (container securityContext, else pod ' +
      'securityContext, else the legacy seccomp annotations). Unset or Unconfined fails, unless every kubelet ' +
      'whose settings were collected runs with seccompDefault: true (then unset means RuntimeDefault).',
    falsePositives:
      'Clusters whose kubelets all run with seccompDefault but whose kubelet settings were not collected: ' +
      'collect them (--node-files or --kubelet-config) to clear these results.',
    remediation: {
      shortTerm:
        'Set securityContext.seccompProfile.type: RuntimeDefault on the pods (or on every container).',
      longTerm:
        'Enable seccompDefault on every kubelet and enforce the restricted Pod Security level, which requires a ' +
        'seccomp profile.',
    },
    references: [
      'https://github.com/kubernetes/kubernetes/issues/81115',
      'https://kubernetes.io/docs/tutorials/security/seccomp/',
    ],
    messages: {
      unconfined: '{{workload}} runs container {{container}} with seccomp {{profile}}',
    },
  },
  check(ctx) {
    const kubelets = ctx.inventory.settingsOf('kubelet').filter((s) => s.visibility === 'visible');
    const nodes = ctx.inventory.ofKind('Node').length;
    const defaulted =
      kubelets.length > 0 &&
      kubelets.length >= nodes &&
      kubelets.every((s) => parseBool(s.get('seccomp-default').value) === true);
    for (const p of podSpecs(ctx.inventory)) {
      const podProfile = p.spec.securityContext?.seccompProfile?.type;
      const annotations = p.workload.pods[0]?.object.metadata.annotations ?? {};
      for (const c of p.containers) {
        if (c.kind === 'ephemeralContainer') continue;
        const own = c.container.securityContext?.seccompProfile?.type;
        const legacy =
          annotations[`container.seccomp.security.alpha.kubernetes.io/${c.container.name}`] ??
          annotations['seccomp.security.alpha.kubernetes.io/pod'];
        const effective =
          own ??
          podProfile ??
          (legacy === undefined ? undefined : legacy === 'unconfined' ? 'Unconfined' : 'RuntimeDefault');
        if (effective === 'RuntimeDefault' || effective === 'Localhost') continue;
        if (effective === undefined && defaulted) continue;
        ctx.report({
          messageId: 'unconfined',
          data: {
            workload: workloadName(p.workload),
            container: c.container.name,
            profile: effective ?? 'unset (Unconfined)',
          },
          subject: p.workload.ref,
          evidence: [
            p.evidence(`${c.path}.securityContext.seccompProfile.type`, effective ?? 'unset'),
            p.evidence(`${p.path}.securityContext.seccompProfile.type`, podProfile ?? 'unset'),
          ],
        });
      }
    }
  },
});
