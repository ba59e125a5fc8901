// A stand-in Kubernetes API server on 127.0.0.1 that replays recorded, realistic responses (no API server can run here).
import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { RESOURCE_TYPES } from '../../../src/collect/resource-types.js';
import { tempDir } from '../../helpers/temp-dir.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'live');

/** A fixture file's text, exactly as recorded. */
export function fixture(name: string): string {
  return readFileSync(path.join(FIXTURES, name), 'utf8');
}

export interface SeenRequest {
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  readonly at: number;
  /** The client's port: requests sharing it came over one kept-alive connection. */
  readonly remotePort: number | undefined;
  /** The subject CN of the client certificate, over TLS. */
  readonly clientCN?: string;
}

export interface Reply {
  readonly status: number;
  /** A fixture's text or a value to serialise. */
  readonly body: string | object;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Answers one request; `n` counts the calls to this path so far (0 for the first). 'hang' never answers; 'reset' drops the connection. */
export type Route = (req: SeenRequest, n: number) => Reply | 'hang' | 'reset';

export const ok = (fixtureName: string): Reply => ({ status: 200, body: fixture(fixtureName) });
export const status = (code: number, fixtureName: string, headers?: Record<string, string>): Reply => ({
  status: code,
  body: fixture(fixtureName),
  ...(headers === undefined ? {} : { headers }),
});

export class FakeApiServer {
  readonly requests: SeenRequest[] = [];
  /** Delay before every answer, to observe how many requests the client keeps in flight. */
  latencyMs = 0;
  /** Most requests in flight at once. */
  peakInFlight = 0;
  private inFlight = 0;
  private readonly routes = new Map<string, Route>();
  private readonly calls = new Map<string, number>();
  private readonly hanging: http.ServerResponse[] = [];
  private readonly served: Set<string>;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {
    const apis = JSON.parse(fixture('apis.json')) as { groups: { versions: { groupVersion: string }[] }[] };
    this.served = new Set(['v1', ...apis.groups.flatMap((g) => g.versions.map((v) => v.groupVersion))]);
    this.route('/version', () => ok('version.json'));
    this.route('/api', () => ok('api.json'));
    this.route('/apis', () => ok('apis.json'));
  }

  /** Over TLS (`tls: true`) it serves test/fixtures/live/tls/server.crt and asks for a client certificate signed by ca.crt. */
  static async start(options: { tls?: boolean } = {}): Promise<FakeApiServer> {
    const holder: { self?: FakeApiServer } = {};
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      holder.self!.handle(req, res);
    };
    const server =
      options.tls === true
        ? https.createServer(
            {
              key: fixture('tls/server.key'),
              cert: fixture('tls/server.crt'),
              ca: fixture('tls/ca.crt'),
              requestCert: true,
              rejectUnauthorized: false,
            },
            handler,
          )
        : http.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.self = new FakeApiServer(server, `${options.tls === true ? 'https' : 'http'}://127.0.0.1:${port}`);
    return holder.self;
  }

  route(pathname: string, fn: Route): this {
    this.routes.set(pathname, fn);
    return this;
  }

  requestsTo(pathname: string): SeenRequest[] {
    return this.requests.filter((r) => r.path === pathname);
  }

  async close(): Promise<void> {
    for (const r of this.hanging) r.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    const socket = req.socket as Partial<TLSSocket>;
    const cn = socket.authorized === true ? socket.getPeerCertificate?.().subject.CN : undefined;
    const seen: SeenRequest = {
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      at: Date.now(),
      remotePort: req.socket.remotePort,
      ...(typeof cn === 'string' ? { clientCN: cn } : {}),
    };
    this.requests.push(seen);
    const n = this.calls.get(url.pathname) ?? 0;
    this.calls.set(url.pathname, n + 1);
    const route = this.routes.get(url.pathname);
    const reply = route === undefined ? this.defaultReply(url.pathname) : route(seen, n);
    if (reply === 'hang') {
      this.hanging.push(res);
      return;
    }
    if (reply === 'reset') {
      req.socket.destroy();
      return;
    }
    this.inFlight++;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    setTimeout(() => {
      this.inFlight--;
      this.send(req, res, reply);
    }, this.latencyMs);
  }

  private send(req: http.IncomingMessage, res: http.ServerResponse, reply: Reply): void {
    let body: Buffer = Buffer.from(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
    const headers: Record<string, string> = { 'Content-Type': 'application/json', ...reply.headers };
    // Like the API server (APIResponseCompression), answer gzip-compressed when the client accepts it.
    if ((req.headers['accept-encoding'] ?? '').includes('gzip')) {
      body = gzipSync(body);
      headers['Content-Encoding'] = 'gzip';
    }
    res.writeHead(reply.status, headers);
    res.end(body);
  }

  /** An empty list for every served list endpoint of a type ktm reads, a NotFound Status for everything else. */
  private defaultReply(pathname: string): Reply {
    for (const rt of RESOURCE_TYPES)
      for (const v of rt.versions) {
        const gv = rt.group === '' ? v : `${rt.group}/${v}`;
        const listPath = rt.group === '' ? `/api/${v}/${rt.resource}` : `/apis/${gv}/${rt.resource}`;
        if (listPath === pathname && this.served.has(gv))
          return {
            status: 200,
            body: {
              kind: `${rt.kind}List`,
              apiVersion: gv,
              metadata: { resourceVersion: '48213' },
              items: [],
            },
          };
      }
    return { status: 404, body: fixture('status-404.json') };
  }
}

/**
 * A kubeconfig with two contexts: `lab` (the fake server, token auth) and `elsewhere` (a closed
 * port), current-context `current`. http:// needs insecure-skip-tls-verify in client-node.
 */
export async function writeKubeconfig(server: string, current = 'lab'): Promise<string> {
  const dir = await tempDir('ktm-live-');
  const file = path.join(dir, 'kubeconfig');
  await writeFile(
    file,
    `apiVersion: v1
kind: Config
clusters:
- name: lab
  cluster:
    server: ${server}
    insecure-skip-tls-verify: true
- name: elsewhere
  cluster:
    server: http://127.0.0.1:1
    insecure-skip-tls-verify: true
users:
- name: ktm-reader
  user:
    token: lab-reader-token
- name: other-user
  user:
    token: elsewhere-token
contexts:
- name: lab
  context:
    cluster: lab
    user: ktm-reader
- name: elsewhere
  context:
    cluster: elsewhere
    user: other-user
current-context: ${current}
`,
    'utf8',
  );
  return file;
}
