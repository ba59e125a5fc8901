// The GitHub client against servers that misbehave (silent, HTML, foreign next links) and bodies over
// GitHub's limit; and idempotent filing over three runs when an object's name plants another issue's marker.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { KtmError } from '../../src/errors.js';
import { fingerprintIn, type IssueDraft } from '../../src/issues/draft.js';
import { fileOnGitHub, GITHUB_BODY_LIMIT } from '../../src/issues/github.js';
import { captureIo } from '../helpers/capture-io.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';

const REPO = 'acme/platform';
const TOKEN = 'test-token-not-real';

function draft(fingerprint: string, body = 'Evidence: …'): IssueDraft {
  return {
    fingerprint,
    title: `Discrepancy ${fingerprint}`,
    body,
    severity: 'high',
    zone: 'Container',
    relatedTeams: [],
    labels: ['severity:high'],
    covers: [],
  };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const errorOf = async (p: Promise<unknown>): Promise<KtmError> => {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(KtmError);
  return e as KtmError;
};

describe('GitHub client hardening', () => {
  it('gives up on a silent server after the timeout with one line', async () => {
    const url = await serve(() => undefined); // accepts, never answers
    const started = Date.now();
    const e = await errorOf(
      fileOnGitHub([draft('0123456789abcdef')], { repo: REPO, token: TOKEN, apiUrl: url, timeoutMs: 300 }),
    );
    expect(Date.now() - started).toBeLessThan(5000);
    expect(e.line()).toBe(
      'GET /repos/acme/platform/issues: GitHub did not answer within 0.3s (retry, raise --github-timeout, or check GITHUB_API_URL; filing is idempotent)',
    );
  });

  it('reports an HTML page answered with 200 (an SSO login) as one line, no stack', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<html><body>Sign in to continue</body></html>');
    });
    const e = await errorOf(
      fileOnGitHub([draft('0123456789abcdef')], { repo: REPO, token: TOKEN, apiUrl: url }),
    );
    expect(e.line()).toMatch(
      /^GET \/repos\/acme\/platform\/issues: GitHub answered 200 with text\/html, not JSON \(a sign-in page or a proxy\?\)/,
    );
    expect(e.line()).not.toContain('\n');
  });

  it('never sends the token to another origin named by a Link: next header', async () => {
    const seen: (string | undefined)[] = [];
    const elsewhere = await serve((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('[]');
    });
    const url = await serve((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        link: `<${elsewhere}/steal?page=2>; rel="next"`,
      });
      res.end('[]');
    });
    const e = await errorOf(
      fileOnGitHub([draft('0123456789abcdef')], { repo: REPO, token: TOKEN, apiUrl: url }),
    );
    expect(e.line()).toContain(
      `GitHub's next-page link points to another origin (${elsewhere}); the token is not sent there`,
    );
    expect(seen).toEqual([]);
  });

  it('cuts a body over 65,536 characters with a note, keeps the marker last, and files it once', async () => {
    const gh: FakeGitHub = await startFakeGitHub(REPO, TOKEN);
    try {
      const big = draft(
        '0123456789abcdef',
        `## Evidence\n\n${'- Pod/shop/web `spec.containers[0]`\n'.repeat(4000)}`,
      );
      expect(big.body.length).toBeGreaterThan(GITHUB_BODY_LIMIT);
      const opts = { repo: REPO, token: TOKEN, apiUrl: gh.url };
      const first = await fileOnGitHub([big], opts);
      expect(first.created).toHaveLength(1);
      const body = gh.issues[0]!.body;
      expect(body.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
      expect(body).toContain("over GitHub's 65,536-character limit; `ktm issues -o DIR` writes all of it._");
      expect(fingerprintIn(body)).toBe('0123456789abcdef');
      const second = await fileOnGitHub([big], opts);
      expect(second.unchanged).toHaveLength(1);
      expect(gh.issues).toHaveLength(1);
    } finally {
      await gh.close();
    }
  });
});

describe('idempotent filing against planted markers', () => {
  const POD = (name: string): string => `apiVersion: v1
kind: Pod
metadata: {name: ${JSON.stringify(name)}, namespace: shop}
spec:
  containers: [{name: c, image: busybox, securityContext: {privileged: true}}]
`;
  // The attacker's pod breaks another rule (a credential in its environment), so its finding is an issue of its
  // own rather than one more subject of the victim's grouped issue.
  const ATTACKER_POD = (name: string): string => `apiVersion: v1
kind: Pod
metadata: {name: ${JSON.stringify(name)}, namespace: shop}
spec:
  containers: [{name: c, image: busybox, env: [{name: DB_PASSWORD, value: not-a-real-password}]}]
`;

  it('three runs: no duplicates, and a name carrying another issue’s marker never claims it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ktm-forge-'));
    const gh = await startFakeGitHub('acme/lab', 'forge-token');
    try {
      const run = async (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
        const { io, out } = captureIo();
        const env = { GITHUB_TOKEN: 'forge-token', GITHUB_API_URL: gh.url };
        const code = await main(args, { ...io, cwd: dir, env });
        return { code, ...out() };
      };
      const victim = path.join(dir, 'victim.yaml');
      await writeFile(victim, POD('victim'));
      // The victim's fingerprints, as an attacker who can run ktm on the same manifests would compute them.
      expect((await run(['issues', victim, '--dir', path.join(dir, 'drafts')])).code).toBe(0);
      const victimDrafts = JSON.parse(
        await readFile(path.join(dir, 'drafts', 'issues.json'), 'utf8'),
      ) as IssueDraft[];
      expect(victimDrafts.length).toBeGreaterThan(0);
      const planted = victimDrafts.map((d) => `<!-- ktm-fingerprint: ${d.fingerprint} -->`).join(' ');
      const attacker = path.join(dir, 'attacker.yaml');
      await writeFile(attacker, ATTACKER_POD(`a ${planted}`));

      expect((await run(['issues', attacker, victim, '--dir', path.join(dir, 'all')])).code).toBe(0);
      const allDrafts = JSON.parse(
        await readFile(path.join(dir, 'all', 'issues.json'), 'utf8'),
      ) as IssueDraft[];
      const args = ['issues', attacker, victim, '--complete', '--create', 'github', '--repo', 'acme/lab'];
      const outcomes: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await run(args);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        outcomes.push(r.stdout.trim());
      }
      const total = gh.issues.length;
      expect(total).toBe(allDrafts.length);
      expect(total).toBeGreaterThan(victimDrafts.length);
      expect(outcomes.slice(1)).toEqual([
        `github acme/lab: 0 created, 0 updated, ${total} unchanged, 0 closed`,
        `github acme/lab: 0 created, 0 updated, ${total} unchanged, 0 closed`,
      ]);
      // Every issue is found by its own marker, and each victim fingerprint belongs to a victim issue.
      const fps = gh.issues.map((i) => fingerprintIn(i.body));
      expect(new Set(fps).size).toBe(total);
      let victimOnly = 0;
      for (const d of victimDrafts) {
        const issue = gh.issues.find((i) => fingerprintIn(i.body) === d.fingerprint)!;
        const combined = allDrafts.find((a) => a.fingerprint === d.fingerprint)!;
        expect(issue.title).toBe(combined.title);
        // A discrepancy about the victim alone (not one shared with the attacker's namespace) never names the attacker.
        if (combined.title === d.title) {
          victimOnly++;
          expect(issue.body).not.toContain('a \\<');
        }
      }
      expect(victimOnly).toBeGreaterThan(0);
    } finally {
      await gh.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
