// Files teams edit are never lost: init refuses to replace any of them without --force, what init writes
// always loads (Kubernetes' longest names), a cut threat model is refused, and YAML errors point at their line.
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIo } from '../helpers/capture-io.js';
import { tempDir } from '../helpers/temp-dir.js';

async function ktm(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const { io, out } = captureIo();
  const code = await main(args, { ...io, cwd });
  return { code, ...out() };
}

describe('safe writes of the threat model and its companions', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir('ktm-safe-');
  });

  it('init --model new.yaml does not overwrite an edited RRA document or schema without --force', async () => {
    expect((await ktm(['init', '--demo', '--model', 'threatmodel.yaml'], dir)).code).toBe(0);
    const rra = path.join(dir, 'rra', 'kube-apiserver.md');
    await writeFile(rra, '# edited by the API server team\n');
    const r = await ktm(['init', '--demo', '--model', 'new.yaml'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^ktm: threatmodel\.schema\.json: already exists \(and \d+ more files ktm would replace\)/,
    );
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(await readFile(rra, 'utf8')).toBe('# edited by the API server team\n');
    expect(await readdir(dir)).not.toContain('new.yaml');
    const forced = await ktm(['init', '--demo', '--model', 'new.yaml', '--force'], dir);
    expect(forced.code).toBe(0);
    expect(await readFile(rra, 'utf8')).toContain('# Rapid Risk Assessment: kube-apiserver');
    // No temporary file is left beside what was written.
    expect((await readdir(dir)).filter((f) => f.includes('.ktm-'))).toEqual([]);
  });

  it('init on a 63-character namespace and a 253-character Deployment writes a file --model loads', async () => {
    const ns = `n${'a'.repeat(61)}z`;
    const name = `d${'b'.repeat(251)}z`;
    expect(ns).toHaveLength(63);
    expect(name).toHaveLength(253);
    await writeFile(
      path.join(dir, 'long.yaml'),
      `apiVersion: v1
kind: Namespace
metadata: {name: ${ns}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: x}}
  template:
    metadata: {labels: {app: x}}
    spec:
      containers: [{name: c, image: nginx, env: [{name: DB, value: "postgres://${name}.${ns}:5432"}]}]
---
apiVersion: v1
kind: Service
metadata: {name: ${name.slice(0, 63)}, namespace: ${ns}}
spec: {selector: {app: x}, ports: [{port: 80}]}
`,
    );
    const init = await ktm(['init', path.join(dir, 'long.yaml'), '--complete'], dir);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(await readFile(path.join(dir, 'threatmodel.yaml'), 'utf8')).toContain(`${ns}/Deployment/${name}`);
    const assess = await ktm(
      ['assess', path.join(dir, 'long.yaml'), '--complete', '--model', 'threatmodel.yaml', '-o', 'json'],
      dir,
    );
    expect(assess.stderr).toBe('');
    expect(assess.code).toBe(0);
  });

  it('a threat model cut at a line boundary is refused by model update and --model, and left as it is', async () => {
    expect((await ktm(['init', '--demo'], dir)).code).toBe(0);
    const file = path.join(dir, 'threatmodel.yaml');
    const whole = await readFile(file, 'utf8');
    const lines = whole.split('\n');
    const at = lines.findIndex((l) => l === 'assumptions:');
    expect(at).toBeGreaterThan(0);
    const cut = `${lines.slice(0, at).join('\n')}\n`;
    await writeFile(file, cut);
    const update = await ktm(['model', 'update', '--demo'], dir);
    expect(update.code).toBe(2);
    expect(update.stderr).toMatch(/^ktm: \S*threatmodel\.yaml:\d+:1: the file looks cut/);
    expect(await readFile(file, 'utf8')).toBe(cut);
    const assess = await ktm(['assess', '--demo', '--model', 'threatmodel.yaml'], dir);
    expect(assess.code).toBe(2);
    expect(assess.stderr).toContain('the file looks cut');
    // The whole file updates, keeps every assumption and still ends with the end line.
    await writeFile(file, whole);
    const ok = await ktm(['model', 'update', '--demo'], dir);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const after = await readFile(file, 'utf8');
    expect(after.trimEnd().split('\n').at(-1)).toMatch(/^# end of threat model/);
    expect(after.match(/^ {2}- id: /gm)?.length).toBe(whole.match(/^ {2}- id: /gm)?.length);
  });

  it('reports a YAML syntax error in the threat model at its line and column', async () => {
    await writeFile(
      path.join(dir, 'tm.yaml'),
      'apiVersion: ktm.dev/v1alpha1\nkind: ThreatModel\nmetadata:\n  name: x\nzones:\n  - id: a\n    name: [unclosed\n',
    );
    const r = await ktm(['assess', '--demo', '--model', 'tm.yaml'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ktm: \S*tm\.yaml:(7|8):\d+: /);
  });
});
