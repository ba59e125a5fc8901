// `ktm probe --target` against real servers on loopback, each result asserted against the server's known configuration.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeResult, ProbeRun } from '../../../src/collect/probe/types.js';
import { runKtm } from '../../helpers/capture-io.js';
import { Processes, TestPki, freePort, requireBinary, startEtcd } from './loopback-servers.js';

const procs = new Processes();
let pki: TestPki;

beforeAll(async () => {
  pki = await TestPki.create();
  await pki.leaf('etcd', { san: 'IP:127.0.0.1' });
  await pki.leaf('wrong-name', { san: 'DNS:other.example' });
  await pki.leaf('expired', { san: 'IP:127.0.0.1', days: -1 });
  await pki.leaf('good', { san: 'IP:127.0.0.1' });
  await pki.leaf('self', { san: 'IP:127.0.0.1', selfSigned: true });
  await pki.leaf('client', { san: 'DNS:client', clientAuth: true });
});

afterAll(async () => {
  await procs.stopAll();
  await pki?.remove();
});

async function probe(target: string, ...extra: string[]): Promise<ProbeResult> {
  const out = await runKtm([
    'probe',
    '--target',
    target,
    '--ca',
    pki.file('ca.crt'),
    '--probe-timeout',
    '3s',
    '-o',
    'json',
    ...extra,
  ]);
  expect(out.stderr).toBe('');
  expect(out.code).toBe(0);
  const run = JSON.parse(out.stdout) as ProbeRun;
  expect(run.results).toHaveLength(1);
  return run.results[0]!;
}

const accepted = (r: ProbeResult): string[] =>
  Object.entries(r.tls.versions)
    .filter(([, v]) => v === 'accepted')
    .map(([k]) => k);
const weakAccepted = (r: ProbeResult): string[] =>
  r.tls.weakCiphers.filter((w) => w.result === 'accepted').map((w) => w.offered);

const etcdMissing = requireBinary('/usr/bin/etcd', 'etcd-server');
describe.skipIf(etcdMissing !== undefined)(`etcd (${etcdMissing ?? '/usr/bin/etcd'})`, () => {
  it('plain HTTP: speaks HTTP, no TLS, answers /version and a count-only range anonymously', async () => {
    const { client, peer } = await startEtcd(procs, pki, 'http');
    const r = await probe(`127.0.0.1:${client}`);
    expect(r.target.kind).toBe('etcd-client'); // recognised from /version
    expect(r.plainHttp.spoken).toBe(true);
    expect(r.tls.spoken).toBe(false);
    expect(accepted(r)).toEqual([]);
    expect(r.anonymous.map((a) => [a.request, a.scheme, a.status, a.allowed])).toEqual([
      ['GET /version', 'http', 200, true],
      ['POST /v3/kv/range (count only, read-only)', 'http', 200, true],
    ]);
    const p = await probe(`etcd-peer=127.0.0.1:${peer}`);
    expect(p.plainHttp.spoken).toBe(true);
    expect(p.tls.spoken).toBe(false);
  });

  it('TLS: refuses plain HTTP and TLS 1.0/1.1, chains to the CA, needs no client certificate', async () => {
    const { client } = await startEtcd(procs, pki, 'tls');
    const r = await probe(`etcd-client=127.0.0.1:${client}`);
    expect(r.plainHttp.spoken).toBe(false);
    expect(accepted(r)).toEqual(['TLSv1.2', 'TLSv1.3']);
    expect(r.tls.versions.TLSv1).toBe('refused');
    // Go 1.19's default suites still include RSA key exchange (no forward secrecy); nothing weaker.
    expect(weakAccepted(r)).toEqual(['kRSA']);
    expect(r.tls.certificate).toMatchObject({
      chainsToCa: true,
      selfSigned: false,
      expired: false,
      nameMatches: true,
    });
    expect(r.tls.clientCertificate).toBe('not-required');
    expect(r.anonymous.map((a) => [a.request, a.scheme, a.allowed])).toEqual([
      ['GET /version', 'https', true],
      ['POST /v3/kv/range (count only, read-only)', 'https', true],
    ]);
  });

  it('TLS with client-certificate authentication: requires a client certificate, so no anonymous read succeeds', async () => {
    const { client } = await startEtcd(procs, pki, 'mutual');
    const r = await probe(`etcd-client=127.0.0.1:${client}`);
    expect(r.plainHttp.spoken).toBe(false);
    expect(accepted(r)).toEqual(['TLSv1.2', 'TLSv1.3']);
    // Go's TLS stack answers a missing client certificate with bad_certificate, on every Node version
    // (OpenSSL 3.0 and 3.5 word it differently; the probe reads the alert's number).
    expect(r.tls.clientCertificate).toBe('required');
    expect(r.tls.clientCertificateDetail).toBe(
      'the server ended the connection without a client certificate (TLS alert bad_certificate (42))',
    );
    expect(r.tls.certificate).toMatchObject({ chainsToCa: true, nameMatches: true });
    expect(r.anonymous).toHaveLength(2);
    expect(r.anonymous.every((a) => !a.allowed && a.status === undefined)).toBe(true);
  });
});

const opensslMissing = requireBinary('/usr/bin/openssl', 'openssl');
/** openssl s_server answering HTTP (-www) with one of the test certificates. */
async function sServer(cert: string, args: readonly string[]): Promise<number> {
  const port = await freePort();
  const tls = ['-cert', pki.file(`${cert}.crt`), '-key', pki.file(`${cert}.key`)];
  await procs.start(
    '/usr/bin/openssl',
    ['s_server', '-accept', `127.0.0.1:${port}`, ...tls, '-www', ...args],
    port,
  );
  return port;
}
describe.skipIf(opensslMissing !== undefined)(
  `openssl s_server (${opensslMissing ?? '/usr/bin/openssl'})`,
  () => {
    it('accepting TLS 1.0 and weak suites with a self-signed certificate', async () => {
      const port = await sServer('self', ['-cipher', 'ALL:eNULL:@SECLEVEL=0']);
      const r = await probe(`127.0.0.1:${port}`);
      expect(accepted(r)).toEqual(['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']);
      expect(weakAccepted(r)).toEqual(['eNULL', 'aNULL', 'kRSA']);
      // Node's OpenSSL 3 cannot offer export, RC4 or DES suites at all: said, not guessed.
      expect(r.tls.weakCiphers.filter((w) => w.result === 'untested').map((w) => w.offered)).toEqual([
        'EXPORT',
        'RC4',
        'DES:3DES',
      ]);
      expect(r.limits.some((l) => l.startsWith('RC4 suites: this client could not offer them'))).toBe(true);
      expect(r.tls.certificate).toMatchObject({ selfSigned: true, chainsToCa: false, expired: false });
    });

    it('TLS 1.0 only; a client held at security level 2 says it could not test TLS 1.0', async () => {
      const port = await sServer('good', ['-tls1', '-cipher', 'ALL:@SECLEVEL=0']);
      const r = await probe(`127.0.0.1:${port}`);
      expect(accepted(r)).toEqual(['TLSv1']);
      expect(r.tls.versions['TLSv1.2']).toBe('refused');
      const strict = await probe(`127.0.0.1:${port}`, '--seclevel', '2');
      expect(strict.tls.versions.TLSv1).toBe('untested');
      expect(strict.limits.some((l) => l.startsWith('TLSv1: this client could not test it'))).toBe(true);
    });
  },
);

const nginxMissing = requireBinary('/usr/sbin/nginx', 'nginx');
describe.skipIf(nginxMissing !== undefined)(`nginx (${nginxMissing ?? '/usr/sbin/nginx'})`, () => {
  it('TLS 1.2 only, forward-secret suites, a certificate for another name; plain HTTP on its own port', async () => {
    const tlsPort = await freePort();
    const plainPort = await freePort();
    const dir = await procs.tempDir('ktm-probe-nginx-');
    const temp = (n: string): string => `${n} ${path.join(dir, n.replace('_temp_path', ''))};`;
    await writeFile(
      path.join(dir, 'nginx.conf'),
      `daemon off;
master_process off;
pid ${path.join(dir, 'nginx.pid')};
error_log ${path.join(dir, 'error.log')};
events { worker_connections 64; }
http {
  access_log off;
  ${['client_body_temp_path', 'proxy_temp_path', 'fastcgi_temp_path', 'uwsgi_temp_path', 'scgi_temp_path'].map(temp).join('\n  ')}
  server {
    listen 127.0.0.1:${tlsPort} ssl;
    ssl_certificate ${pki.file('wrong-name.crt')};
    ssl_certificate_key ${pki.file('wrong-name.key')};
    ssl_protocols TLSv1.2;
    ssl_ciphers ECDHE+AESGCM;
    location / { return 200 "ok\\n"; }
  }
  server {
    listen 127.0.0.1:${plainPort};
    location / { return 200 "ok\\n"; }
  }
}
`,
    );
    await procs.start('/usr/sbin/nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf')], tlsPort);
    const r = await probe(`node-port=127.0.0.1:${tlsPort}`);
    expect(r.plainHttp).toMatchObject({ spoken: false, status: 400 }); // nginx's "plain HTTP request was sent to HTTPS port"
    expect(accepted(r)).toEqual(['TLSv1.2']);
    expect(weakAccepted(r)).toEqual([]);
    expect(r.tls.certificate).toMatchObject({
      nameMatches: false,
      nameChecked: '127.0.0.1',
      chainsToCa: true,
      selfSigned: false,
    });
    expect(r.anonymous).toEqual([{ request: 'GET /', scheme: 'https', status: 200, allowed: true }]);
    const plain = await probe(`node-port=127.0.0.1:${plainPort}`);
    expect(plain.plainHttp).toMatchObject({ spoken: true, status: 200 });
    expect(plain.tls.spoken).toBe(false);
  });
});

describe("Node's HTTPS server", () => {
  it('with an expired certificate and no client-certificate requirement, refusing anonymous /pods', async () => {
    const port = await procs.https(
      { cert: await pki.read('expired.crt'), key: await pki.read('expired.key') },
      (req, res) => {
        res.writeHead(req.url === '/pods' ? 401 : 404).end();
      },
    );
    const r = await probe(`kubelet=127.0.0.1:${port}`);
    expect(r.plainHttp.spoken).toBe(false);
    expect(accepted(r)).toEqual(['TLSv1.2', 'TLSv1.3']); // Node's default minimum is TLS 1.2
    expect(r.tls.certificate).toMatchObject({ expired: true, chainsToCa: true, nameMatches: true });
    expect(r.tls.clientCertificate).toBe('not-required');
    expect(r.anonymous).toEqual([{ request: 'GET /pods', scheme: 'https', status: 401, allowed: false }]);
  });

  it('requiring client certificates (mutual TLS)', async () => {
    const port = await procs.https(
      {
        cert: await pki.read('good.crt'),
        key: await pki.read('good.key'),
        ca: await pki.read('ca.crt'),
        requestCert: true,
        rejectUnauthorized: true,
      },
      (_req, res) => {
        res.writeHead(200).end('{}');
      },
    );
    const r = await probe(`kubelet=127.0.0.1:${port}`);
    expect(r.tls.clientCertificate).toBe('required');
    // OpenSSL's TLS 1.3 server asks with certificate_required.
    expect(r.tls.clientCertificateDetail).toBe(
      'the server ended the connection without a client certificate (TLS alert certificate_required (116))',
    );
    expect(accepted(r)).toEqual(['TLSv1.2', 'TLSv1.3']);
    expect(r.anonymous.some((a) => a.allowed)).toBe(false);
    expect(r.tls.certificate).toMatchObject({ chainsToCa: true, expired: false, selfSigned: false });
  });

  it('an address nobody listens on is reported unreachable, and the table says so', async () => {
    const port = await freePort();
    const out = await runKtm(['probe', '--target', `127.0.0.1:${port}`, '--probe-timeout', '2s']);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`127.0.0.1:${port}`);
    expect(out.stdout).toMatch(/not reachable: ECONNREFUSED/);
  });
});

it('rejects a malformed --target with one line naming it', async () => {
  const out = await runKtm(['probe', '--target', 'etcd-client=nohost']);
  expect(out.code).toBe(2);
  expect(out.stderr).toBe(
    "ktm: --target etcd-client=nohost: 'nohost' is not HOST:PORT (e.g. 10.0.0.5:2379 or [fd00::1]:6443)\n",
  );
  await readFile(pki.file('ca.crt'), 'utf8'); // the PKI is still there: nothing above removed it
});
