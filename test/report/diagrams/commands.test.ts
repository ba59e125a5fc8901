// `ktm dataflow` and `ktm zones` end to end on the manifest fixture: formats, options, one-line errors.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runKtm } from '../../helpers/capture-io.js';
import { tempDirSync } from '../../helpers/temp-dir.js';

const FIXTURE = 'test/fixtures/model/cluster';

describe('ktm dataflow', () => {
  it('prints the model as JSON', async () => {
    const r = await runKtm(['dataflow', FIXTURE, '-o', 'json']);
    expect(r.code).toBe(0);
    const model = JSON.parse(r.stdout) as {
      components: { id: string }[];
      flows: unknown[];
      zones: unknown[];
    };
    expect(model.components.some((c) => c.id === 'kube-apiserver')).toBe(true);
    expect(model.flows.length).toBeGreaterThan(20);
  });

  it('prints DOT, Mermaid and SVG, the same bytes on every run', async () => {
    for (const format of ['dot', 'mermaid', 'svg']) {
      const a = await runKtm(['dataflow', FIXTURE, '-o', format]);
      const b = await runKtm(['dataflow', FIXTURE, '-o', format]);
      expect(a.code, a.stderr).toBe(0);
      expect(a.stdout).toBe(b.stdout);
    }
    const dot = await runKtm(['dataflow', FIXTURE]);
    expect(dot.stdout).toMatch(/^digraph dataflow \{/);
    expect((await runKtm(['dataflow', FIXTURE, '-o', 'mermaid'])).stdout).toMatch(/^flowchart LR/);
    expect((await runKtm(['dataflow', FIXTURE, '-o', 'svg'])).stdout).toContain('</svg>');
  });

  it('expands with --detail and focuses with --zone', async () => {
    const collapsed = await runKtm(['dataflow', FIXTURE]);
    const detail = await runKtm(['dataflow', FIXTURE, '--detail']);
    expect(collapsed.stdout).not.toContain('shop/web\\nDeployment');
    expect(detail.stdout).toContain('shop/web\\nDeployment');
    const focus = await runKtm(['dataflow', FIXTURE, '--zone', 'Master Data']);
    expect(focus.stdout).toContain('etcd (cp-1)');
    expect(focus.stdout).not.toContain('kube-scheduler');
  });

  it('fails with one line for an unknown zone or a bad zones file', async () => {
    const r = await runKtm(['dataflow', FIXTURE, '--complete', '--zone', 'nowhere']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "ktm: --zone: nothing named 'nowhere' (did you mean 'worker'? `ktm zones` lists them)\n",
    );
    const dir = tempDirSync('ktm-zones-');
    const bad = path.join(dir, 'zones.yaml');
    writeFileSync(bad, 'merge: [{ into: x }]\n');
    const z = await runKtm(['dataflow', FIXTURE, '--zones-file', bad]);
    expect(z.code).toBe(2);
    expect(z.stderr).toMatch(/^ktm: .*zones\.yaml: invalid zones file: merge\.0\.zones/);
    expect(z.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('ktm zones', () => {
  it('prints the zone tree as a table', async () => {
    const r = await runKtm(['zones', FIXTURE, '--tenant-label', 'team']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^ZONE\s+KIND\s+C\s+I\s+A\s+MEMBERS\s+NODES\s+IN\s+OUT\s+CONTROLS$/);
    expect(lines.some((l) => /^Master Data\s+top\s+Crit\s+Crit\s+Crit\s/.test(l))).toBe(true);
    expect(lines.some((l) => /^ {2}tenant retail\s+tenant/.test(l))).toBe(true);
    expect(lines.some((l) => /^ {4}shop\s+namespace.*deny:present.*pss:present/.test(l))).toBe(true);
  });

  it('applies a zones file and prints JSON and SVG', async () => {
    const dir = tempDirSync('ktm-zones-');
    const file = path.join(dir, 'zones.yaml');
    writeFileSync(file, 'rename:\n  - zone: container\n    name: Workloads\n');
    const json = await runKtm(['zones', FIXTURE, '-o', 'json', '--zones-file', file]);
    expect(json.code, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as { zones: { id: string; name: string }[] };
    expect(parsed.zones.find((z) => z.id === 'container')?.name).toBe('Workloads');
    const svg = await runKtm(['zones', FIXTURE, '-o', 'svg', '--zones-file', file]);
    expect(svg.stdout).toContain('>Workloads</text>');
  });
});
