// The published package holds what a user runs: the CLI and library, the example cluster, the deploy manifests, the
// schemas, the docs the README links to and the LICENSE; no compiled tests, benchmarks, scripts or source maps.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function packedFiles(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
  });
  return (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
}

describe('npm package contents', () => {
  const files = packedFiles();

  it('ships the CLI, the library, the LICENSE and the schema; no tests, benchmarks, scripts or source maps', () => {
    expect(files).toContain('dist/bin/ktm.js');
    expect(files).toContain('dist/src/index.js');
    expect(files).toContain('LICENSE');
    expect(files).toContain('schema/assessment.schema.json');
    expect(files.filter((f) => /^dist\/(test|bench|scripts)\//.test(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
  });

  it('the LICENSE is the license package.json names', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { license: string };
    expect(pkg.license).toBe('Apache-2.0');
    expect(readFileSync(path.join(root, 'LICENSE'), 'utf8')).toContain(
      'Apache License\n                           Version 2.0',
    );
  });

  it('every relative link in every Markdown file the package ships resolves to a file in the package', () => {
    const markdown = files.filter((f) => f.endsWith('.md'));
    expect(markdown.length).toBeGreaterThan(10);
    const broken = markdown.flatMap((f) =>
      [...readFileSync(path.join(root, f), 'utf8').matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)]
        .map((m) => m[1]!)
        .filter((l) => !/^[a-z]+:/.test(l))
        .map((l) => path.posix.normalize(path.posix.join(path.posix.dirname(f), l)))
        .filter((t) => !files.includes(t) && !files.some((x) => x.startsWith(`${t}/`)))
        .map((t) => `${f} -> ${t}`),
    );
    expect(broken).toEqual([]);
  });

  it('no shipped script points at a source map', () => {
    const scripts = files.filter((f) => f.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(100);
    expect(
      scripts.filter((f) => readFileSync(path.join(root, f), 'utf8').includes('sourceMappingURL')),
    ).toEqual([]);
  });

  it('every file the README links to is in the package', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)]
      .map((m) => m[1]!)
      .filter((l) => !/^[a-z]+:/.test(l));
    expect(links.length).toBeGreaterThan(5);
    expect(links.filter((l) => !files.includes(path.posix.normalize(l)))).toEqual([]);
  });
});
