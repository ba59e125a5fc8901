// Runs the probes over a list of targets, bounded: at most N targets at once, a per-connection timeout, a total rate limit.
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { KtmError } from '../../errors.js';
import { mapBounded } from '../live/bounded-concurrency.js';
import { probeTarget } from './probe-target.js';
import type { ProbeRun, ProbeTarget, SkippedTarget } from './types.js';

export interface ProbeRunOptions {
  /** Targets probed at once (default 4). */
  readonly concurrency?: number;
  /** Per connection attempt, in ms (default 5000). */
  readonly timeoutMs?: number;
  /** Per target, over all its attempts, in ms (default 60000). */
  readonly targetTimeoutMs?: number;
  /** Connections opened per second over the whole run (default 20). */
  readonly ratePerSecond?: number;
  /** CA certificates in PEM (--ca), to judge whether each chain leads to the cluster CA. */
  readonly caPem?: string;
  /** OpenSSL security level of the client (default 0, so TLS 1.0/1.1 and legacy suites can be offered). */
  readonly securityLevel?: number;
  readonly skipped?: readonly SkippedTarget[];
  readonly now?: Date;
  readonly onProgress?: (p: { done: number; total: number; current?: string }) => void;
}

/** Spaces connection attempts at least 1/rate seconds apart across every concurrent probe. */
export function rateLimiter(ratePerSecond: number): () => Promise<void> {
  const interval = 1000 / Math.max(ratePerSecond, 0.001);
  let next = 0;
  return async () => {
    const now = Date.now();
    const at = Math.max(now, next);
    next = at + interval;
    if (at > now) await new Promise((r) => setTimeout(r, at - now));
  };
}

/** Parses a PEM bundle into certificates; a KtmError names the file when it holds none. */
export function parseCaBundle(pem: string, where: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const certs: X509Certificate[] = [];
  for (const [i, b] of blocks.entries()) {
    try {
      certs.push(new X509Certificate(b));
    } catch (err) {
      throw new KtmError(
        `certificate ${i + 1} is not valid PEM (${(err as Error).message})`,
        where,
        'give the cluster CA in PEM',
      );
    }
  }
  if (certs.length === 0)
    throw new KtmError('no PEM certificate found', where, 'give the cluster CA in PEM (ca.crt)');
  return certs;
}

export async function readCaFile(file: string): Promise<string> {
  return readFile(file, 'utf8').catch((err: unknown) => {
    throw new KtmError(
      `cannot read CA file (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`,
      file,
      'give the cluster CA in PEM',
    );
  });
}

export async function runProbes(
  targets: readonly ProbeTarget[],
  options: ProbeRunOptions = {},
): Promise<ProbeRun> {
  const ca = options.caPem === undefined ? undefined : parseCaBundle(options.caPem, '--ca');
  const beforeConnect = rateLimiter(options.ratePerSecond ?? 20);
  const sorted = [...targets].sort((a, b) => a.id.localeCompare(b.id));
  let done = 0;
  options.onProgress?.({ done, total: sorted.length });
  const results = await mapBounded(sorted, options.concurrency ?? 4, async (t) => {
    const r = await probeTarget(t, {
      timeoutMs: options.timeoutMs ?? 5000,
      targetTimeoutMs: options.targetTimeoutMs ?? 60_000,
      ...(ca === undefined ? {} : { ca }),
      securityLevel: options.securityLevel ?? 0,
      beforeConnect,
      now: options.now ?? new Date(),
    });
    done++;
    options.onProgress?.({ done, total: sorted.length, current: t.id });
    return r;
  });
  return { results, skipped: options.skipped ?? [], caGiven: ca !== undefined };
}
