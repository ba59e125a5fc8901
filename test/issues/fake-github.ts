// A local stand-in for the GitHub REST API endpoints ktm uses (list, create, update, comment), with paging,
// rate limits and token checks, served on 127.0.0.1. No real GitHub is reachable from the test machines.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: { name: string }[];
  comments: string[];
  pull_request?: object;
}

export interface FakeGitHub {
  readonly url: string;
  readonly issues: FakeIssue[];
  readonly requests: string[];
  /** The next N requests answer with a rate limit of this kind. */
  rateLimit(kind: 'primary' | 'secondary', times?: number): void;
  close(): Promise<void>;
}

export async function startFakeGitHub(repo: string, token: string, perPage = 2): Promise<FakeGitHub> {
  const issues: FakeIssue[] = [];
  const requests: string[] = [];
  let limited: { kind: 'primary' | 'secondary'; times: number } | undefined;

  const body = (req: IncomingMessage): Promise<Record<string, unknown>> =>
    new Promise((resolve) => {
      let s = '';
      req.on('data', (c: Buffer) => (s += c.toString()));
      req.on('end', () => resolve(s === '' ? {} : (JSON.parse(s) as Record<string, unknown>)));
    });
  const send = (
    res: ServerResponse,
    status: number,
    payload: unknown,
    headers: Record<string, string> = {},
  ): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(payload));
  };

  let base = '';
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', base);
      requests.push(`${req.method} ${url.pathname}${url.search}`);
      if (req.headers.authorization !== `Bearer ${token}`)
        return send(res, 401, { message: 'Bad credentials' });
      if (limited !== undefined && limited.times > 0) {
        limited.times--;
        if (limited.kind === 'primary') {
          return send(
            res,
            403,
            { message: 'API rate limit exceeded' },
            {
              'x-ratelimit-remaining': '0',
              'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 2),
            },
          );
        }
        return send(
          res,
          429,
          { message: 'You have exceeded a secondary rate limit' },
          { 'retry-after': '3' },
        );
      }
      const prefix = `/repos/${repo}/issues`;
      const data = await body(req);
      if (req.method === 'GET' && url.pathname === prefix) {
        const label = url.searchParams.get('labels');
        const state = url.searchParams.get('state') ?? 'open';
        const page = Number(url.searchParams.get('page') ?? '1');
        const matching = issues.filter(
          (i) => i.state === state && (label === null || i.labels.some((l) => l.name === label)),
        );
        const slice = matching.slice((page - 1) * perPage, page * perPage);
        const headers: Record<string, string> = {};
        if (page * perPage < matching.length) {
          const next = new URL(url);
          next.searchParams.set('page', String(page + 1));
          headers['link'] = `<${next.toString()}>; rel="next"`;
        }
        return send(res, 200, slice, headers);
      }
      if (req.method === 'POST' && url.pathname === prefix) {
        const issue: FakeIssue = {
          number: issues.length + 1,
          title: String(data['title']),
          body: String(data['body']),
          state: 'open',
          labels: ((data['labels'] as string[] | undefined) ?? []).map((name) => ({ name })),
          comments: [],
        };
        issues.push(issue);
        return send(res, 201, issue);
      }
      const m = new RegExp(`^${prefix}/(\\d+)(/comments)?$`).exec(url.pathname);
      const issue = m ? issues.find((i) => i.number === Number(m[1])) : undefined;
      if (issue === undefined) return send(res, 404, { message: 'Not Found' });
      if (req.method === 'PATCH' && m?.[2] === undefined) {
        if (typeof data['title'] === 'string') issue.title = data['title'];
        if (typeof data['body'] === 'string') issue.body = data['body'];
        if (data['state'] === 'open' || data['state'] === 'closed') issue.state = data['state'];
        if (Array.isArray(data['labels']))
          issue.labels = (data['labels'] as string[]).map((name) => ({ name }));
        return send(res, 200, issue);
      }
      if (req.method === 'POST' && m?.[2] === '/comments') {
        issue.comments.push(String(data['body']));
        return send(res, 201, { id: issue.comments.length });
      }
      return send(res, 404, { message: 'Not Found' });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    issues,
    requests,
    rateLimit(kind, times = 1) {
      limited = { kind, times };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
