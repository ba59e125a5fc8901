// `ktm reach` end to end on a manifest folder: the reader, the engine and each output format.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runKtm } from '../../helpers/capture-io.js';

const shop = path.join(import.meta.dirname, '..', '..', 'fixtures', 'network-policy', 'shop');

describe('ktm reach', () => {
  it('prints the connlist of a manifest folder exactly', async () => {
    const r = await runKtm(['reach', shop]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(await readFile(path.join(shop, 'expected.txt'), 'utf8'));
  });

  it('renders json, md and dot', async () => {
    const json = await runKtm(['reach', shop, '-o', 'json']);
    const parsed = JSON.parse(json.stdout) as {
      connections: { src: string; dst: string; conn: string }[];
      networkPlugin: { enforces: string };
    };
    expect(parsed.connections).toContainEqual({
      src: 'shop/frontend[Deployment]',
      dst: 'shop/backend[Deployment]',
      conn: 'TCP 9000',
    });
    expect(parsed.networkPlugin.enforces).toBe('unknown');
    const md = await runKtm(['reach', shop, '-o', 'md']);
    expect(md.stdout).toContain(
      '| shop/frontend\\[Deployment\\] | shop/backend\\[Deployment\\] | TCP 9000 |',
    );
    // The old spelling still works, with one warning line.
    const dot = await runKtm(['reach', shop, '--format', 'dot']);
    expect(dot.stdout).toMatch(/^digraph \{/);
    expect(dot.stderr).toContain('ktm: warning: --format is deprecated: use -o/--output\n');
    expect(dot.stdout).toContain(
      '"shop/frontend[Deployment]" -> "shop/backend[Deployment]" [label="TCP 9000"',
    );
  });

  it('on a cluster protected only by Cilium policies, lists what they allow and names what they leave undecidable', async () => {
    const dir = path.join(shop, '..', 'cilium-shop');
    const r = await runKtm(['reach', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(await readFile(path.join(dir, 'expected.txt'), 'utf8'));
    expect(r.stdout).toContain(
      'shop/frontend[Deployment] => shop/backend[Deployment] : undecidable: TCP 9000\n',
    );
    expect(r.stderr).toContain('(FQDN rule (toFQDNs); L7 rule (http))');
    const json = JSON.parse((await runKtm(['reach', dir, '-o', 'json'])).stdout) as {
      connections: { src: string; dst: string; conn: string; undecidable?: string }[];
    };
    expect(json.connections).toContainEqual({
      src: 'shop/backend[Deployment]',
      dst: '0.0.0.0-255.255.255.255[External]',
      conn: 'No Connections',
      undecidable: 'TCP 443',
    });
  });

  it('rejects an unknown format with exit 2', async () => {
    expect((await runKtm(['reach', shop, '-o', 'xml'])).code).toBe(2);
  });
});
