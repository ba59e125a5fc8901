// Rule mutual-tls-missing: kube-apiserver ↔ etcd and kube-apiserver → kubelet are not mutually authenticated.
import { defineRule } from '../framework/define-rule.js';
import { hasValue, parseBool, settingEvidence } from '../framework/setting-values.js';

export default defineRule({
  meta: {
    id: 'mutual-tls-missing',
    aliases: ['TOB-K8S-TM10', 'TOB-K8S-034'],
    sources: ['TOB-K8S-TM10', 'TOB-K8S-034'],
    tier: 'core',
    inputs: { kinds: [], settings: ['etcd', 'kube-apiserver'] },
    title: 'A control-plane connection is not mutually authenticated',
    description:
      'Mutual TLS is not the default (TOB-K8S-TM10) and several HTTPS connections were found unauthenticated ' +
      '(TOB-K8S-034). etcd holds the whole cluster state: when it does not require client certificates, anyone ' +
      'who reaches port 2379 reads every Secret and rewrites any object; when kube-apiserver does not verify ' +
      "etcd's certificate, an attacker in the path impersonates etcd. Without a kubelet client certificate the " +
      "kubelets cannot authenticate the API server's exec, logs and port-forward requests.",
    zone: 'Master Data',
    stride: ['spoofing', 'tampering', 'information-disclosure'],
    likelihood: 'low',
    impact: 'high',
    variants: {
      'apiserver-etcd-client-cert': { title: 'kube-apiserver presents no client certificate to etcd' },
      'apiserver-etcd-ca': { title: "kube-apiserver does not verify etcd's certificate" },
      'etcd-client-cert-auth': { title: 'etcd does not require client certificates', likelihood: 'medium' },
      'etcd-peer-client-cert-auth': { title: 'etcd peers do not require client certificates' },
      'apiserver-kubelet-client-cert': { title: 'kube-apiserver presents no client certificate to kubelets' },
    },
    detection:
      'Reads kube-apiserver --etcd-certfile, --etcd-keyfile, --etcd-cafile, --kubelet-client-certificate and ' +
      '--kubelet-client-key, and etcd --client-cert-auth and --peer-client-cert-auth (both false by default). ' +
      'Unverifiable when the settings were not collected or the control plane is managed.',
    falsePositives:
      'A single-member etcd reached only over a unix socket or loopback by its own API server makes the peer ' +
      'variant moot (it is still reported: adding a member later inherits the setting).',
    remediation: {
      shortTerm:
        'Give kube-apiserver --etcd-certfile/--etcd-keyfile/--etcd-cafile and --kubelet-client-certificate/' +
        '--kubelet-client-key; start etcd with --client-cert-auth=true, --trusted-ca-file, ' +
        '--peer-client-cert-auth=true and --peer-trusted-ca-file.',
      longTerm:
        "Use a dedicated etcd CA that signs only the API server's client certificate and the etcd members, " +
        'rotate these certificates automatically, and firewall etcd to the control-plane nodes.',
    },
    references: [
      'https://github.com/kubernetes/kubernetes/issues/81112',
      'https://github.com/kubernetes/kubernetes/issues/81146',
      'https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/#securing-etcd-clusters',
      'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/',
      'https://etcd.io/docs/v3.5/op-guide/security/',
    ],
    messages: {
      apiserverFlagMissing: 'kube-apiserver is started without {{flags}}: {{consequence}}',
      etcdNoClientAuth: 'etcd does not require {{which}} certificates (--{{flag}}={{value}})',
    },
  },
  check(ctx) {
    ctx.eachInstance('kube-apiserver', { setting: 'etcd-certfile' }, (s) => {
      const missing = (names: readonly string[]) =>
        names.filter((n) => !hasValue(s.get(n))).map((n) => `--${n}`);
      const cases = [
        {
          names: ['etcd-certfile', 'etcd-keyfile'],
          variant: 'apiserver-etcd-client-cert',
          consequence: 'etcd cannot authenticate it',
          zone: 'Master Data',
        },
        {
          names: ['etcd-cafile'],
          variant: 'apiserver-etcd-ca',
          consequence: "it does not verify etcd's certificate against a CA of its own",
          zone: 'Master Data',
        },
        {
          names: ['kubelet-client-certificate', 'kubelet-client-key'],
          variant: 'apiserver-kubelet-client-cert',
          consequence: 'kubelets cannot authenticate its exec, logs and port-forward requests',
          zone: 'Worker',
        },
      ] as const;
      for (const c of cases) {
        const flags = missing(c.names);
        if (flags.length === 0) continue;
        ctx.report({
          messageId: 'apiserverFlagMissing',
          data: { flags: flags.join(' and '), consequence: c.consequence },
          subject: s.ref,
          variant: c.variant,
          zone: c.zone,
          evidence: c.names.map((n) => settingEvidence(s.get(n), s)),
        });
      }
    });

    ctx.eachInstance('etcd', { setting: 'client-cert-auth' }, (s) => {
      for (const [flag, which, variant] of [
        ['client-cert-auth', 'client', 'etcd-client-cert-auth'],
        ['peer-client-cert-auth', 'peer', 'etcd-peer-client-cert-auth'],
      ] as const) {
        const setting = s.get(flag);
        if (parseBool(setting.value) === true) continue;
        ctx.report({
          messageId: 'etcdNoClientAuth',
          data: { which, flag, value: setting.value ?? 'unset' },
          subject: s.ref,
          variant,
          evidence: [settingEvidence(setting, s)],
        });
      }
    });
  },
});
