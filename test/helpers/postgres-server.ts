// A real PostgreSQL server for tests: Debian's `postgresql` package, a fresh cluster in a temp folder, on 127.0.0.1.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface PostgresServer {
  /** postgres://ktm@127.0.0.1:PORT/DB */
  readonly url: (database?: string) => string;
  /** Creates an empty database and returns its URL. */
  readonly createDatabase: (name: string) => string;
  readonly stop: () => Promise<void>;
}

/** The newest installed server's bin folder (/usr/lib/postgresql/N/bin), or undefined when none is installed. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : path.join(root, versions[0], 'bin');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** PostgreSQL refuses to run as root: as root, the server runs as the package's `postgres` user (setpriv execs in place). */
function asServerUser(cmd: string, args: readonly string[]): [string, string[]] {
  return process.getuid?.() === 0
    ? ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', cmd, ...args]]
    : [cmd, [...args]];
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (bin === undefined) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ktm-pg-'));
  try {
    return await startIn(bin, dir);
  } catch (e) {
    // A server that did not start leaves nothing behind either.
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Initialises a cluster in DIR and starts its server; stop() removes DIR. */
async function startIn(bin: string, dir: string): Promise<PostgresServer> {
  const data = path.join(dir, 'data');
  if (process.getuid?.() === 0)
    chownSync(dir, Number(spawnSync('id', ['-u', 'postgres']).stdout.toString().trim()), 0);
  const [initCmd, initArgs] = asServerUser(path.join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'ktm',
    '--auth=trust',
    '--no-sync',
    '-E',
    'UTF8',
  ]);
  const init = spawnSync(initCmd, initArgs, { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const [cmd, args] = asServerUser(path.join(bin, 'postgres'), [
    '-D',
    data,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `unix_socket_directories=${dir}`,
    '-c',
    'fsync=off',
  ]);
  const server: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  server.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const url = (database = 'postgres'): string => `postgres://ktm@127.0.0.1:${String(port)}/${database}`;
  const ready = (): boolean =>
    spawnSync(path.join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)]).status === 0;
  const deadline = Date.now() + 30_000;
  while (!ready()) {
    if (server.exitCode !== null || Date.now() > deadline) {
      server.kill('SIGKILL');
      throw new Error(`postgres did not start: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    createDatabase(name) {
      const r = spawnSync(
        path.join(bin, 'createdb'),
        ['-h', '127.0.0.1', '-p', String(port), '-U', 'ktm', name],
        {
          encoding: 'utf8',
        },
      );
      if (r.status !== 0) throw new Error(`createdb failed: ${r.stderr}`);
      return url(name);
    },
    async stop() {
      const exited = new Promise<void>((resolve) => {
        if (server.exitCode !== null) resolve();
        else server.once('exit', () => resolve());
      });
      // SIGINT: PostgreSQL's fast shutdown (setpriv execs the server, so the signal reaches it directly).
      server.kill('SIGINT');
      const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether the PostgreSQL tests can run: the server is installed. In CI (CI=true) a missing server is a failure. */
export function postgresAvailable(): boolean {
  return postgresBinDir() !== undefined;
}
