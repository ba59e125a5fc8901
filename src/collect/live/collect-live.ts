// Reads a live cluster, read-only: every resource type in the table, paged, a few at once, with a coverage entry for each.
import { plural } from '../../text/plural.js';
import { KtmError, type Diagnostic } from '../../errors.js';
import { escapeTerminal } from '../../text/escape.js';
import { ktmVersion } from '../../version.js';
import type { FactCoverage } from '../coverage.js';
import type { InventoryItem, ServerVersion } from '../inventory.js';
import { InputBudget, type InputLimits } from '../limits.js';
import { RESOURCE_TYPES, type ResourceType } from '../resource-types.js';
import { ValuePool } from '../value-pool.js';
import type { Progress, SourceReadResult } from '../source.js';
import {
  ApiClient,
  CredentialError,
  DEFAULT_RETRY,
  NetworkError,
  TimedOutError,
  statusMessage,
  type RetryPolicy,
} from './api-client.js';
import { mapBounded } from './bounded-concurrency.js';
import { discoverServed } from './discovery.js';
import { readKubeletConfigz } from './kubelet-configz.js';
import { resolveKubeConfig } from './kubeconfig.js';
import { isRecord, listResourceType, PAGE_SIZE, parseJson, type TypeOutcome } from './list-resource.js';
import { readConfigMaps, wantedConfigMaps } from './selected-configmaps.js';

export interface LiveOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  /** Use the pod's service account (ktm running in the cluster it assesses), ignoring any kubeconfig. */
  readonly inCluster?: boolean;
  readonly timeoutMs?: number;
  readonly kubeletConfig?: boolean;
  readonly configmaps?: readonly string[];
  readonly onProgress?: (p: Progress) => void;
  /** Retries of 429, 5xx and transient network errors (tests shorten the delays). */
  readonly retry?: Partial<RetryPolicy>;
  /** Objects per page; 500 like kubectl. */
  readonly pageSize?: number;
  /** Resource types listed at once. */
  readonly concurrency?: number;
  /** --max-objects, --max-input-bytes and --max-file-bytes (one response); the file-only limits do not apply. */
  readonly limits?: InputLimits;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;
/** A few types at once: enough to hide latency, few enough not to trip API Priority and Fairness limits. */
const DEFAULT_CONCURRENCY = 4;

/**
 * Collects the cluster. At the timeout, collection stops and returns what was complete: the
 * unfinished types are `failed` with reason "timed out" in the coverage (never empty), and a
 * warning says so. Returning rather than throwing keeps hours of reading from a large cluster
 * usable: the rules report the gaps as unverifiable instead of the user getting nothing.
 */
export async function collectLive(options: LiveOptions): Promise<SourceReadResult> {
  const { kc, context, server } = resolveKubeConfig(options);
  const configMaps = wantedConfigMaps(options.configmaps ?? []);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const started = Date.now();
  const collectedAt = new Date(started).toISOString();
  const deadline = new AbortController();
  const timer = setTimeout(() => {
    deadline.abort();
  }, timeoutMs);
  timer.unref();
  const client = new ApiClient(kc, server, deadline.signal, { ...DEFAULT_RETRY, ...options.retry });
  const where = escapeTerminal(server, 300);
  try {
    const facts: FactCoverage[] = [];
    const diagnostics: Diagnostic[] = [];
    const serverVersion = await readServerVersion(client, where, facts);
    const served = await discoverServed(client).catch((err: unknown) => {
      if (err instanceof TimedOutError || err instanceof NetworkError) return undefined;
      throw err;
    });
    if (served === undefined && !deadline.signal.aborted)
      diagnostics.push({
        severity: 'warning',
        where: '/apis',
        message: 'API discovery could not be read; every version was tried directly',
      });

    let typesDone = 0;
    let objects = 0;
    const report = (): void => {
      options.onProgress?.({
        typesDone,
        typesTotal: RESOURCE_TYPES.length,
        objects,
        elapsedMs: Date.now() - started,
      });
    };
    const ctx = {
      client,
      served,
      pageSize: options.pageSize ?? PAGE_SIZE,
      onObjects: (n: number) => {
        objects += n;
        report();
      },
      budget: new InputBudget(options.limits),
      pool: new ValuePool(),
    };
    const typeOutcomes = await mapBounded(
      RESOURCE_TYPES,
      options.concurrency ?? DEFAULT_CONCURRENCY,
      async (rt: ResourceType): Promise<TypeOutcome> => {
        const outcome =
          rt.selective === true ? await readConfigMaps(rt, configMaps, ctx) : await listResourceType(rt, ctx);
        typesDone++;
        report();
        return outcome;
      },
    );
    // A fallback view (Calico's CRDs) of objects its preferred API (projectcalico.org/v3) already served is dropped.
    const readIds = new Set(
      typeOutcomes.filter((o) => o.coverage.state === 'read').map((o) => o.coverage.resource),
    );
    const outcomes = typeOutcomes.map((o, i): TypeOutcome => {
      const fallbackFor = RESOURCE_TYPES[i]!.fallbackFor;
      if (fallbackFor === undefined || !readIds.has(fallbackFor)) return o;
      return {
        ...o,
        items: [],
        coverage: { ...o.coverage, state: 'not-collected', count: 0, reason: `read as ${fallbackFor}` },
      };
    });
    const items: InventoryItem[] = outcomes.flatMap((o) => o.items);
    diagnostics.push(...outcomes.flatMap((o) => o.diagnostics));

    if (options.kubeletConfig === true) {
      const nodes = outcomes[RESOURCE_TYPES.findIndex((rt) => rt.kind === 'Node')]!;
      if (nodes.coverage.state !== 'read') {
        facts.push({
          fact: 'kubelet-config',
          state: 'failed',
          reason: `nodes were not read (${nodes.coverage.state}), so no node's configz could be asked for`,
        });
      } else {
        const names = nodes.items.map((i) => i.object.metadata.name).sort();
        const configz = await readKubeletConfigz(
          client,
          names,
          () => {
            objects++;
            report();
          },
          ctx.budget,
        );
        items.push(...configz.items);
        facts.push(...configz.facts);
      }
    } else {
      facts.push({
        fact: 'kubelet-config',
        state: 'not-collected',
        reason: 'rerun with --kubelet-config (needs get on nodes/proxy) to read each kubelet configuration',
      });
    }

    if (deadline.signal.aborted) {
      const unfinished = outcomes.filter(
        (o) => o.coverage.state === 'failed' && o.coverage.reason?.startsWith('timed out') === true,
      ).length;
      diagnostics.push({
        severity: 'warning',
        where: '--timeout',
        message: `collection stopped after ${Math.round(timeoutMs / 1000)}s: ${plural(unfinished, 'resource type')} unfinished, reported as failed (timed out)`,
      });
    }
    return {
      cluster: {
        name: context,
        server,
        ...(serverVersion === undefined ? {} : { serverVersion }),
        collectedAt,
        ktmVersion: ktmVersion(),
      },
      items,
      coverage: { mode: 'live', resources: outcomes.map((o) => o.coverage), facts },
      diagnostics,
    };
  } catch (err) {
    if (err instanceof CredentialError)
      throw new KtmError(
        `cannot use the kubeconfig's credentials: ${escapeTerminal(err.message, 300)}`,
        `context ${escapeTerminal(context)}`,
        'check the user and cluster entries of the kubeconfig (an http:// server needs insecure-skip-tls-verify)',
      );
    throw err;
  } finally {
    clearTimeout(timer);
    // A limit stops the run while other types are still being listed: their requests end here too.
    deadline.abort();
    client.close();
  }
}

/** GET /version. The first request, so an unreachable server or rejected credentials stop here with one clear line. */
async function readServerVersion(
  client: ApiClient,
  where: string,
  facts: FactCoverage[],
): Promise<ServerVersion | undefined> {
  let res;
  try {
    res = await client.get('/version');
  } catch (err) {
    if (err instanceof NetworkError)
      throw new KtmError(
        `cannot reach the API server: ${escapeTerminal(err.message, 300)}`,
        where,
        'check the network, the kubeconfig server address, or the --context',
      );
    if (err instanceof TimedOutError)
      throw new KtmError(
        'the API server did not answer before --timeout',
        where,
        'check the network or give a longer --timeout',
      );
    throw err;
  }
  if (res.status === 401)
    throw new KtmError(
      'the API server rejected the credentials (401 Unauthorized)',
      where,
      'log in again or check the kubeconfig user',
    );
  if (res.status !== 200) {
    facts.push({
      fact: 'server-version',
      state: res.status === 403 ? 'forbidden' : 'failed',
      reason: statusMessage(res),
    });
    return undefined;
  }
  const body = parseJson(res.body);
  if (!isRecord(body) || typeof body['gitVersion'] !== 'string') {
    facts.push({
      fact: 'server-version',
      state: 'failed',
      reason: 'the /version answer holds no gitVersion',
    });
    return undefined;
  }
  const str = (k: string): string => (typeof body[k] === 'string' ? body[k] : '');
  facts.push({ fact: 'server-version', state: 'read' });
  const platform = str('platform');
  return {
    major: str('major'),
    minor: str('minor'),
    gitVersion: str('gitVersion'),
    ...(platform === '' ? {} : { platform }),
  };
}
