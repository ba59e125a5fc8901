// One TLS connection attempt, read-only: how far the handshake got, the server's certificate chain, an optional HTTP answer.
import tls from 'node:tls';
import net from 'node:net';

/** OpenSSL errors raised by this client before or instead of finishing a handshake the server may have accepted. */
const CLIENT_SIDE_ERRORS = new Set([
  'ERR_SSL_NO_PROTOCOLS_AVAILABLE',
  'ERR_SSL_NO_CIPHERS_AVAILABLE',
  'ERR_SSL_NO_CIPHER_MATCH',
  'ERR_SSL_LEGACY_SIGALG_DISALLOWED_OR_UNSUPPORTED',
  'ERR_SSL_EE_KEY_TOO_SMALL',
  'ERR_SSL_CA_MD_TOO_WEAK',
  'ERR_SSL_DH_KEY_TOO_SMALL',
  'ERR_SSL_UNSAFE_LEGACY_RENEGOTIATION_DISABLED',
  'ERR_TLS_INVALID_PROTOCOL_VERSION',
]);

/**
 * TLS alerts a server sends when it wants a client certificate it did not get, by number (RFC 8446
 * section 6): Go (etcd, the API server, the kubelet) sends bad_certificate; OpenSSL sends
 * certificate_required in TLS 1.3 and handshake_failure before it.
 * https://www.rfc-editor.org/rfc/rfc8446#section-6
 */
const CLIENT_CERT_ALERTS: ReadonlyMap<number, string> = new Map([
  [40, 'handshake_failure'],
  [42, 'bad_certificate'],
  [48, 'unknown_ca'],
  [49, 'access_denied'],
  [116, 'certificate_required'],
]);

/**
 * The number of the TLS alert the server sent, if the error is one. Read from the number OpenSSL
 * appends to every alert it receives (`SSL alert number 42`), not from Node's error code: the code is
 * built from OpenSSL's wording, which changes between versions (OpenSSL 3.0 in Node 20 says
 * `sslv3 alert bad certificate`, code ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE; OpenSSL 3.5 in Node 22
 * says `ssl/tls alert bad certificate`, code ERR_SSL_SSL/TLS_ALERT_BAD_CERTIFICATE). Without the
 * number, the code's last words name the alert.
 */
export function receivedAlert(err: {
  readonly message: string;
  readonly code?: string | undefined;
}): number | undefined {
  const n = /SSL alert number (\d+)/.exec(err.message);
  if (n !== null) return Number(n[1]);
  const name = /_ALERT_([A-Z_]+)$/.exec(err.code ?? '')?.[1]?.toLowerCase();
  for (const [number, alert] of CLIENT_CERT_ALERTS) if (alert === name) return number;
  return undefined;
}

export interface TlsAttemptOptions {
  readonly host: string;
  readonly port: number;
  readonly serverName?: string;
  readonly minVersion: tls.SecureVersion;
  readonly maxVersion: tls.SecureVersion;
  /** OpenSSL cipher string; `@SECLEVEL=N` is appended. */
  readonly ciphers: string;
  readonly securityLevel: number;
  readonly timeoutMs: number;
  /** An HTTP request to send once the handshake completes (read-only: GET, or etcd's count-only range). */
  readonly request?: string;
}

export interface TlsAttemptOutcome {
  /** The server answered the hello: the version and a cipher were agreed. */
  readonly helloSeen: boolean;
  /** The handshake completed on this side. */
  readonly secure: boolean;
  readonly protocol?: string;
  readonly cipher?: string;
  readonly chain?: tls.DetailedPeerCertificate;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  /** The error came from this client's TLS library, not the server. */
  readonly clientSide: boolean;
  /**
   * The server ended the connection asking for a client certificate: the alert it sent, as
   * `bad_certificate (42)`, worded the same on every Node version.
   */
  readonly clientCertAlert?: string;
  /** The HTTP status line's code, when a request was sent and answered. */
  readonly httpStatus?: number;
  /** The first 8 KiB of the answer, to recognise the server (never reported). */
  readonly response?: string;
  readonly timedOut: boolean;
}

const isIp = (host: string): boolean => net.isIP(host.replace(/^\[|\]$/g, '')) !== 0;

/** The status code of an HTTP/1.x response's first line. */
export function httpStatusOf(text: string): number | undefined {
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  return m === null ? undefined : Number(m[1]);
}

export function attemptTls(o: TlsAttemptOptions): Promise<TlsAttemptOutcome> {
  return new Promise((resolve) => {
    let helloSeen = false;
    let secure = false;
    let protocol: string | undefined;
    let cipher: string | undefined;
    let chain: tls.DetailedPeerCertificate | undefined;
    let response = '';
    let settled = false;
    let socket: tls.TLSSocket;
    const finish = (err?: NodeJS.ErrnoException, timedOut = false): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const code = err?.code;
      const alert = err === undefined ? undefined : receivedAlert(err);
      const certAlert =
        alert === undefined || !(helloSeen || secure) ? undefined : CLIENT_CERT_ALERTS.get(alert);
      const status = httpStatusOf(response);
      resolve({
        helloSeen: helloSeen || secure,
        secure,
        ...(protocol === undefined ? {} : { protocol }),
        ...(cipher === undefined ? {} : { cipher }),
        ...(chain === undefined ? {} : { chain }),
        ...(code === undefined ? {} : { errorCode: code }),
        ...(err === undefined ? {} : { errorMessage: shortError(err) }),
        clientSide: code !== undefined && CLIENT_SIDE_ERRORS.has(code),
        ...(certAlert === undefined ? {} : { clientCertAlert: `${certAlert} (${alert})` }),
        ...(status === undefined ? {} : { httpStatus: status }),
        ...(response === '' ? {} : { response }),
        timedOut,
      });
    };
    const timer = setTimeout(() => {
      finish(undefined, true);
    }, o.timeoutMs);
    const name = o.serverName ?? o.host;
    try {
      socket = tls.connect({
        host: o.host,
        port: o.port,
        ...(isIp(name) ? {} : { servername: name }),
        minVersion: o.minVersion,
        maxVersion: o.maxVersion,
        ciphers: `${o.ciphers}:@SECLEVEL=${o.securityLevel}`,
        // The chain is judged below (against --ca, by name, by date): the probe must see bad certificates, not refuse them.
        rejectUnauthorized: false,
      });
    } catch (err) {
      // Thrown synchronously when this client cannot build the offer at all (no cipher match).
      socket = new tls.TLSSocket(new net.Socket());
      finish(err as NodeJS.ErrnoException);
      return;
    }
    const capture = (): void => {
      protocol = socket.getProtocol() ?? protocol;
      const c = socket.getPeerCertificate(true);
      if (c !== undefined && c !== null && Object.keys(c).length > 0) chain = c;
      cipher = socket.getCipher()?.name ?? cipher;
    };
    // keylog fires once keys are derived, i.e. after the server's hello: the version (and suite) were accepted even
    // when the server then ends the handshake for want of a client certificate.
    socket.on('keylog', () => {
      if (helloSeen) return;
      helloSeen = true;
      capture();
    });
    socket.on('secureConnect', () => {
      secure = true;
      capture();
      if (o.request === undefined) finish();
      else socket.write(o.request);
    });
    socket.on('data', (d: Buffer) => {
      response += d.toString('latin1');
      if (response.length > 8 * 1024) finish();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      finish(err);
    });
    socket.on('close', () => {
      finish();
    });
  });
}

function shortError(err: NodeJS.ErrnoException & { reason?: unknown }): string {
  if (typeof err.reason === 'string' && err.reason !== '') return err.reason;
  // OpenSSL messages carry a source path and line: keep the reason only.
  const m = /:([a-z0-9 ]+):[^:]*:\d+:/.exec(err.message);
  return (m?.[1] ?? err.message.split('\n')[0] ?? '').trim().slice(0, 200);
}
