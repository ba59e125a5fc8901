// Rule privileged-workload: containers that can escape to their node (privileged, host namespaces, capabilities).
import { defineRule } from '../framework/define-rule.js';
import { podSpecs, workloadName } from './pod-specs.js';
import { WORKLOAD_KINDS } from '../framework/inputs.js';

/**
 * Capabilities the Pod Security Standards' baseline level allows to be added; anything else (and ALL) is
 * dangerous. https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

const normalizeCap = (c: string): string => c.toUpperCase().replace(/^CAP_/, '');

export default defineRule({
  meta: {
    id: 'privileged-workload',
    aliases: ['CIS-5.2.2', 'CIS-5.2.3', 'CIS-5.2.4', 'CIS-5.2.5', 'CIS-5.2.6', 'CIS-5.2.9'],
    sources: ['CIS 5.2'],
    tier: 'extended',
    inputs: { kinds: [...WORKLOAD_KINDS] },
    title: 'A container can escape to its node',
    description:
      'A privileged container, a pod sharing the host’s PID, IPC or network namespace, a container with ' +
      'capabilities beyond the baseline set, or one allowed to gain privileges, can reach the node it runs on: ' +
      'its processes, its files, its kubelet credentials and every other pod on it. Each is an escape edge from ' +
      'the Container zone to the Worker zone.',
    zone: 'Container',
    stride: ['elevation-of-privilege'],
    likelihood: 'medium',
    impact: 'high',
    attack: ['CE_PRIV_MOUNT', 'CE_NSENTER', 'CE_SYS_PTRACE', 'CE_MODULE_LOAD', 'SHARE_PS_NAMESPACE'],
    variants: {
      privileged: { title: 'privileged: true', likelihood: 'high' },
      'host-pid': { title: 'hostPID: true' },
      'host-ipc': { title: 'hostIPC: true', impact: 'medium' },
      'host-network': { title: 'hostNetwork: true', impact: 'medium' },
      'dangerous-capability': { title: 'capabilities beyond the baseline set' },
      'privilege-escalation-allowed': {
        title: 'allowPrivilegeEscalation not false',
        likelihood: 'low',
        impact: 'medium',
      },
    },
    detection:
      'For every workload’s pod template (or bare pod): spec.hostPID, spec.hostIPC, spec.hostNetwork; for every ' +
      'container, init container and ephemeral container: securityContext.privileged, capabilities.add outside ' +
      'the Pod Security baseline list (or ALL), and allowPrivilegeEscalation not set to false (reported only for ' +
      'containers that do not also run privileged, whose escalation is implied).',
    falsePositives:
      'Node agents (CNI plugins, kube-proxy, storage and monitoring DaemonSets) need some of these: they are still ' +
      'reported, because they are escape routes; accept them with an exception naming the owner and a review ' +
      'date, and keep them on the nodes and namespaces that need them.',
    remediation: {
      shortTerm:
        'Drop privileged, host namespaces and added capabilities from workloads that do not need them, and set ' +
        'allowPrivilegeEscalation: false; add an exception (with owner and expiry) for the node agents that do.',
      longTerm:
        'Enforce the Pod Security Standards (restricted, or baseline plus exceptions) on every namespace with ' +
        'Pod Security admission, and run the node agents that need host access in dedicated namespaces.',
    },
    references: [
      'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
      'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/',
    ],
    messages: {
      privileged:
        '{{workload}} runs container {{container}} privileged: it has every capability and the host’s devices',
      hostNamespace: '{{workload}} shares the host’s {{namespace}} namespace ({{field}}: true)',
      capability:
        '{{workload}} adds capabilities {{caps}} to container {{container}} (beyond the baseline set)',
      escalation:
        '{{workload}} lets container {{container}} gain privileges (allowPrivilegeEscalation is {{value}})',
    },
  },
  check(ctx) {
    for (const p of podSpecs(ctx.inventory)) {
      const w = p.workload;
      const name = workloadName(w);
      const host = [
        ['hostPID', 'PID', 'host-pid'],
        ['hostIPC', 'IPC', 'host-ipc'],
        ['hostNetwork', 'network', 'host-network'],
      ] as const;
      for (const [field, ns, variant] of host) {
        if (p.spec[field] !== true) continue;
        ctx.report({
          messageId: 'hostNamespace',
          data: { workload: name, namespace: ns, field },
          subject: w.ref,
          variant,
          evidence: [p.evidence(`${p.path}.${field}`, 'true')],
        });
      }
      for (const c of p.containers) {
        const sc = c.container.securityContext;
        const cname = c.container.name;
        if (sc?.privileged === true) {
          ctx.report({
            messageId: 'privileged',
            data: { workload: name, container: cname },
            subject: w.ref,
            variant: 'privileged',
            evidence: [p.evidence(`${c.path}.securityContext.privileged`, 'true')],
          });
        }
        const added = (sc?.capabilities?.add ?? []).map(normalizeCap);
        const dangerous = added.filter((cap) => cap === 'ALL' || !BASELINE_CAPABILITIES.has(cap));
        if (dangerous.length > 0) {
          ctx.report({
            messageId: 'capability',
            data: { workload: name, container: cname, caps: dangerous.join(', ') },
            subject: w.ref,
            variant: 'dangerous-capability',
            evidence: [p.evidence(`${c.path}.securityContext.capabilities.add`, added.join(','))],
          });
        }
        if (
          sc?.privileged !== true &&
          sc?.allowPrivilegeEscalation !== false &&
          c.kind !== 'ephemeralContainer'
        ) {
          ctx.report({
            messageId: 'escalation',
            data: {
              workload: name,
              container: cname,
              value: sc?.allowPrivilegeEscalation === true ? 'true' : 'unset (default true)',
            },
            subject: w.ref,
            variant: 'privilege-escalation-allowed',
            evidence: [
              p.evidence(
                `${c.path}.securityContext.allowPrivilegeEscalation`,
                String(sc?.allowPrivilegeEscalation ?? 'unset'),
              ),
            ],
          });
        }
      }
    }
  },
});
