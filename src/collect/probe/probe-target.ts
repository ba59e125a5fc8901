// Probes one target, read-only: plain HTTP, TLS versions, weak ciphers, the certificate, mutual TLS, anonymous requests.
import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { plainRequest } from './plain-http.js';
import { attemptTls, type TlsAttemptOutcome } from './tls-connect.js';
import {
  TLS_VERSIONS,
  type AnonymousRequest,
  type CertificateFacts,
  type ProbeResult,
  type ProbeTarget,
  type ProbeTargetKind,
  type TlsAttempt,
  type TlsVersion,
  type WeakCipherResult,
} from './types.js';

export interface ProbeOptions {
  /** Per connection attempt. */
  readonly timeoutMs: number;
  /** Per target, over all its attempts: checks left when it runs out are not made (and said so). */
  readonly targetTimeoutMs: number;
  /** CA certificates (PEM) the servers' chains are checked against (--ca). */
  readonly ca?: readonly X509Certificate[];
  /** OpenSSL security level for the client (0 lets it offer TLS 1.0/1.1 and legacy suites). */
  readonly securityLevel: number;
  /** Called before every connection: the run's rate limit. */
  readonly beforeConnect: () => Promise<void>;
  readonly now: Date;
}

/** Weak suites, one OpenSSL cipher class each (TLS 1.2 and below; TLS 1.3 has none). */
export const WEAK_CIPHER_CLASSES: readonly { readonly name: string; readonly ciphers: string }[] = [
  { name: 'NULL encryption', ciphers: 'eNULL' },
  { name: 'anonymous key exchange (no server authentication)', ciphers: 'aNULL' },
  { name: 'export-grade', ciphers: 'EXPORT' },
  { name: 'RC4', ciphers: 'RC4' },
  { name: 'DES or 3DES', ciphers: 'DES:3DES' },
  { name: 'static RSA key exchange (no forward secrecy)', ciphers: 'kRSA' },
];

interface Request {
  readonly label: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string;
}

const GET = (path: string): Request => ({ label: `GET ${path}`, method: 'GET', path });
/** A count-only range over the whole keyspace: a read that returns a number, never a key or a value. */
const ETCD_RANGE: Request = {
  label: 'POST /v3/kv/range (count only, read-only)',
  method: 'POST',
  path: '/v3/kv/range',
  body: JSON.stringify({ key: 'AA==', range_end: 'AA==', count_only: true }),
};

/** The anonymous requests sent to each kind of target: reads only, never a write and never an exec. */
export const ANONYMOUS_REQUESTS: Readonly<Record<ProbeTargetKind, readonly Request[]>> = {
  'kube-apiserver': [GET('/api')],
  'etcd-client': [GET('/version'), ETCD_RANGE],
  'etcd-peer': [GET('/version')],
  kubelet: [GET('/pods')],
  'kubelet-read-only': [GET('/pods')],
  'kube-scheduler': [GET('/metrics')],
  'kube-controller-manager': [GET('/metrics')],
  'kube-proxy-metrics': [GET('/metrics')],
  'kube-proxy-health': [GET('/healthz')],
  webhook: [GET('/')],
  'aggregated-api': [GET('/apis')],
  'node-port': [GET('/')],
  unknown: [GET('/version')],
};

function requestText(target: ProbeTarget, r: Request): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  const lines = [
    `${r.method} ${r.path} HTTP/1.1`,
    `Host: ${host}:${target.port}`,
    'User-Agent: ktm-probe (read-only)',
    'Accept: application/json',
    'Connection: close',
  ];
  if (r.body !== undefined)
    lines.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(r.body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${r.body ?? ''}`;
}

/** Which server answered a `GET /version` on an unknown target (to choose its further reads). */
export function identify(response: string | undefined): ProbeTargetKind | undefined {
  if (response === undefined) return undefined;
  if (/"etcdserver"\s*:/.test(response)) return 'etcd-client';
  if (/"gitVersion"\s*:/.test(response) && /"major"\s*:/.test(response)) return 'kube-apiserver';
  return undefined;
}

export async function probeTarget(target: ProbeTarget, o: ProbeOptions): Promise<ProbeResult> {
  const limits: string[] = [];
  const deadline = Date.now() + o.targetTimeoutMs;
  let outOfTime = false;
  /** One TLS attempt within the target's time budget; undefined once the budget is spent. */
  const attempt = async (
    minVersion: tls.SecureVersion,
    maxVersion: tls.SecureVersion,
    ciphers: string,
    request?: string,
  ): Promise<TlsAttemptOutcome | undefined> => {
    await o.beforeConnect();
    const left = deadline - Date.now();
    if (left <= 0) {
      if (!outOfTime)
        limits.push(
          `the per-target time limit (${o.targetTimeoutMs} ms) ran out: the remaining checks were not made`,
        );
      outOfTime = true;
      return undefined;
    }
    return attemptTls({
      host: target.host,
      port: target.port,
      ...(target.serverName === undefined ? {} : { serverName: target.serverName }),
      minVersion,
      maxVersion,
      ciphers,
      securityLevel: o.securityLevel,
      timeoutMs: Math.min(o.timeoutMs, left),
      ...(request === undefined ? {} : { request }),
    });
  };

  await o.beforeConnect();
  const plain = await plainRequest(target.host, target.port, requestText(target, GET('/')), o.timeoutMs);
  if (!plain.connected) {
    return {
      target,
      reachable: false,
      error: plain.error ?? 'no connection',
      plainHttp: { spoken: false, detail: 'not reachable' },
      tls: {
        spoken: false,
        versions: { TLSv1: 'untested', 'TLSv1.1': 'untested', 'TLSv1.2': 'untested', 'TLSv1.3': 'untested' },
        weakCiphers: [],
        clientCertificate: 'unknown',
        clientCertificateDetail: 'not reachable',
      },
      anonymous: [],
      limits: [],
    };
  }
  const plainSpoken = plain.status !== undefined && !plain.tlsRequired;
  const plainHttp = {
    spoken: plainSpoken,
    ...(plain.status === undefined ? {} : { status: plain.status }),
    detail: plainSpoken
      ? `answered plain HTTP (status ${plain.status})`
      : plain.tlsRequired
        ? 'refused plain HTTP: answered that TLS is required'
        : plain.answered
          ? 'answered, but not with HTTP'
          : 'no answer to plain HTTP',
  };

  // TLS versions, one at a time, with every suite this client has at security level 0.
  const versions = {} as Record<TlsVersion, TlsAttempt>;
  const outcomes = new Map<TlsVersion, TlsAttemptOutcome>();
  for (const v of TLS_VERSIONS) {
    const out = await attempt(v, v, 'ALL');
    if (out === undefined) {
      versions[v] = 'untested';
      continue;
    }
    outcomes.set(v, out);
    if (out.helloSeen) versions[v] = 'accepted';
    else if (out.clientSide) {
      versions[v] = 'untested';
      limits.push(
        `${v}: this client could not test it (${out.errorMessage ?? out.errorCode ?? 'refused locally'})`,
      );
    } else if (out.timedOut) {
      // Silence is not a refusal: a slow or overloaded server may accept the version.
      versions[v] = 'untested';
      limits.push(`${v}: no answer within the timeout`);
    } else versions[v] = 'refused';
  }
  const accepted = TLS_VERSIONS.filter((v) => versions[v] === 'accepted');
  const tlsSpoken = accepted.length > 0;
  const best = accepted[accepted.length - 1];
  const bestOutcome = best === undefined ? undefined : outcomes.get(best);

  const weakCiphers: WeakCipherResult[] = [];
  const below13 = accepted.filter((v) => v !== 'TLSv1.3');
  if (tlsSpoken) {
    for (const w of WEAK_CIPHER_CLASSES) {
      if (below13.length === 0) {
        weakCiphers.push({
          name: w.name,
          offered: w.ciphers,
          result: 'refused',
          note: 'the server speaks only TLS 1.3',
        });
        continue;
      }
      const out = await attempt(below13[0]!, below13[below13.length - 1]!, w.ciphers);
      if (out === undefined)
        weakCiphers.push({ name: w.name, offered: w.ciphers, result: 'untested', note: 'out of time' });
      else if (out.helloSeen)
        weakCiphers.push({
          name: w.name,
          offered: w.ciphers,
          result: 'accepted',
          ...(out.cipher ? { negotiated: out.cipher } : {}),
        });
      else if (out.clientSide) {
        weakCiphers.push({
          name: w.name,
          offered: w.ciphers,
          result: 'untested',
          note: out.errorMessage ?? 'refused locally',
        });
        limits.push(
          `${w.name} suites: this client could not offer them (${out.errorMessage ?? out.errorCode ?? 'refused locally'})`,
        );
      } else if (out.timedOut)
        weakCiphers.push({ name: w.name, offered: w.ciphers, result: 'untested', note: 'no answer in time' });
      else weakCiphers.push({ name: w.name, offered: w.ciphers, result: 'refused' });
    }
  }

  // Anonymous reads, over TLS when it is spoken (without a client certificate), else over plain HTTP.
  const anonymous: AnonymousRequest[] = [];
  let clientCertificate: 'required' | 'not-required' | 'unknown' = 'unknown';
  let clientCertificateDetail = tlsSpoken ? 'no request was answered or refused' : 'TLS not spoken';
  let kind = target.kind;
  const requests = [...ANONYMOUS_REQUESTS[kind]];
  let certSource = bestOutcome;
  for (let i = 0; i < requests.length; i++) {
    const r = requests[i]!;
    const text = requestText(target, r);
    let status: number | undefined;
    let response: string | undefined;
    let note: string | undefined;
    if (tlsSpoken && best !== undefined) {
      const out = await attempt(best, best, 'ALL', text);
      if (out === undefined) break;
      if (out.chain !== undefined) certSource = out;
      status = out.httpStatus;
      response = out.response;
      if (out.clientCertAlert !== undefined) {
        clientCertificate = 'required';
        clientCertificateDetail = `the server ended the connection without a client certificate (TLS alert ${out.clientCertAlert})`;
        note = 'refused: a client certificate is required';
      } else if (status !== undefined && clientCertificate !== 'required') {
        clientCertificate = 'not-required';
        clientCertificateDetail = `answered ${r.label} without a client certificate (status ${status})`;
      } else if (status === undefined)
        note = out.timedOut ? 'timed out' : (out.errorMessage ?? 'no HTTP answer');
    } else if (plainSpoken) {
      await o.beforeConnect();
      const ans = await plainRequest(target.host, target.port, text, o.timeoutMs);
      status = ans.status;
      response = ans.response;
      if (status === undefined) note = ans.error ?? 'no HTTP answer';
    } else break;
    anonymous.push({
      request: r.label,
      scheme: tlsSpoken ? 'https' : 'http',
      ...(status === undefined ? {} : { status }),
      allowed: status !== undefined && status >= 200 && status < 300,
      ...(note === undefined ? {} : { note }),
    });
    // An explicit target of unknown kind: recognise the server from /version and send its reads too.
    if (kind === 'unknown' && i === 0) {
      const known = identify(response);
      if (known !== undefined) {
        kind = known;
        requests.push(...ANONYMOUS_REQUESTS[known].filter((x) => x.label !== r.label));
      } else requests.push(GET('/metrics'));
    }
  }

  const certificate =
    certSource?.chain === undefined ? undefined : certificateFacts(certSource.chain, target, o);
  return {
    target: kind === target.kind ? target : { ...target, kind },
    reachable: true,
    plainHttp,
    tls: {
      spoken: tlsSpoken,
      versions,
      weakCiphers,
      ...(certificate === undefined ? {} : { certificate }),
      clientCertificate,
      clientCertificateDetail,
    },
    anonymous,
    limits,
  };
}

function certificateFacts(
  chain: tls.DetailedPeerCertificate,
  target: ProbeTarget,
  o: ProbeOptions,
): CertificateFacts {
  const name = target.serverName ?? target.host;
  const leaf = new X509Certificate(chain.raw);
  const notAfter = new Date(leaf.validTo);
  const notBefore = new Date(leaf.validFrom);
  const selfSigned = leaf.checkIssued(leaf) && leaf.verify(leaf.publicKey);
  const nameMatches = tls.checkServerIdentity(name.replace(/^\[|\]$/g, ''), chain) === undefined;
  const chainsToCa = o.ca === undefined ? undefined : chainsTo(chain, o.ca);
  return {
    subject: leaf.subject.replace(/\n/g, ', '),
    issuer: leaf.issuer.replace(/\n/g, ', '),
    notAfter: notAfter.toISOString(),
    expired: notAfter.getTime() < o.now.getTime() || notBefore.getTime() > o.now.getTime(),
    selfSigned,
    nameMatches,
    nameChecked: name,
    ...(chainsToCa === undefined ? {} : { chainsToCa }),
    ...(chainsToCa === false
      ? { chainError: 'no certificate in the presented chain is signed by the given CA' }
      : {}),
  };
}

/** Walks the presented chain from the leaf: true when a link is issued (and signed) by one of the CA certificates. */
function chainsTo(chain: tls.DetailedPeerCertificate, cas: readonly X509Certificate[]): boolean {
  let current: tls.DetailedPeerCertificate | undefined = chain;
  const seen = new Set<string>();
  while (current !== undefined && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    const cert = new X509Certificate(current.raw);
    if (cas.some((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey))) return true;
    const issuer: tls.DetailedPeerCertificate | undefined = current.issuerCertificate;
    if (issuer === undefined || issuer.raw === undefined) return false;
    const parent = new X509Certificate(issuer.raw);
    if (!(cert.checkIssued(parent) && cert.verify(parent.publicKey))) return false;
    current = issuer;
  }
  return false;
}
