// Rule probe-host-enumeration: probes and lifecycle hooks aimed at another host, which the kubelet then contacts.
import type * as k8s from '@kubernetes/client-node';
import { defineRule } from '../framework/define-rule.js';
import { podSpecs, workloadName } from './pod-specs.js';
import { WORKLOAD_KINDS } from '../framework/inputs.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

type Handler = { httpGet?: k8s.V1HTTPGetAction; tcpSocket?: k8s.V1TCPSocketAction };

export default defineRule({
  meta: {
    id: 'probe-host-enumeration',
    aliases: ['TOB-K8S-024'],
    sources: ['TOB-K8S-024'],
    tier: 'core',
    inputs: { kinds: [...WORKLOAD_KINDS] },
    title: 'Probes can be aimed at other hosts',
    description:
      'The kubelet runs httpGet and tcpSocket probes (and lifecycle hooks) from the node, not from the pod. A ' +
      '`host` field pointing elsewhere makes the kubelet connect, with the node’s network position, to any ' +
      'address the pod author chooses: the 2019 audit used it to scan the host network (TOB-K8S-024).',
    zone: 'Worker',
    stride: ['information-disclosure'],
    likelihood: 'low',
    impact: 'medium',
    detection:
      'liveness, readiness and startup probes and postStart/preStop hooks with httpGet.host or tcpSocket.host set ' +
      '(any value: the pod IP is the default; an explicit host is by definition somewhere else), except a ' +
      'hostNetwork pod probing its own loopback address, which is itself. Static pods are not workloads here.',
    falsePositives:
      'A probe that targets localhost on a hostNetwork pod on purpose; accept it with an exception.',
    remediation: {
      shortTerm: 'Remove the host field from probes and hooks so they target the pod itself.',
      longTerm:
        'Reject probes with a host field at admission (a ValidatingAdmissionPolicy) and keep node network access behind egress policy.',
    },
    references: [
      'https://github.com/kubernetes/kubernetes/issues/81129',
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/',
    ],
    messages: {
      probe: '{{workload}} container {{container}} {{handler}} targets host {{host}}',
    },
  },
  check(ctx) {
    for (const p of podSpecs(ctx.inventory)) {
      for (const c of p.containers) {
        const handlers: [string, Handler | undefined][] = [
          ['livenessProbe', c.container.livenessProbe],
          ['readinessProbe', c.container.readinessProbe],
          ['startupProbe', c.container.startupProbe],
          ['lifecycle.postStart', c.container.lifecycle?.postStart],
          ['lifecycle.preStop', c.container.lifecycle?.preStop],
        ];
        for (const [name, h] of handlers) {
          for (const [kind, host] of [
            ['httpGet', h?.httpGet?.host],
            ['tcpSocket', h?.tcpSocket?.host],
          ] as const) {
            if (host === undefined || host === '') continue;
            // A hostNetwork pod probing its own node's loopback is probing itself (the pod IP is the node IP).
            if (p.spec.hostNetwork === true && LOOPBACK.has(host)) continue;
            ctx.report({
              messageId: 'probe',
              data: {
                workload: workloadName(p.workload),
                container: c.container.name,
                handler: `${name}.${kind}`,
                host,
              },
              subject: p.workload.ref,
              evidence: [p.evidence(`${c.path}.${name}.${kind}.host`, host)],
            });
          }
        }
      }
    }
  },
});
