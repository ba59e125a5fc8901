// Rule weak-tls: TLS versions, cipher suites, unverified or self-signed certificates on the cluster's boundaries.
import type { ComponentName, ComponentSettings } from '../../collect/settings/types.js';
import { defineRule } from '../framework/define-rule.js';
import { objectEvidence } from '../framework/evidence.js';
import { hasValue, parseBool, parseList, settingEvidence } from '../framework/setting-values.js';

/**
 * The strong set: TLS 1.3 suites and ECDHE (forward-secret) suites with AEAD or AES-CBC-SHA, as the CIS
 * Kubernetes Benchmark 1.10 lists them (1.2.29 / 4.2.13). Everything else is weak: 3DES and RC4, the suites
 * Kubernetes' own --tls-cipher-suites help marks insecure (the CBC-SHA256 ones), and RSA key exchange without
 * forward secrecy (TOB-K8S-037 found such suites accepted by the kubelet).
 */
export const STRONG_CIPHERS: ReadonlySet<string> = new Set([
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA',
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
]);

/**
 * The first minor version built with Go 1.23, whose default suites are all in the strong set (Go 1.22 dropped
 * RSA key exchange from the defaults, Go 1.23 dropped 3DES): https://go.dev/doc/go1.23#cryptotlspkgcryptotls
 */
const STRONG_DEFAULT_CIPHERS_SINCE = 32;

/** Minimum versions below TLS 1.2, in the spellings of Kubernetes components (VersionTLS10) and etcd (TLS1.0). */
const WEAK_MIN_VERSION = /^(VersionTLS1[01]|TLS1\.[01]|VersionSSL30)$/i;

/** Components serving TLS with Kubernetes' --tls-min-version / --tls-cipher-suites (etcd spells them differently). */
const SERVERS: readonly ComponentName[] = [
  'kube-apiserver',
  'kubelet',
  'kube-scheduler',
  'kube-controller-manager',
  'etcd',
];

/** Annotations through which cert-manager's CA injector fills a webhook's caBundle after it is applied. */
const CA_INJECTION = [
  'cert-manager.io/inject-ca-from',
  'cert-manager.io/inject-ca-from-secret',
  'cert-manager.io/inject-apiserver-ca',
];

export default defineRule({
  meta: {
    id: 'weak-tls',
    aliases: ['TOB-K8S-TM02', 'TOB-K8S-037', 'TOB-K8S-013'],
    sources: ['TOB-K8S-TM02', 'TOB-K8S-037', 'TOB-K8S-013'],
    tier: 'seed',
    inputs: {
      kinds: ['APIService', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'],
      settings: ['etcd', 'kube-apiserver'],
    },
    title: 'TLS is configured insecurely',
    description:
      'TLS is only as good as its weakest setting. The 2019 audit found insecure TLS defaults (TOB-K8S-TM02), ' +
      'weak cipher suites accepted by the kubelet (TOB-K8S-037) and certificate verification skipped ' +
      '(TOB-K8S-013). Here: minimum versions below TLS 1.2, cipher suites outside the strong set, ' +
      "kube-apiserver not verifying kubelets' serving certificates, self-signed serving certificates, etcd " +
      'auto-generated certificates, etcd trusting the cluster CA, aggregated APIs reached with ' +
      'insecureSkipTLSVerify and admission webhooks without a caBundle.',
    zone: 'API Server',
    stride: ['spoofing', 'information-disclosure', 'tampering'],
    likelihood: 'low',
    impact: 'high',
    variants: {
      'min-tls-version': { title: 'minimum TLS version below 1.2' },
      'cipher-suites': { title: 'cipher suites outside the strong set', impact: 'medium' },
      'kubelet-certificate-authority': {
        title: "kube-apiserver does not verify kubelets' serving certificates",
        likelihood: 'medium',
      },
      'serving-certificate': { title: 'no serving certificate configured (self-signed at start)' },
      'etcd-auto-tls': { title: 'etcd auto-generated self-signed certificates', likelihood: 'medium' },
      'etcd-shared-ca': { title: 'etcd trusts the cluster CA for client certificates' },
      'apiservice-skip-verify': {
        title: 'aggregated API reached with insecureSkipTLSVerify',
        likelihood: 'medium',
      },
      'webhook-no-ca-bundle': { title: 'admission webhook without a caBundle', impact: 'medium' },
    },
    detection:
      'Reads --tls-min-version and --tls-cipher-suites of kube-apiserver, the kubelets, kube-scheduler and ' +
      'kube-controller-manager, and etcd --tls-min-version/--cipher-suites; kube-apiserver ' +
      '--kubelet-certificate-authority, --tls-cert-file and --tls-private-key-file; etcd --auto-tls, ' +
      '--peer-auto-tls and --trusted-ca-file against kube-apiserver --client-ca-file; APIService ' +
      'spec.insecureSkipTLSVerify; webhook clientConfig.caBundle (unless cert-manager injects it). An unset ' +
      'minimum version fails only on Kubernetes older than 1.29, whose Go runtime still accepted TLS 1.0; unset ' +
      'cipher suites fail unless the cluster is known to run 1.32 or later (Go defaults without 3DES or RSA key ' +
      'exchange). The strong set is the CIS Benchmark 1.10 list: TLS 1.3 and ECDHE suites.',
    falsePositives:
      'A webhook whose caBundle another controller injects after apply (not cert-manager) shows as missing in ' +
      'manifests. Kubelet serving certificates signed by the cluster CA through serverTLSBootstrap still need ' +
      '--kubelet-certificate-authority on the API server to be verified.',
    remediation: {
      shortTerm:
        'Set --tls-min-version=VersionTLS12 and --tls-cipher-suites to the strong set on every component; give ' +
        'kube-apiserver --kubelet-certificate-authority and its own --tls-cert-file/--tls-private-key-file; turn ' +
        'off etcd --auto-tls/--peer-auto-tls; remove insecureSkipTLSVerify from APIServices and give them and every ' +
        'webhook a caBundle.',
      longTerm:
        'Run a separate CA for etcd, issue kubelet serving certificates from the cluster CA (serverTLSBootstrap ' +
        'with an approver), manage webhook certificates with cert-manager, and track TLS settings in the ' +
        'control-plane configuration under review.',
    },
    references: [
      'https://github.com/kubernetes/kubernetes/issues/81145',
      'https://github.com/kubernetes/kubernetes/issues/81119',
      'https://github.com/kubernetes/kubernetes/issues/81146',
      'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
      'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-tls-bootstrapping/',
      'https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#contacting-the-webhook',
      'https://etcd.io/docs/v3.5/op-guide/security/',
    ],
    messages: {
      minVersion: '{{component}} accepts TLS below 1.2 (--{{flag}}={{value}})',
      minVersionDefault:
        '{{component}} on Kubernetes 1.{{minor}} accepts TLS 1.0: --tls-min-version is unset and its Go runtime defaults to TLS 1.0',
      ciphers: '{{component}} allows cipher suites outside the strong set: {{weak}}',
      ciphersDefault: '{{component}} does not restrict its cipher suites (--{{flag}} is unset): {{why}}',
      kubeletCa:
        "kube-apiserver does not verify kubelets' serving certificates (--kubelet-certificate-authority is unset)",
      servingCert: '{{component}} has no {{flags}}: it serves a self-signed certificate generated at start',
      etcdAutoTls: 'etcd generates its own self-signed {{which}} certificates (--{{flag}}=true)',
      etcdSharedCa:
        'etcd trusts the cluster client CA ({{file}}) for client certificates: any client certificate the cluster CA signs reaches etcd',
      apiServiceSkip:
        'APIService {{name}} is reached without verifying its certificate (insecureSkipTLSVerify)',
      webhookNoCa:
        '{{kind}} {{name}} webhook {{webhook}} has no caBundle: its certificate is checked only against the system roots',
    },
  },
  check(ctx) {
    const inv = ctx.inventory;
    for (const component of SERVERS) {
      const etcd = component === 'etcd';
      const minFlag = 'tls-min-version';
      const cipherFlag = etcd ? 'cipher-suites' : 'tls-cipher-suites';
      ctx.eachInstance(component, { setting: minFlag, variant: 'min-tls-version' }, (s) => {
        const min = s.get(minFlag);
        if (min.value !== undefined && WEAK_MIN_VERSION.test(min.value.trim()))
          ctx.report({
            messageId: 'minVersion',
            data: { component, flag: minFlag, value: min.value },
            subject: s.ref,
            variant: 'min-tls-version',
            zone: zoneOf(component),
            evidence: [settingEvidence(min, s)],
          });
        else if (!hasValue(min) && !etcd && ctx.minorVersion !== undefined && ctx.minorVersion < 29)
          ctx.report({
            messageId: 'minVersionDefault',
            data: { component, minor: ctx.minorVersion },
            subject: s.ref,
            variant: 'min-tls-version',
            zone: zoneOf(component),
            evidence: [settingEvidence(min, s)],
          });
        const ciphers = s.get(cipherFlag);
        const weak = parseList(ciphers.value).filter((c) => !STRONG_CIPHERS.has(c));
        if (
          !hasValue(ciphers) &&
          (ctx.minorVersion === undefined || ctx.minorVersion < STRONG_DEFAULT_CIPHERS_SINCE)
        )
          ctx.report({
            messageId: 'ciphersDefault',
            data: {
              component,
              flag: cipherFlag,
              why:
                ctx.minorVersion === undefined
                  ? 'the cluster version is unknown, and before Kubernetes 1.32 the Go defaults include 3DES and RSA key exchange'
                  : `on Kubernetes 1.${ctx.minorVersion} the Go defaults include 3DES${ctx.minorVersion < 30 ? ' and RSA key exchange' : ''}`,
            },
            subject: s.ref,
            variant: 'cipher-suites',
            zone: zoneOf(component),
            evidence: [settingEvidence(ciphers, s)],
          });
        else if (weak.length > 0)
          ctx.report({
            messageId: 'ciphers',
            data: { component, weak: weak.join(', ') },
            subject: s.ref,
            variant: 'cipher-suites',
            zone: zoneOf(component),
            evidence: [settingEvidence(ciphers, s)],
          });
      });
    }

    ctx.eachInstance('kube-apiserver', { setting: 'kubelet-certificate-authority' }, (s) => {
      const ca = s.get('kubelet-certificate-authority');
      if (!hasValue(ca))
        ctx.report({
          messageId: 'kubeletCa',
          subject: s.ref,
          variant: 'kubelet-certificate-authority',
          zone: 'Worker',
          evidence: [settingEvidence(ca, s)],
        });
      servingCertificate(s, 'kube-apiserver', ['tls-cert-file', 'tls-private-key-file']);
    });

    const apiserverCas = new Set(
      ctx
        .component('kube-apiserver')
        .visible.map((s) => s.get('client-ca-file').value)
        .filter((v): v is string => v !== undefined && v !== ''),
    );
    ctx.eachInstance('etcd', { setting: 'auto-tls' }, (s) => {
      for (const [flag, which] of [
        ['auto-tls', 'client'],
        ['peer-auto-tls', 'peer'],
      ] as const) {
        const setting = s.get(flag);
        if (parseBool(setting.value) === true)
          ctx.report({
            messageId: 'etcdAutoTls',
            data: { which, flag },
            subject: s.ref,
            variant: 'etcd-auto-tls',
            zone: 'Master Data',
            evidence: [settingEvidence(setting, s)],
          });
      }
      const trusted = s.get('trusted-ca-file');
      if (trusted.value !== undefined && apiserverCas.has(trusted.value))
        ctx.report({
          messageId: 'etcdSharedCa',
          data: { file: trusted.value },
          subject: s.ref,
          variant: 'etcd-shared-ca',
          zone: 'Master Data',
          evidence: [
            settingEvidence(trusted, s),
            ...ctx
              .component('kube-apiserver')
              .visible.filter((a) => a.get('client-ca-file').value === trusted.value)
              .map((a) => settingEvidence(a.get('client-ca-file'), a)),
          ],
        });
    });

    for (const item of inv.ofKind('APIService')) {
      const o = item.object;
      const name = o.metadata?.name ?? '';
      const ref = { kind: 'APIService', name };
      ctx.examined(ref);
      if (o.spec?.insecureSkipTLSVerify === true && o.spec.service != null)
        ctx.report({
          messageId: 'apiServiceSkip',
          data: { name },
          subject: ref,
          variant: 'apiservice-skip-verify',
          evidence: [objectEvidence(item, 'spec.insecureSkipTLSVerify', 'true')],
        });
    }

    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'] as const) {
      for (const item of inv.ofKind(kind)) {
        const o = item.object;
        const name = o.metadata?.name ?? '';
        const ref = { kind, name };
        ctx.examined(ref);
        const annotations = o.metadata?.annotations ?? {};
        if (CA_INJECTION.some((a) => a in annotations)) continue;
        (o.webhooks ?? []).forEach((w, i) => {
          const bundle = w.clientConfig.caBundle;
          if (typeof bundle === 'string' && bundle.trim() !== '') return;
          ctx.report({
            messageId: 'webhookNoCa',
            data: { kind, name, webhook: w.name },
            subject: ref,
            variant: 'webhook-no-ca-bundle',
            evidence: [objectEvidence(item, `webhooks[${i}].clientConfig.caBundle`, '(unset)')],
          });
        });
      }
    }

    function servingCertificate(s: ComponentSettings, component: string, flags: readonly string[]): void {
      const missing = flags.filter((f) => !hasValue(s.get(f)));
      if (missing.length === 0) return;
      ctx.report({
        messageId: 'servingCert',
        data: { component, flags: missing.map((f) => `--${f}`).join(' or ') },
        subject: s.ref,
        variant: 'serving-certificate',
        evidence: missing.map((f) => settingEvidence(s.get(f), s)),
      });
    }
  },
});

function zoneOf(component: ComponentName) {
  switch (component) {
    case 'etcd':
      return 'Master Data' as const;
    case 'kubelet':
    case 'kube-proxy':
      return 'Worker' as const;
    case 'kube-apiserver':
      return 'API Server' as const;
    default:
      return 'Master Components' as const;
  }
}
