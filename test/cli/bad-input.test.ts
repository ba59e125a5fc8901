// Bad input through the whole CLI: every case exits 0, 1 or 2, prints no stack trace, and names the problem and where.
import { beforeAll, describe, expect, it } from 'vitest';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runKtm, type Captured } from '../helpers/capture-io.js';
import { tempDir } from '../helpers/temp-dir.js';

const fx = (name: string): string => path.join('test/fixtures/manifests', name);

function expectWellBehaved(r: Captured): void {
  expect([0, 1, 2]).toContain(r.code);
  for (const out of [r.stdout, r.stderr]) {
    expect(out).not.toContain('    at ');
    expect(out).not.toContain('internal error');
    // Terminal escape sequences from the input never reach the terminal raw.
    expect(out).not.toContain('\u001b');
  }
}

let tmp = '';
beforeAll(async () => {
  tmp = await tempDir('ktm-bad-input-');
});

describe('ktm assess on bad input', () => {
  it('invalid YAML: the error at file:line:column, the other documents still assessed', async () => {
    const r = await runKtm(['assess', fx('invalid-yaml.yaml')]);
    expectWellBehaved(r);
    expect(r.code).not.toBe(2);
    expect(r.stdout).toContain('error: test/fixtures/manifests/invalid-yaml.yaml:14:3: invalid YAML');
    expect(r.stdout).toMatch(/ConfigMap\s+2/);
  });

  it('a document without kind or apiVersion: skipped with a diagnostic line', async () => {
    const r = await runKtm(['assess', fx('missing-envelope.yaml')]);
    expectWellBehaved(r);
    expect(r.stdout).toContain(
      'error: test/fixtures/manifests/missing-envelope.yaml:1: not a Kubernetes object: missing kind',
    );
    expect(r.stdout).toContain('missing-envelope.yaml:5: not a Kubernetes object: missing apiVersion');
  });

  it('an unknown kind: kept in the inventory', async () => {
    const r = await runKtm(['assess', fx('unknown-kind.yaml'), '-o', 'json']);
    expectWellBehaved(r);
    expect(r.code).not.toBe(2);
    expect(r.stdout).toContain('Widget');
  });

  it('a truncated JSON List: the objects before the cut assessed, the cut reported', async () => {
    const r = await runKtm(['assess', fx('truncated-list.json')]);
    expectWellBehaved(r);
    expect(r.stdout).toMatch(/Pod\s+2/);
    expect(r.stdout).toMatch(
      /error: test\/fixtures\/manifests\/truncated-list\.json:24:\d+: invalid JSON: unexpected end of input/,
    );
  });

  it('binary junk alone: exit 2, one line naming the file and the problem', async () => {
    const r = await runKtm(['assess', fx('binary-junk.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(
      'every document failed to read (1 error; first: test/fixtures/manifests/binary-junk.yaml: binary content',
    );
  });

  it('an empty file alone: exit 2, one line saying nothing was read', async () => {
    const r = await runKtm(['assess', fx('empty.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'ktm: test/fixtures/manifests/empty.yaml: no Kubernetes objects in the input (give manifests (YAML or JSON), a snapshot folder written by `ktm collect`, --demo, or a live cluster)\n',
    );
  });

  it('the same object in two files: kept once, noted', async () => {
    const r = await runKtm(['assess', fx('dup-a'), fx('dup-b')]);
    expectWellBehaved(r);
    expect(r.stdout).toMatch(/ConfigMap\s+1/);
    expect(r.stdout).toContain(
      'info: test/fixtures/manifests/dup-b/app.yaml:2: duplicate ConfigMap shop/settings',
    );
  });

  it('a folder of 10,000 small files', async () => {
    const dir = path.join(tmp, 'many');
    await mkdir(dir);
    await Promise.all(
      Array.from({ length: 10_000 }, (_, i) =>
        writeFile(
          path.join(dir, `sa-${String(i).padStart(5, '0')}.yaml`),
          `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa-${i}\n  namespace: many\n`,
        ),
      ),
    );
    const r = await runKtm(['assess', dir]);
    expectWellBehaved(r);
    expect(r.stdout).toMatch(/ServiceAccount\s+10000/);
  });

  it('hostile names and labels: markup, newlines, terminal escapes and a 10,000-character name, escaped', async () => {
    const dir = path.join(tmp, 'hostile');
    await mkdir(dir);
    const objects = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: '<img src=x onerror=alert(1)>' } },
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: {
          name: 'sa\nFAKE LINE\r\u001b[2J\u001b]0;title\u0007',
          namespace: 'x',
          labels: { a: '\u001b[31m' },
        },
      },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'x'.repeat(10_000), namespace: 'x' } },
      { apiVersion: 'v1', kind: '\u001b[31mEvilKind\nline', metadata: { name: 'y' } },
    ];
    await writeFile(path.join(dir, 'hostile.json'), objects.map((o) => JSON.stringify(o)).join('\n'));
    await writeFile(path.join(dir, 'bad\u001b[31mname.yaml'), 'kind: [\n');
    for (const format of ['table', 'json']) {
      const r = await runKtm(['assess', dir, '-o', format]);
      expectWellBehaved(r);
      expect(r.code).not.toBe(2);
    }
    const table = await runKtm(['assess', dir]);
    expect(table.stdout).not.toContain('FAKE LINE\n');
    expect(table.stdout).toContain('invalid YAML');
  });

  it('the hostile-name fixture through every output format, issue drafts included: nothing injected', async () => {
    const dir = path.join(tmp, 'hostile-all');
    await mkdir(dir);
    const ns = 'ns<img src=x onerror=alert(1)>';
    const evil =
      'p<!-- ktm-fingerprint: 0123456789abcdef -->\n# H1 *b* [l](http://e) \u001b[2J\u0007\u0000`x`';
    const objects = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: evil, namespace: ns, labels: { app: '\u001b[31m<b>' } },
        spec: {
          hostPID: true,
          containers: [{ name: 'c\u001b[1m', image: 'busybox', securityContext: { privileged: true } }],
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'svc', namespace: ns },
        spec: { type: 'LoadBalancer', selector: { app: '\u001b[31m<b>' }, ports: [{ port: 80 }] },
      },
    ];
    const input = path.join(dir, 'hostile.json');
    await writeFile(input, objects.map((o) => JSON.stringify(o)).join('\n'));
    // Raw markup from the names: `<img` or `<!--` not preceded by an escaping backslash.
    const rawMarkup = /(^|[^\\])<(img src=x|!-- ktm-fingerprint|b>)/m;
    const outputs: { name: string; kind: 'json' | 'markup' | 'terminal'; text: string }[] = [];
    const TERMINAL = new Set(['table', 'text', 'connlist']);
    const run = async (args: string[]): Promise<void> => {
      const r = await runKtm(args);
      expectWellBehaved(r);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).not.toBe(2);
      const format = args.at(-1)!;
      const kind = format === 'json' ? 'json' : TERMINAL.has(format) ? 'terminal' : 'markup';
      outputs.push({ name: args.filter((a) => a !== input).join(' '), kind, text: r.stdout });
    };
    for (const format of ['table', 'json']) await run(['assess', input, '-o', format]);
    for (const format of ['dot', 'svg', 'mermaid', 'json']) await run(['dataflow', input, '-o', format]);
    for (const format of ['table', 'json', 'svg']) await run(['zones', input, '-o', format]);
    for (const format of ['table', 'json', 'dot']) await run(['paths', input, '-o', format]);
    for (const format of ['connlist', 'json', 'md', 'dot']) await run(['reach', input, '-o', format]);
    for (const format of ['text', 'json']) await run(['what-if', input, '--stop', ns, '-o', format]);
    await run(['rra', input, '-o', 'md']);
    for (const o of outputs) {
      if (o.kind === 'json') expect(() => JSON.parse(o.text) as unknown, o.name).not.toThrow();
      // Markup formats (SVG, DOT, Mermaid, Markdown); terminal text is escaped for the terminal (no ESC, checked above).
      else if (o.kind === 'markup') expect(o.text, o.name).not.toMatch(rawMarkup);
    }
    for (const format of ['markdown', 'github', 'gitlab', 'jira-csv']) {
      const out = path.join(dir, `issues-${format}`);
      const r = await runKtm(['issues', input, '--dir', out, '-o', format, '--threshold', 'info']);
      expectWellBehaved(r);
      expect(r.code).toBe(0);
      const files = await readdir(out);
      for (const f of files) {
        const text = await readFile(path.join(out, f), 'utf8');
        expect(text).not.toContain('\u001b');
        expect(text).not.toContain('\u0000');
        if (f.endsWith('.md')) {
          // The only marker is ktm's own, on the last line; no name opens a heading or an HTML comment.
          const lines = text.trimEnd().split('\n');
          expect(lines.at(-1)).toMatch(/^<!-- ktm-fingerprint: [0-9a-f]{16} -->$/);
          expect(lines.slice(0, -1).join('\n')).not.toMatch(rawMarkup);
          expect(text).not.toMatch(/^# H1/m);
        }
      }
      expect(files.length).toBeGreaterThan(0);
    }
  });

  it('stdin with junk and a good document', async () => {
    const r = await runKtm(
      ['assess', '-'],
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ok\n---\n: : :\n  - [\n',
    );
    expectWellBehaved(r);
    expect(r.stdout).toMatch(/Namespace\s+1/);
    expect(r.stdout).toMatch(/error: <stdin>:\d+:\d+: invalid YAML/);
  });

  it('a snapshot folder whose snapshot.json is invalid: exit 2 with one line naming the file', async () => {
    const dir = path.join(tmp, 'snap');
    await cp(fx('snapshot-lab'), dir, { recursive: true });
    await writeFile(
      path.join(dir, 'snapshot.json'),
      '{"apiVersion": "ktm.dev/v1alpha1", "kind": "Snapshot"}',
    );
    const r = await runKtm(['assess', dir]);
    expectWellBehaved(r);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${path.join(dir, 'snapshot.json')}: invalid snapshot manifest: cluster`);
  });

  it('a snapshot folder with a missing List file: assessed, the type reported as failed', async () => {
    const r = await runKtm(['assess', fx('snapshot-lab')]);
    expectWellBehaved(r);
    expect(r.code).not.toBe(2);
    expect(r.stdout).toMatch(/deployments\.apps\s+failed/);
    expect(r.stdout).toContain(
      'deployments.apps.json: the snapshot records this type as read but the file is missing',
    );
  });

  it('a path that does not exist: exit 2 with one line', async () => {
    const r = await runKtm(['assess', fx('nope.yaml')]);
    expectWellBehaved(r);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ktm: test\/fixtures\/manifests\/nope\.yaml: no such file or folder/);
  });
});
