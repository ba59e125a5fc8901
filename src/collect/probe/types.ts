// Probe targets and what a probe observed on them: plain HTTP, TLS versions and ciphers, certificate, mutual TLS, anonymous access.

/** What a target is, which decides the anonymous (read-only) requests sent to it. */
export const PROBE_TARGET_KINDS = [
  'kube-apiserver',
  'etcd-client',
  'etcd-peer',
  'kubelet',
  'kubelet-read-only',
  'kube-scheduler',
  'kube-controller-manager',
  'kube-proxy-metrics',
  'kube-proxy-health',
  'webhook',
  'aggregated-api',
  'node-port',
  'unknown',
] as const;
export type ProbeTargetKind = (typeof PROBE_TARGET_KINDS)[number];

export interface ProbeTarget {
  /** Stable id: `component:port` for model endpoints (`etcd:cp-1:2379`), `HOST:PORT` for --target. */
  readonly id: string;
  readonly kind: ProbeTargetKind;
  readonly host: string;
  readonly port: number;
  /** The name the certificate should carry (the node or Service name), when known; else the host. */
  readonly serverName?: string;
  /** The model component and its endpoint port, for targets planned from the model. */
  readonly component?: string;
  readonly endpointPort?: number;
  readonly purpose?: string;
}

/** A model endpoint that will not be probed, and why (bound to loopback, no address, not in the probe map). */
export interface SkippedTarget {
  readonly id: string;
  readonly reason: string;
}

export const TLS_VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
export type TlsVersion = (typeof TLS_VERSIONS)[number];

/** accepted / refused by the server; untested when this client's TLS library could not offer the version or cipher. */
export type TlsAttempt = 'accepted' | 'refused' | 'untested';

export interface WeakCipherResult {
  /** e.g. `static RSA key exchange (no forward secrecy)`. */
  readonly name: string;
  /** The OpenSSL cipher string offered. */
  readonly offered: string;
  readonly result: TlsAttempt;
  /** The suite the server chose, when accepted. */
  readonly negotiated?: string;
  readonly note?: string;
}

export interface CertificateFacts {
  readonly subject: string;
  readonly issuer: string;
  readonly notAfter: string;
  readonly expired: boolean;
  readonly selfSigned: boolean;
  /** Whether the name checked (serverName or host) is in the certificate. */
  readonly nameMatches: boolean;
  readonly nameChecked: string;
  /** Chains to the CA given with --ca; undefined when no CA was given. */
  readonly chainsToCa?: boolean;
  /** OpenSSL's reason when it does not chain (e.g. UNABLE_TO_VERIFY_LEAF_SIGNATURE). */
  readonly chainError?: string;
}

export interface AnonymousRequest {
  /** e.g. `GET /api`, `POST /v3/kv/range (count only)`. */
  readonly request: string;
  readonly scheme: 'http' | 'https';
  /** HTTP status, or undefined when no HTTP answer came (closed, reset, timed out). */
  readonly status?: number;
  /** 2xx: the request succeeded without credentials. */
  readonly allowed: boolean;
  readonly note?: string;
}

export interface TlsFacts {
  /** A TLS handshake completed (or got past the server's hello) with some version. */
  readonly spoken: boolean;
  readonly versions: Readonly<Record<TlsVersion, TlsAttempt>>;
  readonly weakCiphers: readonly WeakCipherResult[];
  readonly certificate?: CertificateFacts;
  /** required: the server ended the handshake for want of a client certificate. */
  readonly clientCertificate: 'required' | 'not-required' | 'unknown';
  readonly clientCertificateDetail: string;
}

export interface ProbeResult {
  readonly target: ProbeTarget;
  /** A TCP connection was accepted. */
  readonly reachable: boolean;
  readonly error?: string;
  readonly plainHttp: { readonly spoken: boolean; readonly status?: number; readonly detail: string };
  readonly tls: TlsFacts;
  readonly anonymous: readonly AnonymousRequest[];
  /** Things this client could not test (a TLS version or cipher its OpenSSL refuses to offer). */
  readonly limits: readonly string[];
}

export interface ProbeRun {
  readonly results: readonly ProbeResult[];
  readonly skipped: readonly SkippedTarget[];
  /** Whether the certificates were checked against a CA (--ca). */
  readonly caGiven: boolean;
}
