// Filing issue drafts on GitHub, end to end against a local server implementing the REST endpoints ktm uses.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileOnGitHub, type GitHubOptions } from '../../src/issues/github.js';
import type { IssueDraft } from '../../src/issues/draft.js';
import { KtmError } from '../../src/errors.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';

const REPO = 'acme/platform';
const TOKEN = 'test-token-not-real';

function draft(fingerprint: string, title = `Discrepancy ${fingerprint}`): IssueDraft {
  return {
    fingerprint,
    title,
    body: `## ${title}\n\nEvidence: …`,
    severity: 'high',
    zone: 'Container',
    relatedTeams: [],
    labels: ['severity:high'],
    covers: [{ kind: 'finding', key: fingerprint, title, severity: 'high' }],
  };
}

describe('fileOnGitHub', () => {
  let gh: FakeGitHub;
  let waits: number[];
  let opts: GitHubOptions;
  beforeEach(async () => {
    gh = await startFakeGitHub(REPO, TOKEN);
    waits = [];
    opts = {
      repo: REPO,
      token: TOKEN,
      apiUrl: gh.url,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    };
  });
  afterEach(() => gh.close());

  it('creates one issue per draft, then updates instead of duplicating', async () => {
    const first = await fileOnGitHub([draft('a1'), draft('b2'), draft('c3')], opts);
    expect(first.created.map((c) => c.fingerprint)).toEqual(['a1', 'b2', 'c3']);
    expect(gh.issues).toHaveLength(3);
    expect(gh.issues[0]!.body).toContain('<!-- ktm-fingerprint: a1 -->');
    expect(gh.issues[0]!.labels.map((l) => l.name)).toEqual(['ktm', 'severity:high']);

    // Second run: same drafts (listing pages through 2 issues per page) → nothing new.
    const second = await fileOnGitHub([draft('a1'), draft('b2'), draft('c3')], opts);
    expect(second.created).toEqual([]);
    expect(second.unchanged.map((u) => u.number)).toEqual([1, 2, 3]);
    expect(gh.requests.filter((r) => r.includes('page=2'))).not.toEqual([]);

    // Third run: one draft's text changed → updated in place.
    const third = await fileOnGitHub([draft('a1', 'Renamed'), draft('b2'), draft('c3')], opts);
    expect(third.updated).toEqual([{ fingerprint: 'a1', number: 1 }]);
    expect(gh.issues).toHaveLength(3);
    expect(gh.issues[0]!.title).toBe('Renamed');
  });

  it('closes resolved issues with a comment only when asked', async () => {
    await fileOnGitHub([draft('a1'), draft('b2')], opts);
    const kept = await fileOnGitHub([draft('a1')], opts);
    expect(kept.closed).toEqual([]);
    expect(gh.issues[1]!.state).toBe('open');
    const closing = await fileOnGitHub([draft('a1')], { ...opts, closeResolved: true });
    expect(closing.closed).toEqual([{ fingerprint: 'b2', number: 2 }]);
    expect(gh.issues[1]!.state).toBe('closed');
    expect(gh.issues[1]!.comments[0]).toContain('no longer observes');
    expect(gh.issues[0]!.state).toBe('open');
  });

  it('ignores issues without the marker and pull requests', async () => {
    gh.issues.push({
      number: 1,
      title: 'hand-written',
      body: 'no marker',
      state: 'open',
      labels: [{ name: 'ktm' }],
      comments: [],
    });
    const r = await fileOnGitHub([draft('a1')], { ...opts, closeResolved: true });
    expect(r.created).toEqual([{ fingerprint: 'a1', number: 2 }]);
    expect(gh.issues[0]!.state).toBe('open');
  });

  it('waits out a primary rate limit and a secondary one, then carries on', async () => {
    gh.rateLimit('primary');
    await fileOnGitHub([draft('a1')], opts);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(1000);
    gh.rateLimit('secondary');
    await fileOnGitHub([draft('b2')], opts);
    expect(waits[1]).toBe(3000);
    expect(gh.issues).toHaveLength(2);
  });

  it('gives up with one line when the rate limit resets too late', async () => {
    gh.rateLimit('secondary');
    await expect(fileOnGitHub([draft('a1')], { ...opts, maxRateLimitWaitMs: 1000 })).rejects.toThrow(
      /rate limit/,
    );
  });

  it('reports a rejected token as a known error naming GITHUB_TOKEN', async () => {
    const err = await fileOnGitHub([draft('a1')], { ...opts, token: 'wrong' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KtmError);
    expect((err as KtmError).line()).toMatch(/401.*GITHUB_TOKEN/);
    expect(gh.issues).toHaveLength(0);
  });

  it('rejects a malformed repository name before any request', async () => {
    const err = await fileOnGitHub([draft('a1')], { ...opts, repo: 'not a repo' }).catch((e: unknown) => e);
    expect((err as KtmError).line()).toBe("--repo: invalid repository 'not a repo' (use OWNER/NAME)");
    expect(gh.requests).toEqual([]);
  });
});
