// Rule outbound-plaintext: kube-apiserver calls etcd, webhooks or kubelets over HTTP or without verifying the server.
import { defineRule } from '../framework/define-rule.js';
import { objectEvidence } from '../framework/evidence.js';
import { lookupNodeFile } from '../framework/node-file-lookup.js';
import { hasValue, parseBool, parseList, settingEvidence } from '../framework/setting-values.js';

/** kube-apiserver flags naming a kubeconfig for an outbound webhook, with what it is for. */
const WEBHOOK_KUBECONFIGS = [
  ['audit-webhook-config-file', 'audit webhook'],
  ['authentication-token-webhook-config-file', 'authentication webhook'],
  ['authorization-webhook-config-file', 'authorization webhook'],
] as const;

export default defineRule({
  meta: {
    id: 'outbound-plaintext',
    aliases: ['TOB-K8S-TM04'],
    sources: ['TOB-K8S-TM04'],
    tier: 'core',
    inputs: {
      kinds: ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'],
      settings: ['kube-apiserver'],
      nodeFiles: ['kubeconfigs'],
    },
    title: 'Outbound connections do not enforce HTTPS',
    description:
      'Most components did not enforce outbound HTTPS (TOB-K8S-TM04). kube-apiserver sends Secrets to etcd, ' +
      'admission requests (with whole objects) to webhooks, audit events to the audit webhook and bearer tokens to ' +
      'the authentication webhook; over plain HTTP, or over TLS without verifying the server, anyone on the path ' +
      'reads or rewrites them.',
    zone: 'API Server',
    stride: ['information-disclosure', 'tampering', 'spoofing'],
    likelihood: 'low',
    impact: 'high',
    variants: {
      'etcd-http': { title: 'kube-apiserver reaches etcd over http://' },
      'webhook-http': { title: 'admission webhook URL over http://' },
      'webhook-kubeconfig': {
        title: 'audit or authn/authz webhook over http:// or without server verification',
      },
      'kubelet-http': { title: 'kube-apiserver reaches kubelets over HTTP (--kubelet-https=false)' },
    },
    detection:
      'Reads kube-apiserver --etcd-servers (http:// URLs), --kubelet-https (before 1.22), and the kubeconfig files ' +
      'named by --audit-webhook-config-file, --authentication-token-webhook-config-file and ' +
      '--authorization-webhook-config-file from the node files (server scheme, insecure-skip-tls-verify); and ' +
      'admission webhook clientConfig.url. Unverifiable when a webhook kubeconfig was not collected or the ' +
      'control plane is managed.',
    falsePositives:
      'An etcd on http://127.0.0.1 in a single-node lab stays on the host, but is still plaintext to every ' +
      'host-network process. The API server rejects http:// webhook URLs, so such a manifest cannot be applied.',
    remediation: {
      shortTerm:
        'Point --etcd-servers at https:// URLs with --etcd-cafile/--etcd-certfile/--etcd-keyfile; use https:// ' +
        'servers with certificate-authority-data (and no insecure-skip-tls-verify) in every webhook kubeconfig; ' +
        'use https:// webhook URLs with a caBundle.',
      longTerm:
        'Treat every control-plane egress as a boundary flow: verified TLS with dedicated CAs, network policy or ' +
        'firewalling for the destinations, and a review when a webhook is added.',
    },
    references: [
      'https://github.com/kubernetes/kubernetes/issues/81146',
      'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
      'https://kubernetes.io/docs/reference/access-authn-authz/webhook/',
      'https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/',
      'https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/#webhook-backend',
    ],
    messages: {
      etcdHttp: 'kube-apiserver reaches etcd over plain HTTP: {{urls}}',
      kubeletHttp: 'kube-apiserver reaches kubelets over plain HTTP (--kubelet-https=false)',
      webhookUrl: '{{kind}} {{name}} calls webhook {{webhook}} over plain HTTP: {{url}}',
      kubeconfigHttp: 'the {{purpose}} ({{file}}) is reached over plain HTTP: {{server}}',
      kubeconfigSkip:
        'the {{purpose}} ({{file}}) is reached without verifying its certificate (insecure-skip-tls-verify)',
    },
  },
  check(ctx) {
    ctx.eachInstance('kube-apiserver', { setting: 'etcd-servers' }, (s) => {
      const etcd = s.get('etcd-servers');
      const plain = parseList(etcd.value).filter((u) => u.toLowerCase().startsWith('http://'));
      if (plain.length > 0)
        ctx.report({
          messageId: 'etcdHttp',
          data: { urls: plain.join(', ') },
          subject: s.ref,
          variant: 'etcd-http',
          zone: 'Master Data',
          evidence: [settingEvidence(etcd, s)],
        });
      const kubeletHttps = s.get('kubelet-https');
      if (s.isSet('kubelet-https') && parseBool(kubeletHttps.value) === false)
        ctx.report({
          messageId: 'kubeletHttp',
          subject: s.ref,
          variant: 'kubelet-http',
          zone: 'Worker',
          evidence: [settingEvidence(kubeletHttps, s)],
        });
      for (const [flag, purpose] of WEBHOOK_KUBECONFIGS) {
        const setting = s.get(flag);
        if (!hasValue(setting) || setting.value === undefined) continue;
        const found = lookupNodeFile(ctx.inventory, s, 'kubeconfigs', setting.value);
        if (!found.found) {
          ctx.unverifiable({
            subject: s.ref,
            variant: 'webhook-kubeconfig',
            missing: found.missing,
            evidence: [settingEvidence(setting, s)],
          });
          continue;
        }
        const k = found.file;
        const fileEvidence = {
          ref: { kind: 'NodeFile', name: `${found.node}:${k.path}` },
          path: 'clusters[0].cluster',
        };
        if (k.server?.toLowerCase().startsWith('http://') === true)
          ctx.report({
            messageId: 'kubeconfigHttp',
            data: { purpose, file: k.path, server: k.server },
            subject: s.ref,
            variant: 'webhook-kubeconfig',
            evidence: [settingEvidence(setting, s), { ...fileEvidence, value: `server: ${k.server}` }],
          });
        else if (k.insecureSkipTLSVerify)
          ctx.report({
            messageId: 'kubeconfigSkip',
            data: { purpose, file: k.path },
            subject: s.ref,
            variant: 'webhook-kubeconfig',
            evidence: [
              settingEvidence(setting, s),
              { ...fileEvidence, value: 'insecure-skip-tls-verify: true' },
            ],
          });
      }
    });

    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'] as const) {
      for (const item of ctx.inventory.ofKind(kind)) {
        const o = item.object;
        const name = o.metadata?.name ?? '';
        const ref = { kind, name };
        ctx.examined(ref);
        (o.webhooks ?? []).forEach((w, i) => {
          const url = w.clientConfig.url;
          if (url?.toLowerCase().startsWith('http://') !== true) return;
          ctx.report({
            messageId: 'webhookUrl',
            data: { kind, name, webhook: w.name, url },
            subject: ref,
            variant: 'webhook-http',
            evidence: [objectEvidence(item, `webhooks[${i}].clientConfig.url`, url)],
          });
        });
      }
    }
  },
});
