// Atomic writes: a process killed mid-write (SIGKILL, in a child process) leaves the old file whole.
import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';
import { beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../src/atomic-write.js';
import { KtmError } from '../src/errors.js';
import { tempDir } from './helpers/temp-dir.js';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Compiles src modules to plain JavaScript in `dir` (their imports keep their `.js` names), so a child `node` runs the real code. */
async function compile(dir: string, modules: readonly string[]): Promise<void> {
  for (const m of modules) {
    const source = await readFile(path.join(ROOT, 'src', `${m}.ts`), 'utf8');
    const out = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    await writeFile(path.join(dir, `${m}.js`), out.outputText);
  }
}

describe('writeFileAtomic', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir('ktm-atomic-');
  });

  it('leaves the old file intact when the writer is SIGKILLed mid-write', async () => {
    await compile(dir, ['atomic-write', 'errors']);
    const target = path.join(dir, 'threatmodel.yaml');
    const original = 'apiVersion: ktm.dev/v1alpha1\nkind: ThreatModel\nassumptions:\n  - id: keep-me\n';
    await writeFile(target, original);
    // The child writes half of a new file, says so, then waits to be killed.
    await writeFile(
      path.join(dir, 'child.mjs'),
      `import { writeAtomicWith } from './atomic-write.js';
await writeAtomicWith(process.argv[2], async (handle) => {
  await handle.write('x'.repeat(1 << 20));
  process.stdout.write('half\\n');
  await new Promise(() => {});
});`,
    );
    const child = spawn(process.execPath, [path.join(dir, 'child.mjs'), target], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('half')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`child exited early with ${String(code)}`)));
    });
    const exited = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(await readFile(target, 'utf8')).toBe(original);
    // The half-written temporary file is a hidden sibling, never the target.
    const left = (await readdir(dir)).filter((f) => f.startsWith('.threatmodel.yaml.ktm-'));
    expect(left).toHaveLength(1);
    expect((await readFile(path.join(dir, left[0]!))).length).toBe(1 << 20);
  });

  it('replaces the file whole and leaves no temporary file', async () => {
    const target = path.join(dir, 'a.txt');
    await writeFile(target, 'old');
    await writeFileAtomic(target, 'new content');
    expect(await readFile(target, 'utf8')).toBe('new content');
    expect(await readdir(dir)).toEqual(['a.txt']);
  });

  it('reports a folder that does not exist as one line, and writes nothing', async () => {
    const target = path.join(dir, 'missing', 'a.txt');
    const err = await writeFileAtomic(target, 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KtmError);
    expect((err as KtmError).line()).toMatch(/missing\/a\.txt: cannot write: ENOENT/);
  });
});
