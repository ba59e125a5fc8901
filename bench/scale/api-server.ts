// The bench's stand-in Kubernetes API server on 127.0.0.1: serves the generated cluster as paged lists, made on demand.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RESOURCE_TYPES } from '../../src/collect/resource-types.js';
import { clusterLists, type ClusterShape } from './generate.js';

/** A list path of a type ktm reads, for the types the generated cluster has none of (answered with an empty list). */
function listPath(group: string, version: string, resource: string): string {
  return group === '' ? `/api/${version}/${resource}` : `/apis/${group}/${version}/${resource}`;
}

/**
 * Answers discovery (every group/version ktm asks for is served), `/version`, and each list path with
 * `?limit=N&continue=I` pages, the continue token being the index of the next object: the objects are
 * generated per page and dropped once sent, so the server's memory does not grow with the cluster.
 */
export async function serveCluster(
  shape: ClusterShape,
): Promise<{ url: string; close: () => Promise<void> }> {
  const lists = new Map(clusterLists(shape).map((l) => [l.path, l]));
  const empty = new Set<string>();
  const groups = new Map<string, Set<string>>();
  for (const rt of RESOURCE_TYPES)
    for (const v of rt.versions) {
      empty.add(listPath(rt.group, v, rt.resource));
      if (rt.group !== '') groups.set(rt.group, (groups.get(rt.group) ?? new Set()).add(v));
    }
  const apis = {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([name, versions]) => ({
      name,
      versions: [...versions].map((version) => ({ groupVersion: `${name}/${version}`, version })),
    })),
  };
  const fixed = new Map<string, unknown>([
    ['/version', { major: '1', minor: '31', gitVersion: 'v1.31.0', platform: 'linux/amd64' }],
    ['/api', { kind: 'APIVersions', versions: ['v1'] }],
    ['/apis', apis],
  ]);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const known = fixed.get(url.pathname);
    if (known !== undefined) return send(200, known);
    const list = lists.get(url.pathname);
    if (list === undefined && !empty.has(url.pathname))
      return send(404, {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        reason: 'NotFound',
        code: 404,
      });
    const count = list?.count ?? 0;
    const from = Number(url.searchParams.get('continue') ?? '0');
    const limit = Number(url.searchParams.get('limit') ?? String(count));
    const to = Math.min(count, from + Math.max(1, limit));
    const items: unknown[] = [];
    for (let i = from; i < to; i++) items.push(list!.item(i));
    send(200, {
      kind: 'List',
      apiVersion: 'v1',
      metadata: { resourceVersion: '1', ...(to < count ? { continue: String(to) } : {}) },
      items,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
