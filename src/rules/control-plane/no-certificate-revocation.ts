// Rule no-certificate-revocation: long-lived credentials that cannot be revoked once stolen.
import { Buffer } from 'node:buffer';
import { featureGateEnabled } from '../../collect/settings/derive-settings.js';
import { defineRule } from '../framework/define-rule.js';
import { objectEvidence } from '../framework/evidence.js';
import { hasValue, parseBool, settingEvidence } from '../framework/setting-values.js';

/** Client certificates signed for this signer authenticate to kube-apiserver. */
const CLIENT_SIGNERS = new Set(['kubernetes.io/kube-apiserver-client', 'kubernetes.io/legacy-unknown']);
/** A year: longer-lived client certificates outlast any reasonable offboarding. */
const MAX_CLIENT_CERT_SECONDS = 365 * 24 * 3600;

/** Whether a PKCS#10 request (base64 of PEM, as in spec.request) names the group system:masters in its subject. */
function requestsSystemMasters(request: string | undefined): boolean {
  if (request === undefined) return false;
  // Buffer.from(…, 'base64') skips characters outside the alphabet instead of throwing: nothing here throws.
  const pem = Buffer.from(request, 'base64').toString('latin1');
  const body = pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, '');
  const der = Buffer.from(body, 'base64');
  // The organisation (O=) is stored as a plain string inside the DER: a byte search finds it.
  return der.includes('system:masters', 0, 'latin1');
}

export default defineRule({
  meta: {
    id: 'no-certificate-revocation',
    aliases: ['TOB-K8S-028', 'TOB-K8S-TM15'],
    sources: ['TOB-K8S-028', 'TOB-K8S-TM15', 'TOB-K8S-036'],
    tier: 'seed',
    inputs: { kinds: ['CertificateSigningRequest', 'Secret'], settings: ['kube-apiserver', 'kubelet'] },
    title: 'Compromised client certificates cannot be revoked',
    description:
      'Kubernetes has no certificate revocation (TOB-K8S-028): a stolen client certificate stays valid until it ' +
      'expires, and one issued for system:masters cannot even be disarmed through RBAC. Bootstrap credentials ' +
      'are long-lived and not removed by default (TOB-K8S-TM15), and legacy service-account token Secrets never ' +
      'expire (TOB-K8S-036). Short-lived, rotated credentials and an external identity provider limit what a ' +
      'stolen credential is worth.',
    zone: 'API Server',
    stride: ['spoofing', 'elevation-of-privilege'],
    likelihood: 'low',
    impact: 'high',
    variants: {
      'client-certificates': {
        title: 'client-certificate authentication enabled (no revocation list)',
        impact: 'medium',
      },
      'privileged-csr': {
        title: 'approved client certificate request for system:masters',
        likelihood: 'medium',
      },
      'long-lived-csr': { title: 'approved client certificate valid for more than a year', impact: 'medium' },
      'legacy-token-secret': {
        title: 'non-expiring service-account token Secret',
        likelihood: 'medium',
        impact: 'medium',
      },
      'bootstrap-token': { title: 'bootstrap token Secret present', impact: 'medium' },
      'extend-token-expiration': {
        title: 'service-account token expiration extended to a year',
        impact: 'medium',
      },
      'kubelet-rotation': { title: 'kubelet certificate rotation disabled', impact: 'medium' },
    },
    detection:
      'Reads kube-apiserver --client-ca-file and --service-account-extend-token-expiration (default true); ' +
      'approved CertificateSigningRequests for the kube-apiserver-client signer whose request names ' +
      'system:masters or whose expirationSeconds exceeds a year; Secrets of type ' +
      'kubernetes.io/service-account-token and bootstrap.kubernetes.io/token (metadata only: a bootstrap ' +
      "token's expiry is in its data, which ktm never reads, so it is unverifiable); the kubelet's " +
      "rotate-certificates and kube-controller-manager's RotateKubeletServerCertificate feature gate.",
    falsePositives:
      'Every kubeadm cluster authenticates its own components and break-glass admin with client certificates; ' +
      'the client-certificates variant then says that these must be short-lived and guarded, not that the ' +
      'cluster is misconfigured. Legacy token Secrets created on purpose for an external system are better ' +
      'replaced by TokenRequest, or accepted with an exception naming their owner.',
    remediation: {
      shortTerm:
        'Delete legacy token Secrets and used bootstrap tokens; deny approval of system:masters CSRs; set ' +
        '--service-account-extend-token-expiration=false; enable kubelet rotateCertificates and serverTLSBootstrap. ' +
        'If a client certificate leaked, rotate the issuing CA: nothing else revokes it.',
      longTerm:
        'Authenticate people through an OIDC identity provider (or the structured AuthenticationConfiguration) ' +
        'with short-lived tokens, keep client certificates for components only and short-lived, keep ' +
        'system:masters certificates offline for break-glass use, and use projected, bound service-account tokens.',
    },
    references: [
      'https://github.com/kubernetes/kubernetes/issues/81111',
      'https://github.com/kubernetes/kubernetes/issues/81136',
      'https://github.com/kubernetes/kubernetes/issues/81146',
      'https://kubernetes.io/docs/reference/access-authn-authz/authentication/#x509-client-certificates',
      'https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/',
      'https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#legacy-serviceaccount-token-cleaner',
      'https://kubernetes.io/docs/tasks/tls/certificate-rotation/',
    ],
    messages: {
      clientCerts:
        'kube-apiserver accepts client certificates signed by {{file}}; a stolen one stays valid until it expires',
      privilegedCsr:
        'CertificateSigningRequest {{name}} was approved for a system:masters client certificate',
      longLivedCsr: 'CertificateSigningRequest {{name}} was approved for {{days}} days',
      legacyToken: 'Secret {{name}} is a legacy service-account token that never expires',
      bootstrapToken:
        'bootstrap token Secret {{name}}: its expiry is not visible without reading Secret data; check `kubeadm token list`',
      extendExpiration:
        'kube-apiserver extends service-account token expiration to a year (--service-account-extend-token-expiration={{value}})',
      kubeletRotation:
        'the kubelet on {{node}} does not rotate its client certificate (rotate-certificates={{value}})',
      serverCertGate:
        'kube-controller-manager disables the RotateKubeletServerCertificate feature gate: kubelet serving certificates are not rotated',
    },
  },
  check(ctx) {
    const inv = ctx.inventory;
    ctx.eachInstance('kube-apiserver', { setting: 'client-ca-file' }, (s) => {
      const ca = s.get('client-ca-file');
      if (hasValue(ca))
        ctx.report({
          messageId: 'clientCerts',
          data: { file: ca.value ?? '' },
          subject: s.ref,
          variant: 'client-certificates',
          evidence: [settingEvidence(ca, s)],
        });
      const extend = s.get('service-account-extend-token-expiration');
      if (parseBool(extend.value) === true)
        ctx.report({
          messageId: 'extendExpiration',
          data: { value: extend.value ?? 'true' },
          subject: s.ref,
          variant: 'extend-token-expiration',
          evidence: [settingEvidence(extend, s)],
        });
    });

    for (const item of inv.ofKind('CertificateSigningRequest')) {
      const csr = item.object;
      const name = csr.metadata?.name ?? '';
      const ref = { kind: 'CertificateSigningRequest', name };
      ctx.examined(ref);
      const approved = (csr.status?.conditions ?? []).some(
        (c) => c.type === 'Approved' && c.status !== 'False',
      );
      if (!approved || !CLIENT_SIGNERS.has(csr.spec.signerName)) continue;
      if (requestsSystemMasters(csr.spec.request))
        ctx.report({
          messageId: 'privilegedCsr',
          data: { name },
          subject: ref,
          variant: 'privileged-csr',
          evidence: [objectEvidence(item, 'spec.request', 'subject O=system:masters')],
        });
      const seconds = csr.spec.expirationSeconds;
      if (seconds !== undefined && seconds > MAX_CLIENT_CERT_SECONDS)
        ctx.report({
          messageId: 'longLivedCsr',
          data: { name, days: Math.round(seconds / 86400) },
          subject: ref,
          variant: 'long-lived-csr',
          evidence: [objectEvidence(item, 'spec.expirationSeconds', String(seconds))],
        });
    }

    for (const item of inv.ofKind('Secret')) {
      const secret = item.object;
      const ns = secret.metadata?.namespace ?? '';
      const name = secret.metadata?.name ?? '';
      const ref = { kind: 'Secret', namespace: ns, name };
      if (secret.type === 'kubernetes.io/service-account-token') {
        ctx.examined(ref);
        ctx.report({
          messageId: 'legacyToken',
          data: { name: `${ns}/${name}` },
          subject: ref,
          variant: 'legacy-token-secret',
          evidence: [objectEvidence(item, 'type', secret.type)],
        });
      } else if (secret.type === 'bootstrap.kubernetes.io/token') {
        ctx.report({
          messageId: 'bootstrapToken',
          data: { name: `${ns}/${name}` },
          subject: ref,
          variant: 'bootstrap-token',
          status: 'unverifiable',
          missing:
            "a bootstrap token's expiration is in the Secret's data, which ktm never reads: run `kubeadm token list` and delete used tokens",
          evidence: [objectEvidence(item, 'type', secret.type)],
        });
      }
    }

    ctx.eachInstance('kubelet', { setting: 'rotate-certificates', variant: 'kubelet-rotation' }, (s) => {
      const rotate = s.get('rotate-certificates');
      if (parseBool(rotate.value) !== true)
        ctx.report({
          messageId: 'kubeletRotation',
          data: { node: s.node ?? s.ref.name, value: rotate.value ?? 'unset' },
          subject: s.ref,
          variant: 'kubelet-rotation',
          zone: 'Worker',
          evidence: [settingEvidence(rotate, s)],
        });
    });
    for (const s of ctx.component('kube-controller-manager').visible) {
      if (featureGateEnabled(s, 'RotateKubeletServerCertificate') !== false) continue;
      ctx.report({
        messageId: 'serverCertGate',
        subject: s.ref,
        variant: 'kubelet-rotation',
        zone: 'Master Components',
        evidence: [settingEvidence(s.get('feature-gates'), s)],
      });
    }
  },
});
