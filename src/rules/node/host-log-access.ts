// Rule host-log-access: kube-apiserver and kubelet handlers that serve the host's /var/log over the API.
import { defineRule } from '../framework/define-rule.js';
import { parseBool, settingEvidence } from '../framework/setting-values.js';

export default defineRule({
  meta: {
    id: 'host-log-access',
    aliases: ['TOB-K8S-026'],
    sources: ['TOB-K8S-026'],
    tier: 'core',
    inputs: { kinds: [], settings: ['kubelet'] },
    title: 'Host logs are reachable through component endpoints or mounts',
    description:
      "kube-apiserver's /logs handler and the kubelet's /logs/ system-log handler serve files from the host's " +
      '/var/log over the API. The 2019 audit found a directory traversal through them (TOB-K8S-026); even without ' +
      "it, host logs hold other tenants' data and credentials, and a pod that can write symlinks into /var/log " +
      'and read its own logs through the kubelet reads any file on the node (CE_VAR_LOG_SYMLINK). This rule ' +
      'covers the handlers; pods mounting /var/log are reported by the workload rules.',
    zone: 'Worker',
    stride: ['information-disclosure'],
    likelihood: 'low',
    impact: 'medium',
    attack: ['CE_VAR_LOG_SYMLINK'],
    variants: {
      'apiserver-logs-handler': { title: 'kube-apiserver /logs handler enabled' },
      'kubelet-log-handler': { title: 'kubelet /logs/ system-log handler enabled' },
    },
    detection:
      'Reads kube-apiserver --enable-logs-handler (default true) and the kubelet enableDebuggingHandlers and ' +
      'enableSystemLogHandler settings (both default true; the handler is served when both are on). Unverifiable ' +
      'when the settings were not collected or the control plane is managed.',
    falsePositives:
      "The kubelet's debugging handlers also serve exec, attach, port-forward and container logs: turning them " +
      'off breaks kubectl logs and exec. Disable only the system-log handler (enableSystemLogHandler: false) ' +
      'where host logs are shipped elsewhere.',
    remediation: {
      shortTerm:
        'Set --enable-logs-handler=false on kube-apiserver and enableSystemLogHandler: false in the ' +
        'KubeletConfiguration; keep nodes/proxy and nodes/log rights to node administrators.',
      longTerm:
        'Ship host logs to a central store with access control, so nobody needs to read them through the API, ' +
        'and keep workloads from mounting /var/log.',
    },
    references: [
      'https://github.com/kubernetes/kubernetes/issues/81125',
      'https://github.com/kubernetes/kubernetes/issues/81146',
      'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
      'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/',
    ],
    messages: {
      apiserver: "kube-apiserver serves the host's /var/log at /logs (--enable-logs-handler={{value}})",
      kubelet:
        "the kubelet on {{node}} serves the host's /var/log at /logs/ (enableSystemLogHandler={{value}})",
    },
  },
  check(ctx) {
    ctx.eachInstance(
      'kube-apiserver',
      { setting: 'enable-logs-handler', variant: 'apiserver-logs-handler' },
      (s) => {
        const handler = s.get('enable-logs-handler');
        // Documented default: true (https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/).
        if (parseBool(handler.value) !== false)
          ctx.report({
            messageId: 'apiserver',
            data: { value: handler.value ?? 'unset (default true)' },
            subject: s.ref,
            variant: 'apiserver-logs-handler',
            zone: 'API Server',
            evidence: [settingEvidence(handler, s)],
          });
      },
    );
    ctx.eachInstance(
      'kubelet',
      { setting: 'enable-debugging-handlers', variant: 'kubelet-log-handler' },
      (s) => {
        const debugging = s.get('enable-debugging-handlers');
        if (parseBool(debugging.value) === false) return;
        // enableSystemLogHandler has no command-line flag: read it from the node's KubeletConfiguration when given.
        const file = ctx.inventory.nodeFiles.find((n) => n.node === s.node)?.kubeletConfig;
        const raw = file?.config['enableSystemLogHandler'];
        if (raw === false) return;
        ctx.report({
          messageId: 'kubelet',
          data: { node: s.node ?? s.ref.name, value: raw === true ? 'true' : 'unset (default true)' },
          subject: s.ref,
          variant: 'kubelet-log-handler',
          evidence: [
            settingEvidence(debugging, s),
            file === undefined
              ? { ref: s.ref, path: 'enableSystemLogHandler', value: 'unset (default true)' }
              : {
                  ref: { kind: 'NodeFile', name: `${s.node ?? ''}:${file.path}` },
                  path: 'enableSystemLogHandler',
                  value: raw === undefined ? 'unset (default true)' : JSON.stringify(raw),
                },
          ],
        });
      },
    );
  },
});
