// Files issue drafts on GitHub through its REST API, idempotently: one open issue per fingerprint.
//
// Existing issues are found by listing the repository's open issues carrying the ktm label (paged
// with the Link header) rather than through the search API: search results lag behind writes by
// up to a minute, so a second run soon after the first would open duplicates.
import { KtmError } from '../errors.js';
import { escapeTerminal } from '../text/escape.js';
import { bodyWithMarker, fingerprintIn, type IssueDraft } from './draft.js';

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
  /** Longest wait for one request's answer (ms; default 30 s). */
  readonly timeoutMs?: number;
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

/** GitHub refuses an issue body longer than this many characters. */
export const GITHUB_BODY_LIMIT = 65_536;

/** Default time to wait for one answer from the GitHub API. */
export const GITHUB_TIMEOUT_MS = 30_000;

/**
 * The body with its marker, cut to GitHub's limit when longer (a finding with thousands of evidence
 * lines): the head of the write-up, a note saying it was cut, and the marker last, so the issue is
 * still filed and found again.
 */
export function fitBody(draft: Pick<IssueDraft, 'body' | 'fingerprint'>): string {
  const whole = bodyWithMarker(draft);
  if (whole.length <= GITHUB_BODY_LIMIT) return whole;
  const note = `\n\n_… cut by ktm: the full write-up is ${whole.length.toLocaleString('en-US')} characters, over GitHub's ${GITHUB_BODY_LIMIT.toLocaleString('en-US')}-character limit; \`ktm issues -o DIR\` writes all of it._`;
  const tail = bodyWithMarker({ body: note, fingerprint: draft.fingerprint });
  let head = draft.body.slice(0, GITHUB_BODY_LIMIT - tail.length);
  // Never end on half a surrogate pair or a dangling escape backslash.
  head = head.replace(/[\uD800-\uDBFF]$/, '').replace(/\\+$/, (m) => (m.length % 2 === 0 ? m : m.slice(1)));
  return `${head.trimEnd()}${tail}`;
}

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
    const body = fitBody(draft);
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
    const origin = new URL(this.api).origin;
    for (let page = 0; url !== undefined && page < 1000; page++) {
      const res = await this.send('GET', url, undefined);
      const batch = await jsonOf(res, 'GET', url);
      if (!Array.isArray(batch))
        throw new KtmError(
          'GitHub answered with something that is not a list of issues',
          where('GET', url),
          HINT_URL,
        );
      issues.push(...(batch as GhIssue[]).filter((i) => i.pull_request === undefined));
      const next = nextLink(res.headers.get('link'));
      url = next === undefined ? undefined : new URL(next, url).toString();
      // The token goes to the API it was given for, never to an origin a response names.
      if (url !== undefined && new URL(url).origin !== origin)
        throw new KtmError(
          `GitHub's next-page link points to another origin (${escapeTerminal(new URL(url).origin, 200)}); the token is not sent there`,
          where('GET', this.api),
          'check GITHUB_API_URL and any proxy in front of it',
        );
    }
    return issues;
  }

  async request<T = unknown>(method: string, pathname: string, body: unknown): Promise<T> {
    const url = `${this.api}${pathname}`;
    const res = await this.send(method, url, body);
    return (await jsonOf(res, method, url)) as T;
  }

  private async send(method: string, url: string, body: unknown): Promise<Response> {
    const maxWait = this.options.maxRateLimitWaitMs ?? 15 * 60_000;
    const timeoutMs = this.options.timeoutMs ?? GITHUB_TIMEOUT_MS;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await this.doFetch(url, {
          method,
          signal: AbortSignal.timeout(timeoutMs),
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
        if (err instanceof DOMException && err.name === 'TimeoutError')
          throw new KtmError(
            `GitHub did not answer within ${timeoutMs / 1000}s`,
            where(method, url),
            'retry, raise --github-timeout, or check GITHUB_API_URL; filing is idempotent',
          );
        throw new KtmError(
          `cannot reach the GitHub API: ${escapeTerminal((err as Error).message, 300)}`,
          this.api,
          'check the network and GITHUB_API_URL',
        );
      }
      if (res.ok) return res;
      const at = where(method, url);
      if (res.status === 401) {
        throw new KtmError(
          'GitHub rejected the token (401 Unauthorized)',
          at,
          'set GITHUB_TOKEN to a token with issues: write on the repository',
        );
      }
      const wait = rateLimitWait(res);
      if (wait !== undefined && attempt < 5) {
        if (wait > maxWait) {
          throw new KtmError(
            `GitHub rate limit: reset in ${Math.ceil(wait / 1000)}s`,
            at,
            'retry later; nothing was lost, filing is idempotent',
          );
        }
        this.options.log?.(`GitHub rate limit on ${at}: waiting ${Math.ceil(wait / 1000)}s`);
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
          typeof j === 'object' && j !== null && 'message' in j ? escapeTerminal(String(j.message), 200) : '',
        )
        .catch(() => '');
      const hint =
        res.status === 403 || res.status === 404
          ? 'the token needs access to the repository with issues: write'
          : 'see the GitHub API status';
      throw new KtmError(
        `GitHub API answered ${res.status}${message ? `: ${message.slice(0, 200)}` : ''}`,
        at,
        hint,
      );
    }
  }
}

const HINT_URL = 'check GITHUB_API_URL, and that the token is authorised for the organisation (SSO)';

/** `METHOD /path` of a request, for error lines. */
function where(method: string, url: string): string {
  return `${method} ${new URL(url).pathname}`;
}

/** A successful answer's JSON; an HTML page (an SSO login, a proxy) is one clear line, never a parser's stack. */
async function jsonOf(res: Response, method: string, url: string): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    const type = res.headers.get('content-type') ?? 'no content type';
    throw new KtmError(
      `GitHub answered ${res.status} with ${escapeTerminal(type.split(';')[0]!, 80)}, not JSON (a sign-in page or a proxy?)`,
      where(method, url),
      HINT_URL,
    );
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
