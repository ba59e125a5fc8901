// `ktm probe` planning and bounds: --dry-run contacts nothing, a probe map is the whole list, timeouts and the rate limit hold.
import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rateLimiter, runProbes } from '../../src/collect/probe/run-probes.js';
import type { ProbeResult, ProbeTarget } from '../../src/collect/probe/types.js';
import http from 'node:http';
import { main } from '../../src/cli/main.js';
import { captureIo, runKtm } from '../helpers/capture-io.js';
import { tempDir } from '../helpers/temp-dir.js';

async function tempFile(name: string, text: string): Promise<string> {
  const file = path.join(await tempDir('ktm-probe-cmd-'), name);
  await writeFile(file, text);
  return file;
}

describe('ktm probe --dry-run', () => {
  it("lists the model's endpoints of every kind the issue names, resolved to node and Service addresses", async () => {
    const out = await runKtm(['probe', '--demo', '--dry-run', '-o', 'json']);
    expect(out.code).toBe(0);
    const plan = JSON.parse(out.stdout) as { targets: ProbeTarget[]; skipped: unknown[] };
    const byKind = new Map<string, string[]>();
    for (const t of plan.targets)
      byKind.set(t.kind, [...(byKind.get(t.kind) ?? []), `${t.id}=${t.host}:${t.port}`]);
    expect([...byKind.keys()].sort()).toEqual([
      'aggregated-api',
      'etcd-client',
      'etcd-peer',
      'kube-apiserver',
      'kube-controller-manager',
      'kube-proxy-health',
      'kube-proxy-metrics',
      'kube-scheduler',
      'kubelet',
      'kubelet-read-only',
      'node-port',
      'webhook',
    ]);
    expect(byKind.get('etcd-client')).toEqual(['etcd:lab-cp-1:2379=10.0.0.10:2379']);
    expect(byKind.get('kubelet')).toEqual([
      'kubelet:lab-cp-1:10250=10.0.0.10:10250',
      'kubelet:lab-worker-1:10250=10.0.0.11:10250',
      'kubelet:lab-worker-2:10250=10.0.0.12:10250',
    ]);
    expect(byKind.get('aggregated-api')).toEqual([
      'service:kube-system/metrics-server:443=10.102.141.253:443',
    ]);
    expect(byKind.get('node-port')).toHaveLength(9); // 3 NodePorts on 3 nodes
    expect(plan.targets).toHaveLength(29);
  });

  it('with a probe map, only mapped endpoints are listed; a map entry the model lacks is one clear error', async () => {
    const map = await tempFile('map.yaml', "'kube-apiserver:6443': 127.0.0.1:16443\n");
    const out = await runKtm(['probe', '--demo', '--dry-run', '--probe-map', map]);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(
      /^Would probe 1 endpoint:\n {2}kube-apiserver:6443 {2}127\.0\.0\.1:16443 {2}kube-apiserver\n/,
    );
    expect(out.stdout).toContain('  kubelet:lab-cp-1:10250: not in the probe map');
    const bad = await tempFile('bad.yaml', "'kube-apiserver:644': 127.0.0.1:16443\n");
    const err = await runKtm(['probe', '--demo', '--dry-run', '--probe-map', bad]);
    expect(err.code).toBe(2);
    expect(err.stderr).toBe(
      'ktm: --probe-map: probe map names endpoints the model does not have: kube-apiserver:644 (list the endpoint ids with ktm probe --dry-run)\n',
    );
  });

  it('with neither --target nor a cluster to read, says what to give', async () => {
    const out = await runKtm(['probe']);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(
      'ktm: arguments: nothing to probe (give --target HOST:PORT, or a cluster to read: PATH..., --demo or --live)\n',
    );
  });

  it('refuses probe options on assess without --probe, and a CA file without certificates', async () => {
    const noProbe = await runKtm(['assess', '--demo', '--target', '127.0.0.1:1']);
    expect(noProbe.code).toBe(2);
    expect(noProbe.stderr).toBe(
      'ktm: arguments: probe options without --probe (add --probe to run the probes)\n',
    );
    const slow = await runKtm(['probe', '--target', '127.0.0.1:1', '--probe-timeout', 'soon']);
    expect(slow.stderr).toBe("ktm: --probe-timeout: invalid duration 'soon' (use e.g. 30s, 5m, 1h)\n");
    const ca = await tempFile('ca.crt', 'not a certificate\n');
    const badCa = await runKtm(['probe', '--target', '127.0.0.1:1', '--ca', ca]);
    expect(badCa.code).toBe(2);
    expect(badCa.stderr).toBe('ktm: --ca: no PEM certificate found (give the cluster CA in PEM (ca.crt))\n');
  });
});

/** Probes a server on loopback that accepts connections and never says a word; how long it took. */
async function probeSilentServer(
  options: Parameters<typeof runProbes>[1],
): Promise<{ r: ProbeResult; elapsed: number }> {
  const sockets: net.Socket[] = [];
  const silent = net.createServer((s) => sockets.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const port = (silent.address() as net.AddressInfo).port;
  const started = Date.now();
  try {
    const run = await runProbes([{ id: 'silent', kind: 'unknown', host: '127.0.0.1', port }], options);
    return { r: run.results[0]!, elapsed: Date.now() - started };
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent.close(r));
  }
}

describe('bounds', () => {
  it('a server that accepts and never answers costs one timeout per attempt, not a hang', async () => {
    const { r, elapsed } = await probeSilentServer({ timeoutMs: 200, ratePerSecond: 1000 });
    expect(r.reachable).toBe(true);
    expect(r.plainHttp).toEqual({ spoken: false, detail: 'no answer to plain HTTP' });
    // Silence is not a refusal: each version is untested, and said so.
    expect(Object.values(r.tls.versions)).toEqual(['untested', 'untested', 'untested', 'untested']);
    expect(r.limits).toEqual(
      ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'].map((v) => `${v}: no answer within the timeout`),
    );
    // One plain attempt and four TLS attempts of 200 ms each, nothing more.
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(elapsed).toBeLessThan(3000);
  });

  it('a target out of time gets no further checks, and its results say so instead of "refused"', async () => {
    const { r, elapsed } = await probeSilentServer({
      timeoutMs: 200,
      targetTimeoutMs: 500,
      ratePerSecond: 1000,
    });
    // plain HTTP 200 ms, TLS 1.0 200 ms, TLS 1.1 the last 100 ms; TLS 1.2 and 1.3 are not tried.
    expect(r.tls.versions).toEqual({
      TLSv1: 'untested',
      'TLSv1.1': 'untested',
      'TLSv1.2': 'untested',
      'TLSv1.3': 'untested',
    });
    expect(r.limits).toEqual([
      'TLSv1: no answer within the timeout',
      'TLSv1.1: no answer within the timeout',
      'the per-target time limit (500 ms) ran out: the remaining checks were not made',
    ]);
    expect(elapsed).toBeLessThan(1000);
  });

  it('shows progress on a terminal, and only there', async () => {
    const server = http.createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const { io, out } = captureIo();
    const code = await main(['probe', '--target', `127.0.0.1:${port}`], { ...io, stderrIsTty: true });
    const quiet = await runKtm(['probe', '--target', `127.0.0.1:${port}`]);
    await new Promise((r) => server.close(r));
    expect(code).toBe(0);
    expect(out().stderr).toContain(`probing: 1/1 127.0.0.1:${port}`);
    expect(out().stdout).toContain('plain HTTP: SPOKEN (answered plain HTTP (status 404))');
    expect(quiet.stderr).toBe('');
  });

  it('the rate limit spaces connections across concurrent probes', async () => {
    const limit = rateLimiter(20);
    const started = Date.now();
    await Promise.all(Array.from({ length: 6 }, () => limit()));
    // 6 connections at 20 per second: the last starts 250 ms after the first.
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });
});
