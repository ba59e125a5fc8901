// Rule plaintext-listener: a control-plane or node component accepts plain HTTP, or exposes an endpoint meant for localhost.
import type { ComponentSettings, Setting } from '../../collect/settings/types.js';
import { defineRule, type Zone } from '../framework/define-rule.js';
import { hasValue, parseBool, parseList, settingEvidence } from '../framework/setting-values.js';

/** True for an address only the host itself can reach. */
function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\./.test(h);
}

/** The host of `host:port`, `[v6]:port` or a bare address. */
function hostOf(address: string): string {
  const a = address.trim();
  if (a.startsWith('[')) return a.slice(1, a.indexOf(']'));
  const colons = a.split(':').length - 1;
  return colons === 1 ? a.slice(0, a.indexOf(':')) : a;
}

/** `http://` URLs that are not loopback-only. Plaintext on loopback still lets every host-network process in. */
function plainUrls(s: Setting): string[] {
  return parseList(s.value).filter((u) => u.toLowerCase().startsWith('http://'));
}

export default defineRule({
  meta: {
    id: 'plaintext-listener',
    aliases: ['TOB-K8S-TM03'],
    sources: ['TOB-K8S-TM03', 'TOB-K8S-TM14'],
    tier: 'seed',
    inputs: { kinds: [], settings: ['etcd', 'kube-apiserver', 'kubelet'] },
    title: 'A component accepts inbound plain HTTP',
    description:
      "The 2019 threat model found that most components accept inbound HTTP (TOB-K8S-TM03): the API server's " +
      'insecure port bypasses authentication and authorization entirely, etcd on http:// hands the whole cluster ' +
      'state to anyone who connects, the kubelet read-only port leaks pod specs, and the scheduler, controller ' +
      'manager and kube-proxy serve endpoints that were meant for the local host. Each such listener is a ' +
      'plaintext flow into a trust zone.',
    zone: 'API Server',
    stride: ['information-disclosure', 'spoofing', 'tampering'],
    likelihood: 'medium',
    impact: 'high',
    variants: {
      'apiserver-insecure-port': {
        title: 'kube-apiserver insecure port (unauthenticated HTTP)',
        likelihood: 'high',
      },
      'etcd-client-http': { title: 'etcd client URLs over http://', likelihood: 'high' },
      'etcd-peer-http': { title: 'etcd peer URLs over http://' },
      'kubelet-read-only-port': { title: 'kubelet read-only port (HTTP)', impact: 'medium' },
      'scheduler-insecure': {
        title: 'kube-scheduler insecure port or serving on all addresses',
        impact: 'medium',
      },
      'controller-manager-insecure': {
        title: 'kube-controller-manager insecure port or serving on all addresses',
        impact: 'medium',
      },
      'kube-proxy-metrics': { title: 'kube-proxy metrics (HTTP) on all addresses', impact: 'low' },
    },
    detection:
      'Reads, with the defaults of the detected Kubernetes version: kube-apiserver --insecure-port (8080 by ' +
      'default before 1.20, removed in 1.24); etcd --listen-client-urls and --listen-peer-urls (http://localhost ' +
      'by default), and their certificates (--cert-file/--key-file, --peer-cert-file/--peer-key-file, unless ' +
      'auto-tls); the kubelet read-only-port (10255 by flag default, 0 by configuration-file default); ' +
      'kube-scheduler and kube-controller-manager --port (the insecure port, removed in 1.23/1.24) and ' +
      '--bind-address (0.0.0.0 by default); kube-proxy metrics-bind-address. Unverifiable when the component ' +
      'settings were not collected or the control plane is managed.',
    falsePositives:
      'etcd on http://127.0.0.1 in a single-node lab is reachable only from the host, but every host-network pod ' +
      'on that host can read it. A scheduler or controller manager bound to all addresses on a control-plane ' +
      'node firewalled from the workers exposes only authenticated HTTPS.',
    remediation: {
      shortTerm:
        'Set --insecure-port=0 on kube-apiserver (or upgrade past 1.24); serve etcd on https:// URLs only with ' +
        '--cert-file/--key-file and --peer-cert-file/--peer-key-file; set the kubelet readOnlyPort: 0; set ' +
        '--bind-address=127.0.0.1 on kube-scheduler and kube-controller-manager and --metrics-bind-address=127.0.0.1:10249 ' +
        'on kube-proxy.',
      longTerm:
        'Keep every control-plane listener on TLS with client authentication, scrape metrics through an ' +
        'authenticated proxy, and verify listeners from the network side in node conformance checks.',
    },
    references: [
      'https://github.com/kubernetes/kubernetes/issues/81146',
      'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
      'https://etcd.io/docs/v3.5/op-guide/security/',
      'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/',
      'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-scheduler/',
      'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/',
      'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-proxy/',
    ],
    messages: {
      insecurePort: 'kube-apiserver serves unauthenticated, unauthorised HTTP on insecure port {{port}}',
      etcdHttp: 'etcd serves {{which}} over plain HTTP: {{urls}}',
      etcdNoCert: 'etcd has no certificate for {{which}} ({{flags}} unset): that listener cannot serve TLS',
      readOnlyPort: 'the kubelet on {{node}} serves plain HTTP on read-only port {{port}}',
      legacyPort: '{{component}} serves plain HTTP on insecure port {{port}}',
      allAddresses:
        '{{component}} serves on all addresses (--bind-address={{address}}), not only the local host',
      proxyMetrics: 'kube-proxy serves plain-HTTP metrics on {{address}}, reachable from the network',
    },
  },
  check(ctx) {
    ctx.eachInstance('kube-apiserver', { setting: 'insecure-port' }, (s) => {
      const port = s.get('insecure-port');
      if (port.value !== undefined && port.value.trim() !== '0')
        ctx.report({
          messageId: 'insecurePort',
          data: { port: port.value },
          subject: s.ref,
          variant: 'apiserver-insecure-port',
          evidence: [settingEvidence(port, s)],
        });
    });

    ctx.eachInstance('etcd', { setting: 'listen-client-urls' }, (s) => {
      for (const [name, which, variant, cert, key, auto] of [
        ['listen-client-urls', 'client requests', 'etcd-client-http', 'cert-file', 'key-file', 'auto-tls'],
        [
          'listen-peer-urls',
          'peer traffic',
          'etcd-peer-http',
          'peer-cert-file',
          'peer-key-file',
          'peer-auto-tls',
        ],
      ] as const) {
        const setting = s.get(name);
        const urls = plainUrls(setting);
        if (urls.length > 0) {
          ctx.report({
            messageId: 'etcdHttp',
            data: { which, urls: urls.join(', ') },
            subject: s.ref,
            variant,
            zone: 'Master Data',
            evidence: [settingEvidence(setting, s)],
          });
          continue;
        }
        // https:// URLs need a certificate: without one (and without auto-tls) etcd cannot serve TLS there.
        const missing = [cert, key].filter((f) => !hasValue(s.get(f)));
        if (missing.length > 0 && parseBool(s.get(auto).value) !== true)
          ctx.report({
            messageId: 'etcdNoCert',
            data: { which, flags: missing.map((f) => `--${f}`).join(' and ') },
            subject: s.ref,
            variant,
            zone: 'Master Data',
            evidence: [settingEvidence(setting, s), ...missing.map((f) => settingEvidence(s.get(f), s))],
          });
      }
    });

    ctx.eachInstance('kubelet', { setting: 'read-only-port' }, (s) => {
      const port = s.get('read-only-port');
      if (port.value !== undefined && port.value.trim() !== '0')
        ctx.report({
          messageId: 'readOnlyPort',
          data: { node: s.node ?? s.ref.name, port: port.value },
          subject: s.ref,
          variant: 'kubelet-read-only-port',
          zone: 'Worker',
          evidence: [settingEvidence(port, s)],
        });
    });

    const controller =
      (
        component: 'kube-scheduler' | 'kube-controller-manager',
        variant: 'scheduler-insecure' | 'controller-manager-insecure',
      ) =>
      (s: ComponentSettings): void => {
        const zone: Zone = 'Master Components';
        // --port is the insecure HTTP port (10251 scheduler, 10252 controller manager) before its removal.
        const port = s.get('port');
        if (s.isSet('port') && port.value !== undefined && port.value.trim() !== '0')
          ctx.report({
            messageId: 'legacyPort',
            data: { component, port: port.value },
            subject: s.ref,
            variant,
            zone,
            evidence: [settingEvidence(port, s)],
          });
        const bind = s.get('bind-address');
        if (bind.value === undefined || !isLoopback(bind.value))
          ctx.report({
            messageId: 'allAddresses',
            data: { component, address: bind.value ?? 'unset (0.0.0.0)' },
            subject: s.ref,
            variant,
            zone,
            evidence: [settingEvidence(bind, s)],
          });
      };
    ctx.eachInstance(
      'kube-scheduler',
      { setting: 'bind-address' },
      controller('kube-scheduler', 'scheduler-insecure'),
    );
    ctx.eachInstance(
      'kube-controller-manager',
      { setting: 'bind-address' },
      controller('kube-controller-manager', 'controller-manager-insecure'),
    );

    // kube-proxy settings exist only when its DaemonSet or configuration was read; its absence is not a finding.
    for (const s of ctx.component('kube-proxy').visible) {
      ctx.examined(s.ref);
      const metrics = s.get('metrics-bind-address');
      if (metrics.value !== undefined && metrics.value.trim() !== '' && !isLoopback(hostOf(metrics.value)))
        ctx.report({
          messageId: 'proxyMetrics',
          data: { address: metrics.value },
          subject: s.ref,
          variant: 'kube-proxy-metrics',
          zone: 'Worker',
          evidence: [settingEvidence(metrics, s)],
        });
    }
  },
});
