// A read-only GET client for the Kubernetes API: authentication and TLS from @kubernetes/client-node, raw JSON bodies, retries.
import http from 'node:http';
import https from 'node:https';
import { createGunzip } from 'node:zlib';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import { ktmVersion } from '../../version.js';

export interface RetryPolicy {
  /** Attempts per request, including the first (429, 5xx and transient network errors are retried). */
  readonly attempts: number;
  /** First backoff; doubled on every retry. */
  readonly baseDelayMs: number;
  /** Longest single wait, Retry-After included. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 };

export interface ApiResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  /** The body as text: parsed by the caller, so timestamps stay strings (never revived to Dates). */
  readonly body: string;
  /** Bytes of the body as received (after gzip), counted against the run's input limits. */
  readonly bytes: number;
}

/** The deadline passed (collection stops and reports the unfinished work). */
export class TimedOutError extends Error {
  constructor() {
    super('timed out');
    this.name = 'TimedOutError';
  }
}

/** The server could not be reached or the connection broke, after the retries. */
export class NetworkError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'NetworkError';
  }
}

/** A page of 500 pods is a few megabytes; this bound stops a broken or hostile server from exhausting memory. */
const MAX_BODY_BYTES = 256 * 1024 * 1024;
/** A request with no response for this long is abandoned and retried. */
const REQUEST_IDLE_MS = 60_000;
/** Network errors that another attempt will not fix: fail fast like kubectl does. */
const FATAL_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The kubeconfig's credentials could not be applied (an exec plugin failed, http:// without insecure-skip-tls-verify). */
export class CredentialError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialError';
  }
}

export interface GetOptions {
  readonly accept?: string;
  /** Fewer attempts for requests that are many and cheap to lose (a node's configz). */
  readonly attempts?: number;
}

export class ApiClient {
  private agent: http.Agent | undefined;

  constructor(
    private readonly kc: KubeConfig,
    /** The cluster's server URL, without a trailing slash (it may carry a path prefix, as Rancher's does). */
    readonly server: string,
    private readonly signal: AbortSignal,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {}

  /** GET a path (`/api/v1/pods?limit=500`), retrying 429, 5xx and transient network errors with backoff. */
  async get(path: string, options: GetOptions = {}): Promise<ApiResponse> {
    const attempts = Math.max(1, options.attempts ?? this.retry.attempts);
    for (let attempt = 1; ; attempt++) {
      if (this.signal.aborted) throw new TimedOutError();
      let response: ApiResponse | undefined;
      let failure: NetworkError | undefined;
      try {
        response = await this.once(path, options.accept ?? 'application/json');
      } catch (err) {
        if (this.signal.aborted) throw new TimedOutError();
        if (err instanceof CredentialError) throw err;
        failure = toNetworkError(err);
        if (failure.code !== undefined && FATAL_NETWORK_CODES.has(failure.code)) throw failure;
      }
      const retriable = response === undefined || response.status === 429 || response.status >= 500;
      if (!retriable || attempt >= attempts) {
        if (response !== undefined) return response;
        throw failure ?? new NetworkError('request failed', undefined);
      }
      const backoff = this.retry.baseDelayMs * 2 ** (attempt - 1);
      const after = response === undefined ? undefined : retryAfterMs(response.headers['retry-after']);
      // Retry-After is the server telling us when it can take the request again (API Priority and Fairness sends it with 429).
      const delay = Math.min(after ?? backoff, this.retry.maxDelayMs);
      try {
        await sleep(delay, undefined, { signal: this.signal });
      } catch (err) {
        // The run's deadline aborted the wait; anything else is a bug.
        if (err instanceof Error && err.name === 'AbortError') throw new TimedOutError();
        throw err;
      }
    }
  }

  /** Closes the kept-alive connections (they would otherwise hold the process open). */
  close(): void {
    this.agent?.destroy();
  }

  private async once(path: string, accept: string): Promise<ApiResponse> {
    // Re-applied per request: exec and token-file credentials can rotate during a long collection.
    const opts: https.RequestOptions = {};
    try {
      await this.kc.applyToHTTPSOptions(opts);
    } catch (err) {
      throw new CredentialError(err instanceof Error ? err.message : String(err));
    }
    this.agent ??= opts.agent instanceof http.Agent ? keepAlive(opts.agent) : undefined;
    const url = new URL(this.server + path);
    const headers: http.OutgoingHttpHeaders = {
      ...(opts.headers as http.OutgoingHttpHeaders | undefined),
      Accept: accept,
      'Accept-Encoding': 'gzip',
      'User-Agent': `ktm/${ktmVersion()} (read-only)`,
    };
    const request = url.protocol === 'https:' ? https.request : http.request;
    return new Promise<ApiResponse>((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'GET',
          headers,
          ...(this.agent === undefined ? {} : { agent: this.agent }),
          ...(opts.auth === undefined || opts.auth === null ? {} : { auth: opts.auth }),
          signal: this.signal,
        },
        (res) => {
          const gzip = res.headers['content-encoding'] === 'gzip';
          const stream = gzip ? res.pipe(createGunzip()) : res;
          const chunks: Buffer[] = [];
          let size = 0;
          stream.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) {
              req.destroy(new Error(`response larger than ${MAX_BODY_BYTES} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          stream.on('end', () => {
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
              bytes: size,
            });
          });
          stream.on('error', reject);
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.setTimeout(REQUEST_IDLE_MS, () => {
        req.destroy(
          Object.assign(new Error(`no response for ${REQUEST_IDLE_MS / 1000}s`), { code: 'ETIMEDOUT' }),
        );
      });
      req.end();
    });
  }
}

/**
 * client-node makes agents without keep-alive: every request would pay a new TLS handshake (300
 * pages of pods, one configz per node). The same TLS options with keep-alive; proxy agents stay as made.
 */
function keepAlive(agent: http.Agent): http.Agent {
  if (agent.constructor === https.Agent)
    return new https.Agent({ ...(agent as https.Agent).options, keepAlive: true });
  if (agent.constructor === http.Agent) return new http.Agent({ keepAlive: true });
  return agent;
}

function toNetworkError(err: unknown): NetworkError {
  if (err instanceof NetworkError) return err;
  const e = err instanceof Error ? err : new Error(String(err));
  const code = (e as Error & { code?: unknown }).code;
  return new NetworkError(e.message, typeof code === 'string' ? code : undefined);
}

/** Retry-After is delay-seconds or an HTTP date (RFC 9110 section 10.2.3). */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The message of a Kubernetes Status body (`{"kind":"Status","message":...}`), else the HTTP status. */
export function statusMessage(response: ApiResponse): string {
  try {
    const parsed: unknown = JSON.parse(response.body);
    if (typeof parsed === 'object' && parsed !== null && 'message' in parsed) {
      const message = parsed.message;
      if (typeof message === 'string' && message !== '') return message.slice(0, 1000);
    }
  } catch (err) {
    // Not JSON (a proxy's HTML error page): fall back to the status code.
    if (!(err instanceof SyntaxError)) throw err;
  }
  return `HTTP ${response.status}`;
}
