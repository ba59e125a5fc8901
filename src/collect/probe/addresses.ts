// Probe addresses: `--target [KIND=]HOST:PORT` and the probe map file (model endpoint id → HOST:PORT, for tests and tunnels).
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { KtmError } from '../../errors.js';
import { PROBE_TARGET_KINDS, type ProbeTarget, type ProbeTargetKind } from './types.js';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** `host:port` or `[v6]:port`; undefined when it is not one. */
export function parseHostPort(text: string): HostPort | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]/]+)):(\d{1,5})$/.exec(text.trim());
  if (m === null) return undefined;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: m[1] ?? m[2]!, port };
}

/** One `--target`: `HOST:PORT`, or `KIND=HOST:PORT` to choose the anonymous requests (e.g. `etcd-client=10.0.0.5:2379`). */
export function parseTarget(text: string): ProbeTarget {
  const eq = text.indexOf('=');
  const kindText = eq < 0 ? 'unknown' : text.slice(0, eq);
  const address = eq < 0 ? text : text.slice(eq + 1);
  if (!(PROBE_TARGET_KINDS as readonly string[]).includes(kindText))
    throw new KtmError(
      `unknown target kind '${kindText}'`,
      `--target ${text}`,
      `use one of ${PROBE_TARGET_KINDS.join(', ')}`,
    );
  const hp = parseHostPort(address);
  if (hp === undefined)
    throw new KtmError(
      `'${address}' is not HOST:PORT`,
      `--target ${text}`,
      'e.g. 10.0.0.5:2379 or [fd00::1]:6443',
    );
  return {
    id: `${hp.host.includes(':') ? `[${hp.host}]` : hp.host}:${hp.port}`,
    kind: kindText as ProbeTargetKind,
    ...hp,
  };
}

/** Reads a probe map: a YAML mapping of model endpoint ids (as `ktm probe --dry-run` lists them) to HOST:PORT. */
export async function readProbeMap(file: string): Promise<Map<string, HostPort>> {
  const text = await readFile(file, 'utf8').catch((err: unknown) => {
    throw new KtmError(
      `cannot read probe map (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`,
      file,
    );
  });
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new KtmError(`not YAML: ${(err as Error).message.split('\n')[0] ?? ''}`, file);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw new KtmError(
      'a probe map is a mapping of endpoint id to HOST:PORT',
      file,
      'e.g. "etcd:cp-1:2379: 127.0.0.1:2379"',
    );
  const map = new Map<string, HostPort>();
  for (const [id, value] of Object.entries(doc as Record<string, unknown>)) {
    const hp = typeof value === 'string' ? parseHostPort(value) : undefined;
    if (hp === undefined) throw new KtmError(`'${id}': the value must be HOST:PORT`, file);
    map.set(id, hp);
  }
  return map;
}
