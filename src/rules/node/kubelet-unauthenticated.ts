// Rule kubelet-unauthenticated: the kubelet API (10250) or its read-only port (10255) serves requests without authentication.
import { defineRule } from '../framework/define-rule.js';
import { hasValue, parseBool, settingEvidence } from '../framework/setting-values.js';

export default defineRule({
  meta: {
    id: 'kubelet-unauthenticated',
    aliases: ['TOB-K8S-TM14'],
    sources: ['TOB-K8S-TM14'],
    tier: 'core',
    inputs: { kinds: [], settings: ['kubelet'] },
    title: 'The kubelet serves unauthenticated requests',
    description:
      'The kubelet API on port 10250 runs commands in containers (exec, attach, port-forward), reads their logs ' +
      'and lists every pod spec on the node. With anonymous authentication on and authorization mode AlwaysAllow, ' +
      'anyone who reaches the node runs code in every container on it; the read-only port 10255 leaks pod specs ' +
      "(TOB-K8S-TM14). The kubelet's flag defaults are the weak ones (anonymous on, AlwaysAllow, read-only port " +
      '10255); its configuration-file defaults are safe.',
    zone: 'Worker',
    stride: ['spoofing', 'elevation-of-privilege', 'information-disclosure'],
    likelihood: 'medium',
    impact: 'high',
    variants: {
      'anonymous-auth': { title: 'anonymous requests authenticated' },
      'always-allow': { title: 'authorization mode AlwaysAllow', likelihood: 'high' },
      'read-only-port': { title: 'read-only port open', impact: 'medium' },
      'no-client-ca': { title: 'no client CA: client certificates are not verified', likelihood: 'low' },
    },
    detection:
      'Per node, reads the kubelet settings (configuration file, flags or configz): anonymous-auth, ' +
      'authorization-mode, read-only-port and client-ca-file, with the defaults of the way the kubelet was started ' +
      '(flags or --config). Unverifiable per node when neither node files nor configz were collected.',
    falsePositives:
      'None known: these settings are never needed in production. A node whose kubelet port is unreachable ' +
      'from anywhere but the control plane lowers the likelihood, not the finding.',
    remediation: {
      shortTerm:
        'In the KubeletConfiguration set authentication.anonymous.enabled: false, authentication.webhook.enabled: ' +
        'true, authentication.x509.clientCAFile to the cluster CA, authorization.mode: Webhook and readOnlyPort: 0, ' +
        'and restart the kubelet.',
      longTerm:
        'Start every kubelet from a managed configuration file (kubeadm, node image) rather than flags, check ' +
        'it in node conformance, and restrict network access to 10250 to the control plane.',
    },
    references: [
      'https://github.com/kubernetes/kubernetes/issues/81146',
      'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/',
      'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/',
    ],
    messages: {
      anonymous: 'the kubelet on {{node}} authenticates anonymous requests (anonymous-auth={{value}})',
      alwaysAllow: 'the kubelet on {{node}} authorizes every request (authorization-mode={{value}})',
      readOnly: 'the kubelet on {{node}} serves pod specs unauthenticated on read-only port {{value}}',
      noClientCa: 'the kubelet on {{node}} has no client CA file: client certificates are not authenticated',
    },
  },
  check(ctx) {
    ctx.eachInstance('kubelet', { setting: 'anonymous-auth' }, (s) => {
      const node = s.node ?? s.ref.name;
      const anon = s.get('anonymous-auth');
      if (parseBool(anon.value) !== false)
        ctx.report({
          messageId: 'anonymous',
          data: { node, value: anon.value ?? 'unset' },
          subject: s.ref,
          variant: 'anonymous-auth',
          evidence: [settingEvidence(anon, s)],
        });
      const authz = s.get('authorization-mode');
      if (authz.value === undefined || authz.value === 'AlwaysAllow')
        ctx.report({
          messageId: 'alwaysAllow',
          data: { node, value: authz.value ?? 'unset' },
          subject: s.ref,
          variant: 'always-allow',
          evidence: [settingEvidence(authz, s)],
        });
      const ro = s.get('read-only-port');
      if (ro.value !== undefined && ro.value.trim() !== '0')
        ctx.report({
          messageId: 'readOnly',
          data: { node, value: ro.value },
          subject: s.ref,
          variant: 'read-only-port',
          evidence: [settingEvidence(ro, s)],
        });
      const ca = s.get('client-ca-file');
      if (!hasValue(ca))
        ctx.report({
          messageId: 'noClientCa',
          data: { node },
          subject: s.ref,
          variant: 'no-client-ca',
          evidence: [settingEvidence(ca, s)],
        });
    });
  },
});
