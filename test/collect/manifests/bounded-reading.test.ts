// Bounded and visible reading: special files, NUL bytes, runaway inputs and every limit with its flag.
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { demoPaths } from '../../../src/collect/demo.js';
import { KtmError } from '../../../src/errors.js';
import { readPaths } from '../../../src/collect/manifests/read-paths.js';
import { captureIo } from '../../helpers/capture-io.js';

async function ktm(
  args: string[],
  stdin: string | NodeJS.ReadableStream = '',
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { io, out } = captureIo(typeof stdin === 'string' ? stdin : '');
  const code = await main(args, typeof stdin === 'string' ? io : { ...io, stdin });
  return { code, ...out() };
}

const PRIVILEGED_POD = `apiVersion: v1
kind: Pod
metadata: {name: root-shell, namespace: default}
spec:
  containers: [{name: c, image: busybox, securityContext: {privileged: true}}]
`;

describe('bounded, visible reading', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ktm-bounded-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('refuses a special file named on the command line with one line and exit 2 (/dev/zero, a FIFO)', async () => {
    const zero = await ktm(['assess', '/dev/zero']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toBe(
      'ktm: /dev/zero: not a regular file (a character device) (give a manifest file or folder; to read a stream, pipe it into ktm and give -)\n',
    );
    const fifo = path.join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    const r = await ktm(['assess', fifo]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/pipe\.yaml: not a regular file \(a FIFO\)/);
  });

  it('names a FIFO with no writer and a dangling link inside a folder, reads the rest, and does not hang', async () => {
    execFileSync('mkfifo', [path.join(dir, 'a-pipe.yaml')]);
    await symlink(path.join(dir, 'gone.yaml'), path.join(dir, 'b-link.yaml'));
    await writeFile(path.join(dir, 'c-pod.yaml'), PRIVILEGED_POD);
    const r = await readPaths([dir], {});
    expect(r.items.map((i) => i.object.metadata.name)).toEqual(['root-shell']);
    expect(r.diagnostics).toEqual([
      {
        severity: 'error',
        where: path.join(dir, 'a-pipe.yaml'),
        message: 'not a regular file (a FIFO); skipped',
      },
      {
        severity: 'error',
        where: path.join(dir, 'b-link.yaml'),
        message: 'not a regular file (a link to nothing); skipped',
      },
    ]);
  });

  it('skips only the document holding a NUL byte: the privileged pod after it is still judged', async () => {
    const file = path.join(dir, 'mixed.yaml');
    await writeFile(
      file,
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: before, namespace: default}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: "bad\u0000name", namespace: default}\n---\n${PRIVILEGED_POD}`,
    );
    const r = await readPaths([file], {});
    expect(r.items.map((i) => i.object.metadata.name)).toEqual(['before', 'root-shell']);
    expect(r.diagnostics).toEqual([
      {
        severity: 'error',
        where: `${file}:7`,
        message: 'NUL byte in this document (binary data or a corrupted file); document skipped',
      },
    ]);
    // The gate fails on the pod, and says that part of the input was not read.
    const gate = await ktm(['assess', file, '--fail-on', 'critical']);
    expect(gate.code).toBe(1);
    expect(gate.stderr).toMatch(
      /mixed\.yaml:7: NUL byte .*: part of the input was not read, so --fail-on critical cannot pass\n$/,
    );
  });

  it('skips only the List item holding a NUL byte in a kubectl dump', async () => {
    const file = path.join(dir, 'dump.yaml');
    await writeFile(
      file,
      `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: "x\u0000", namespace: d}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: kept, namespace: d}\n`,
    );
    const r = await readPaths([file], {});
    expect(r.items.map((i) => i.object.metadata.name)).toEqual(['kept']);
    expect(r.diagnostics.map((d) => d.where)).toEqual([`${file}:6`]);
  });

  /** `kubectl get pods -o json`: a PodList of three pods, the middle one holding two NUL bytes. */
  function podListWithNul(): { text: string; inString: number; outside: number } {
    const pod = (name: string, privileged: boolean): Record<string, unknown> => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default' },
      spec: { containers: [{ name: 'c', image: 'busybox', securityContext: { privileged } }] },
    });
    const list = {
      apiVersion: 'v1',
      items: [pod('before', false), pod('mid\u0000dle', true), pod('root-shell', true)],
      kind: 'List',
      metadata: { resourceVersion: '' },
    };
    // JSON.stringify escapes the NUL as \u0000; the file holds the raw byte, and a second one
    // outside any string (after the middle pod's `"kind": "Pod",`).
    let text = JSON.stringify(list, null, 4).replace('\\u0000', '\u0000');
    const inString = text.indexOf('\u0000');
    const kind = text.indexOf('"kind": "Pod",', inString - 200) + '"kind": "Pod",'.length;
    text = `${text.slice(0, kind)}\u0000${text.slice(kind)}`;
    return { text, inString: text.indexOf('\u0000'), outside: kind };
  }

  /** file:line:column of `text[index]`, counted by hand. */
  function at(file: string, text: string, index: number): string {
    const before = text.slice(0, index).split('\n');
    return `${file}:${before.length}:${before[before.length - 1]!.length + 1}`;
  }

  it('skips only the JSON List item holding NUL bytes: items before and after are read, the gate fails', async () => {
    const file = path.join(dir, 'pods.json');
    const { text, inString, outside } = podListWithNul();
    // The first NUL in the item is the one reported: inside the name or outside strings, whichever comes first.
    const first = Math.min(inString, outside);
    await writeFile(file, text);
    const r = await readPaths([file], {});
    expect(r.items.map((i) => i.object.metadata.name)).toEqual(['before', 'root-shell']);
    expect(r.diagnostics).toEqual([
      {
        severity: 'error',
        where: at(file, text, first),
        message: 'NUL byte in this list item (binary data or a corrupted file); list item skipped',
      },
    ]);
    const gate = await ktm(['assess', file, '--fail-on', 'critical']);
    expect(gate.code).toBe(1);
    expect(gate.stdout).toContain('root-shell');
    expect(gate.stderr).toMatch(
      /pods\.json:\d+:\d+: NUL byte in this list item .*: part of the input was not read, so --fail-on critical cannot pass\n$/,
    );
    // With nothing else failing the gate, the unread item alone makes it exit 2, not 0.
    const quiet = text.replace(/"privileged": true/g, '"privileged": false');
    await writeFile(file, quiet);
    expect((await ktm(['assess', file, '--fail-on', 'critical'])).code).toBe(2);
  });

  it('skips only the top-level JSON value holding a NUL byte in a stream of concatenated values', async () => {
    const file = path.join(dir, 'stream.json');
    const configMap = (name: string): string =>
      JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' } });
    const pod = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'root-shell', namespace: 'default' },
      spec: { containers: [{ name: 'c', image: 'busybox', securityContext: { privileged: true } }] },
    });
    const text = `${configMap('before')}\n${configMap('x').replace('"x"', '"x\u0000"')}\n${pod}\n`;
    await writeFile(file, text);
    const r = await readPaths([file], {});
    expect(r.items.map((i) => i.object.metadata.name)).toEqual(['before', 'root-shell']);
    expect(r.diagnostics).toEqual([
      {
        severity: 'error',
        where: at(file, text, text.indexOf('\u0000')),
        message: 'NUL byte in this document (binary data or a corrupted file); document skipped',
      },
    ]);
    const gate = await ktm(['assess', file, '--fail-on', 'critical']);
    expect(gate.code).toBe(1);
    expect(gate.stderr).toContain('part of the input was not read, so --fail-on critical cannot pass');
  });

  it('--fail-on cannot exit 0 on a partially unread input', async () => {
    await writeFile(path.join(dir, 'ok.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: quiet}\n');
    await symlink(path.join(dir, 'missing.yaml'), path.join(dir, 'dangling.yaml'));
    const r = await ktm(['assess', dir, '--fail-on', 'critical']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'dangling.yaml: not a regular file (a link to nothing); skipped: part of the input was not read',
    );
    // Without the dangling link the same input passes the gate.
    await rm(path.join(dir, 'dangling.yaml'));
    expect((await ktm(['assess', dir, '--fail-on', 'critical'])).code).toBe(0);
  });

  it('stops at --max-documents with one line naming the limit and its flag', async () => {
    const docs = Array.from({ length: 3000 }, (_, i) => `a: ${i}\n`).join('---\n');
    const r = await ktm(['assess', '-', '--max-documents', '1000'], docs);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'ktm: <stdin>:2000: more than 1,000 documents (the --max-documents limit); nothing was assessed (raise it with --max-documents N if the input is genuine)\n',
    );
  });

  it('stops at --max-objects, counting List items', async () => {
    const items = Array.from({ length: 50 }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `c${i}`, namespace: 'd' },
    }));
    const r = await ktm(
      ['assess', '-', '--max-objects', '20'],
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items }),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^ktm: <stdin>:1: more than 20 objects \(the --max-objects limit\); nothing was assessed \(raise it with --max-objects N/,
    );
  });

  it('bounds a never-ending stdin: endless NUL bytes are binary, an endless line stops at --max-file-bytes', async () => {
    const endless = (byte: number): Readable =>
      new Readable({
        read() {
          this.push(Buffer.alloc(1 << 16, byte));
        },
      });
    // Nothing readable at all: exit 2, and the one line says why.
    const zeros = await ktm(['assess', '-'], endless(0));
    expect(zeros.code).toBe(2);
    expect(zeros.stderr).toContain(
      '<stdin>: binary content (NUL and control bytes), not a manifest; skipped',
    );
    const letters = await ktm(['assess', '-', '--max-file-bytes', '8Mi'], endless(0x61));
    expect(letters.code).toBe(2);
    expect(letters.stderr).toBe(
      'ktm: <stdin>: more than 8,388,608 bytes in one file (the --max-file-bytes limit); nothing was assessed (raise it with --max-file-bytes N if the input is genuine)\n',
    );
  });

  it('stops at --max-input-bytes over several files, before reading the file that passes it', async () => {
    for (const n of ['a', 'b', 'c'])
      await writeFile(
        path.join(dir, `${n}.yaml`),
        `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${n}}\n# ${'x'.repeat(1000)}\n`,
      );
    const r = await ktm(['assess', dir, '--max-input-bytes', '2500']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/c\.yaml: more than 2,500 bytes of input \(the --max-input-bytes limit\)/);
    const bad = await ktm(['assess', dir, '--max-input-bytes', 'lots']);
    expect(bad.stderr).toBe(
      "ktm: --max-input-bytes: invalid value 'lots' (give a size such as 512Mi, 8Gi or 1000000)\n",
    );
  });

  it('skips a document whose aliases expand past --max-yaml-aliases and reads the next', async () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]',
    ].join('\n');
    const r = await ktm(
      ['assess', '-', '-o', 'json', '--max-yaml-aliases', '50'],
      `${bomb}\n---\n${PRIVILEGED_POD}`,
    );
    const a = JSON.parse(r.stdout) as {
      diagnostics: { where: string; message: string }[];
      inventory: unknown;
    };
    expect(a.diagnostics).toContainEqual({
      severity: 'error',
      where: '<stdin>:1',
      message: 'YAML aliases expand to more than 50 nodes (the --max-yaml-aliases limit); document skipped',
    });
    expect(r.stdout).toContain('root-shell');
  });

  it('reads no file outside a snapshot folder: an unknown resource in snapshot.json is one line, exit 2', async () => {
    const snap = path.join(dir, 'snap');
    await cp(demoPaths().snapshot, snap, { recursive: true });
    await mkdir(path.join(dir, 'outside'));
    await writeFile(
      path.join(dir, 'outside', 'private.json'),
      '{"apiVersion":"v1","kind":"List","items":[]}',
    );
    const manifestFile = path.join(snap, 'snapshot.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as {
      coverage: { resources: { resource: string }[] };
    };
    manifest.coverage.resources[0]!.resource = '../outside/private';
    await writeFile(manifestFile, JSON.stringify(manifest));
    const r = await ktm(['assess', snap]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^ktm: \S*snap\/snapshot\.json: coverage\.resources\[0\]\.resource: unknown resource type '\.\.\/outside\/private' \(/,
    );
    expect(r.stderr.split('\n')).toHaveLength(2);
  });

  it('a limit is a KtmError the library caller can catch', async () => {
    const err = await readPaths(['/dev/zero'], {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KtmError);
  });
});
