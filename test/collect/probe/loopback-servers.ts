// Real servers on 127.0.0.1 for the probe tests: certificates from the openssl CLI, etcd, openssl s_server, nginx, Node HTTPS.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A binary the tests need: missing fails under CI=true, and skips with the reason elsewhere. */
export function requireBinary(file: string, apt: string): string | undefined {
  if (existsSync(file)) return undefined;
  const reason = `${file} is missing (apt-get install -y ${apt})`;
  if (process.env.CI === 'true') throw new Error(`${reason}: CI must install it (.ci/run)`);
  return reason;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Waits until a TCP port on loopback accepts connections. */
export async function waitForPort(port: number, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.on('connect', () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
}

/** Certificates made with the openssl CLI in a temp folder: a CA, server certificates, a client certificate. */
export class TestPki {
  private constructor(readonly dir: string) {}

  static async create(): Promise<TestPki> {
    const pki = new TestPki(await mkdtemp(path.join(os.tmpdir(), 'ktm-probe-pki-')));
    pki.openssl([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '2',
      '-subj',
      '/CN=ktm-test-ca',
    ]);
    return pki;
  }

  file(name: string): string {
    return path.join(this.dir, name);
  }

  read(name: string): Promise<string> {
    return readFile(this.file(name), 'utf8');
  }

  private openssl(args: string[]): void {
    execFileSync('openssl', args, { cwd: this.dir, stdio: 'pipe' });
  }

  /** A leaf certificate signed by the CA (or self-signed), with the given subjectAltName and lifetime in days (-1: expired). */
  async leaf(
    name: string,
    opts: { san: string; days?: number; selfSigned?: boolean; clientAuth?: boolean },
  ): Promise<void> {
    const ext = `${name}.ext`;
    await writeFile(
      this.file(ext),
      `subjectAltName=${opts.san}\nextendedKeyUsage=${opts.clientAuth === true ? 'clientAuth' : 'serverAuth,clientAuth'}\n`,
    );
    const key = `-newkey rsa:2048 -nodes -keyout ${name}.key -subj /CN=${name}`.split(' ');
    if (opts.selfSigned === true) {
      const days = ['-days', String(opts.days ?? 2), '-addext', `subjectAltName=${opts.san}`];
      this.openssl(['req', '-x509', ...key, '-out', `${name}.crt`, ...days]);
      return;
    }
    this.openssl(['req', ...key, '-out', `${name}.csr`]);
    this.openssl(
      `x509 -req -in ${name}.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out ${name}.crt -extfile ${ext}`
        .split(' ')
        .concat(['-days', String(opts.days ?? 2)]),
    );
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Child processes and servers a test file started, all stopped by stopAll (afterAll). */
export class Processes {
  private readonly children: ChildProcess[] = [];
  private readonly servers: (http.Server | https.Server)[] = [];
  private readonly dirs: string[] = [];

  async tempDir(prefix: string): Promise<string> {
    const d = await mkdtemp(path.join(os.tmpdir(), prefix));
    this.dirs.push(d);
    return d;
  }

  /** Starts a binary and waits for its port; its output is kept for the error message if it never listens. */
  async start(file: string, args: readonly string[], port: number): Promise<ChildProcess> {
    const child = spawn(file, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.push(child);
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    try {
      await waitForPort(port);
    } catch (err) {
      throw new Error(`${path.basename(file)} did not start: ${(err as Error).message}\n${output}`, {
        cause: err,
      });
    }
    return child;
  }

  async https(
    options: https.ServerOptions,
    handler: Parameters<typeof https.createServer>[1],
  ): Promise<number> {
    const server = https.createServer(options, handler);
    this.servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as net.AddressInfo).port;
  }

  /** A plain-HTTP server on loopback. */
  async http(handler: http.RequestListener): Promise<number> {
    const server = http.createServer(handler);
    this.servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as net.AddressInfo).port;
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      this.children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
            setTimeout(() => c.kill('SIGKILL'), 3000).unref();
          }),
      ),
    );
    await Promise.all(
      this.servers.map(
        (s) => new Promise<void>((resolve) => (s.closeAllConnections(), s.close(() => resolve()))),
      ),
    );
    await Promise.all(this.dirs.map((d) => rm(d, { recursive: true, force: true })));
  }
}

/** etcd on loopback: plain HTTP, TLS, or TLS requiring client certificates. */
export async function startEtcd(
  procs: Processes,
  pki: TestPki,
  mode: 'http' | 'tls' | 'mutual',
): Promise<{ client: number; peer: number }> {
  const client = await freePort();
  const peer = await freePort();
  const data = await procs.tempDir('ktm-probe-etcd-');
  const scheme = mode === 'http' ? 'http' : 'https';
  const args = [
    '--name',
    'probe-test',
    '--data-dir',
    data,
    '--listen-client-urls',
    `${scheme}://127.0.0.1:${client}`,
    '--advertise-client-urls',
    `${scheme}://127.0.0.1:${client}`,
    '--listen-peer-urls',
    `http://127.0.0.1:${peer}`,
    '--initial-advertise-peer-urls',
    `http://127.0.0.1:${peer}`,
    '--initial-cluster',
    `probe-test=http://127.0.0.1:${peer}`,
    '--log-level',
    'error',
  ];
  if (mode !== 'http') args.push('--cert-file', pki.file('etcd.crt'), '--key-file', pki.file('etcd.key'));
  if (mode === 'mutual') args.push('--client-cert-auth', '--trusted-ca-file', pki.file('ca.crt'));
  await procs.start('/usr/bin/etcd', args, client);
  return { client, peer };
}
