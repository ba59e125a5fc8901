// Plain-HTTP requests over TCP: does the port speak HTTP without TLS, and what does an anonymous request get?
import net from 'node:net';
import { httpStatusOf } from './tls-connect.js';

/** What servers answer when plain HTTP reaches a TLS port: an HTTP 400 that is not a plain-HTTP service. */
const TLS_REQUIRED_ANSWERS = [
  /client sent an http request to an https server/i, // Go net/http (kube-*, etcd)
  /plain http request was sent to https port/i, // nginx
  /speaking plain http to an ssl-enabled server/i, // Apache
];

export interface PlainAnswer {
  /** Bytes came back. */
  readonly answered: boolean;
  readonly status?: number;
  /** The answer was a TLS record (an alert) or a "use HTTPS" HTTP 400. */
  readonly tlsRequired: boolean;
  /** The first 16 KiB of the answer, to recognise the server (never reported). */
  readonly response: string;
  readonly connected: boolean;
  readonly error?: string;
}

/** Sends one request as plain text and reads the status line (the body is never kept). */
export function plainRequest(
  host: string,
  port: number,
  request: string,
  timeoutMs: number,
): Promise<PlainAnswer> {
  return new Promise((resolve) => {
    let response = Buffer.alloc(0);
    let connected = false;
    let settled = false;
    const socket = net.connect({ host, port });
    const finish = (error?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = response.toString('latin1');
      const status = httpStatusOf(text);
      const tlsRecord = response.length > 0 && (response[0] === 0x15 || response[0] === 0x16);
      resolve({
        answered: response.length > 0,
        ...(status === undefined ? {} : { status }),
        response: text,
        tlsRequired: tlsRecord || (status === 400 && TLS_REQUIRED_ANSWERS.some((r) => r.test(text))),
        connected,
        ...(error === undefined ? {} : { error }),
      });
    };
    const timer = setTimeout(() => {
      finish(connected ? undefined : 'timed out');
    }, timeoutMs);
    socket.on('connect', () => {
      connected = true;
      socket.write(request);
    });
    socket.on('data', (d: Buffer) => {
      response = Buffer.concat([response, d]);
      // Requests say Connection: close, so the answer ends with the connection; a chatty server is cut off.
      if (response.length > 16 * 1024) finish();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      finish(err.code ?? err.message);
    });
    socket.on('close', () => {
      finish();
    });
  });
}
