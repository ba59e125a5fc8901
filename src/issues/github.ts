// Files issue drafts on GitHub through its REST API, idempotently: one open issue per fingerprint.
//
// Existing issues are found by listing the repository's open issues carrying the ktm label (paged
// with the Link header) rather than through the search API: search results lag behind writes by
// up to a minute, so a second run soon after the first would open duplicates.
import { KtmError } from '../errors.js';
import { fingerprintIn, fingerprintMarker, type IssueDraft } from './draft.js';

export interface GitHubOptions {
  /** OWNER/NAME */
  readonly repo: string;
  readonly token: string;
  /** API root: https://api.github.com, or GHES's https://HOST/api/v3 (GITHUB_API_URL). */
  readonly apiUrl?: string;
  /** Close open ktm issues whose discrepancy is gone, with a comment. */
  readonly closeResolved?: boolean;
  /** The label that marks ktm's issues. */
  readonly label?: string;
  /** Longest wait for a rate limit before giving up (ms). */
  readonly maxRateLimitWaitMs?: number;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly log?: (line: string) => void;
}

export interface FileOutcome {
  readonly created: readonly { fingerprint: string; number: number }[];
  readonly updated: readonly { fingerprint: string; number: number }[];
  readonly unchanged: readonly { fingerprint: string; number: number }[];
  readonly closed: readonly { fingerprint: string; number: number }[];
}

interface GhIssue {
  readonly number: number;
  readonly title: string;
  readonly body: string | null;
  readonly state: string;
  readonly labels: readonly (string | { name?: string })[];
  readonly pull_request?: unknown;
}

const REPO_RE = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

export async function fileOnGitHub(
  drafts: readonly IssueDraft[],
  options: GitHubOptions,
): Promise<FileOutcome> {
  if (!REPO_RE.test(options.repo))
    throw new KtmError(`invalid repository '${options.repo}'`, '--repo', 'use OWNER/NAME');
  const client = new GitHubClient(options);
  const label = options.label ?? 'ktm';
  const open = await client.listOpenIssues(label);
  const byFingerprint = new Map<string, GhIssue>();
  for (const issue of open) {
    const fp = fingerprintIn(issue.body);
    if (fp !== undefined && !byFingerprint.has(fp)) byFingerprint.set(fp, issue);
  }
  const created: { fingerprint: string; number: number }[] = [];
  const updated: { fingerprint: string; number: number }[] = [];
  const unchanged: { fingerprint: string; number: number }[] = [];
  const closed: { fingerprint: string; number: number }[] = [];
  const wanted = new Set<string>();
  for (const draft of drafts) {
    wanted.add(draft.fingerprint);
    const body = `${draft.body.trimEnd()}\n\n${fingerprintMarker(draft.fingerprint)}\n`;
    const labels = [...new Set([label, ...draft.labels])].sort();
    const existing = byFingerprint.get(draft.fingerprint);
    if (existing === undefined) {
      const made = await client.request<GhIssue>('POST', `/repos/${options.repo}/issues`, {
        title: draft.title,
        body,
        labels,
      });
      created.push({ fingerprint: draft.fingerprint, number: made.number });
      continue;
    }
    const existingLabels = existing.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).sort();
    if (
      existing.title === draft.title &&
      existing.body === body &&
      labels.every((l) => existingLabels.includes(l))
    ) {
      unchanged.push({ fingerprint: draft.fingerprint, number: existing.number });
      continue;
    }
    await client.request('PATCH', `/repos/${options.repo}/issues/${existing.number}`, {
      title: draft.title,
      body,
      labels: [...new Set([...existingLabels, ...labels])].sort(),
    });
    updated.push({ fingerprint: draft.fingerprint, number: existing.number });
  }
  if (options.closeResolved === true) {
    for (const [fingerprint, issue] of [...byFingerprint].sort((a, b) => a[1].number - b[1].number)) {
      if (wanted.has(fingerprint)) continue;
      await client.request('POST', `/repos/${options.repo}/issues/${issue.number}/comments`, {
        body: 'ktm no longer observes this discrepancy: closing. Reopen it if the change that resolved it is reverted.',
      });
      await client.request('PATCH', `/repos/${options.repo}/issues/${issue.number}`, {
        state: 'closed',
        state_reason: 'completed',
      });
      closed.push({ fingerprint, number: issue.number });
    }
  }
  return { created, updated, unchanged, closed };
}

class GitHubClient {
  private readonly api: string;
  private readonly doFetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: GitHubOptions) {
    this.api = (options.apiUrl ?? 'https://api.github.com').replace(/\/+$/, '');
    this.doFetch = options.fetch ?? fetch;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async listOpenIssues(label: string): Promise<GhIssue[]> {
    const issues: GhIssue[] = [];
    let url: string | undefined =
      `${this.api}/repos/${this.options.repo}/issues?state=open&labels=${encodeURIComponent(label)}&per_page=100`;
    for (let page = 0; url !== undefined && page < 1000; page++) {
      const res = await this.send('GET', url, undefined);
      const batch = (await res.json()) as GhIssue[];
      issues.push(...batch.filter((i) => i.pull_request === undefined));
      url = nextLink(res.headers.get('link'));
    }
    return issues;
  }

  async request<T = unknown>(method: string, pathname: string, body: unknown): Promise<T> {
    const res = await this.send(method, `${this.api}${pathname}`, body);
    return (await res.json()) as T;
  }

  private async send(method: string, url: string, body: unknown): Promise<Response> {
    const maxWait = this.options.maxRateLimitWaitMs ?? 15 * 60_000;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await this.doFetch(url, {
          method,
          headers: {
            accept: 'application/vnd.github+json',
            authorization: `Bearer ${this.options.token}`,
            'x-github-api-version': '2022-11-28',
            'user-agent': 'ktm',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      } catch (err) {
        throw new KtmError(
          `cannot reach the GitHub API: ${(err as Error).message}`,
          this.api,
          'check the network and GITHUB_API_URL',
        );
      }
      if (res.ok) return res;
      const where = `${method} ${new URL(url).pathname}`;
      if (res.status === 401) {
        throw new KtmError(
          'GitHub rejected the token (401 Unauthorized)',
          where,
          'set GITHUB_TOKEN to a token with issues: write on the repository',
        );
      }
      const wait = rateLimitWait(res);
      if (wait !== undefined && attempt < 5) {
        if (wait > maxWait) {
          throw new KtmError(
            `GitHub rate limit: reset in ${Math.ceil(wait / 1000)}s`,
            where,
            'retry later; nothing was lost, filing is idempotent',
          );
        }
        this.options.log?.(`GitHub rate limit on ${where}: waiting ${Math.ceil(wait / 1000)}s`);
        await this.sleep(wait);
        continue;
      }
      if (res.status >= 500 && attempt < 3) {
        await this.sleep(1000 * 2 ** attempt);
        continue;
      }
      const message = await res
        .json()
        .then((j: unknown) =>
          typeof j === 'object' && j !== null && 'message' in j ? String(j.message) : '',
        )
        .catch(() => '');
      const hint =
        res.status === 403 || res.status === 404
          ? 'the token needs access to the repository with issues: write'
          : 'see the GitHub API status';
      throw new KtmError(
        `GitHub API answered ${res.status}${message ? `: ${message.slice(0, 200)}` : ''}`,
        where,
        hint,
      );
    }
  }
}

/** How long to wait for a rate limit: primary (x-ratelimit-remaining 0, reset epoch) or secondary (retry-after). */
function rateLimitWait(res: Response): number | undefined {
  if (res.status !== 403 && res.status !== 429) return undefined;
  const retryAfter = res.headers.get('retry-after');
  if (retryAfter !== null && /^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
  if (res.headers.get('x-ratelimit-remaining') === '0') {
    const reset = Number(res.headers.get('x-ratelimit-reset'));
    if (Number.isFinite(reset)) return Math.max(0, reset * 1000 - Date.now()) + 1000;
  }
  return res.status === 429 ? 60_000 : undefined;
}

function nextLink(link: string | null): string | undefined {
  if (link === null) return undefined;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>;\s*rel="next"/.exec(part);
    if (m) return m[1];
  }
  return undefined;
}
