// Lists one resource type from the API, 500 objects a page with continue tokens, and says how it went (coverage).
import { plural } from '../../text/plural.js';
import { z } from 'zod';
import type { Diagnostic } from '../../errors.js';
import type { ResourceCoverage } from '../coverage.js';
import type { InventoryItem, KubeObject, ObjectMeta } from '../inventory.js';
import { DEFAULT_LIMITS, type InputBudget } from '../limits.js';
import { resourceId, type ResourceType } from '../resource-types.js';
import { sanitizeObject, slimObject } from '../sanitize.js';
import type { ValuePool } from '../value-pool.js';
import {
  NetworkError,
  TimedOutError,
  statusMessage,
  type ApiClient,
  type ApiResponse,
} from './api-client.js';
import { groupVersion, type ServedVersions } from './discovery.js';

/**
 * Asks for metadata only: the API server answers with a PartialObjectMetadataList, so secret
 * values never leave it. `application/json` last lets an old server answer with a full list,
 * whose data ktm then drops before anything else sees it.
 * https://kubernetes.io/docs/reference/using-api/api-concepts/#receiving-resources-as-tables
 */
export const PARTIAL_METADATA_ACCEPT =
  'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json';

/** kubectl's page size; the API server's own limit on a page is its etcd request size. */
export const PAGE_SIZE = 500;

export interface ListContext {
  readonly client: ApiClient;
  readonly served: ServedVersions;
  readonly pageSize: number;
  /** Objects read so far (for progress). */
  readonly onObjects: (n: number) => void;
  /**
   * The run's input limits: every response counts against --max-input-bytes (all responses) and
   * --max-file-bytes (one response), every object kept against --max-objects.
   */
  readonly budget: InputBudget;
  /** Repeated values across the objects kept, held once: each page is slimmed and pooled as it arrives. */
  readonly pool: ValuePool;
}

/** What ktm keeps of an object read from the API: sanitised, slimmed, its repeated values pooled, counted. */
export function keep(object: KubeObject, ctx: ListContext, where: string): KubeObject {
  ctx.budget.object(where);
  return ctx.pool.intern(slimObject(sanitizeObject(object)));
}

/** One response's bytes, counted against the run's limits before its body is parsed. */
export function counted(res: ApiResponse, ctx: ListContext, where: string): ApiResponse {
  ctx.budget.response(res.bytes, where);
  return res;
}

export interface TypeOutcome {
  readonly coverage: ResourceCoverage;
  readonly items: readonly InventoryItem[];
  readonly diagnostics: readonly Diagnostic[];
}

const listSchema = z.object({
  metadata: z.object({ continue: z.string().optional() }).loose().optional(),
  items: z.array(z.unknown()).nullish(),
});

/** A 410 for an expired continue token may carry a token to continue with an inconsistent snapshot. */
const expiredSchema = z.object({ metadata: z.object({ continue: z.string().min(1) }).loose() }).loose();

export async function listResourceType(rt: ResourceType, ctx: ListContext): Promise<TypeOutcome> {
  const id = resourceId(rt);
  const candidates = rt.versions.filter(
    (v) => ctx.served === undefined || ctx.served.has(groupVersion(rt.group, v)),
  );
  if (candidates.length === 0) return notServed(rt, rt.versions);
  try {
    for (const version of candidates) {
      const outcome = await listVersion(rt, version, ctx);
      if (outcome !== 'not-found') return outcome;
    }
    return notServed(rt, candidates);
  } catch (err) {
    if (err instanceof TimedOutError)
      return failed(rt, 'timed out before the list was complete (rerun with a longer --timeout)');
    if (err instanceof NetworkError) return failed(rt, `network error: ${err.message}`);
    throw err;
  }
  function notServed(r: ResourceType, versions: readonly string[]): TypeOutcome {
    const gvs = versions.map((v) => groupVersion(r.group, v)).join(', ');
    return {
      coverage: {
        resource: id,
        kind: r.kind,
        state: 'not-served',
        count: 0,
        reason: `${gvs} not served by this API server`,
      },
      items: [],
      diagnostics: [],
    };
  }
}

async function listVersion(
  rt: ResourceType,
  version: string,
  ctx: ListContext,
): Promise<TypeOutcome | 'not-found'> {
  const id = resourceId(rt);
  const apiVersion = groupVersion(rt.group, version);
  const base =
    rt.group === '' ? `/api/${version}/${rt.resource}` : `/apis/${rt.group}/${version}/${rt.resource}`;
  const source = { file: `${ctx.client.server}${base}` };
  const accept = rt.metadataOnly === true ? PARTIAL_METADATA_ACCEPT : 'application/json';
  const diagnostics: Diagnostic[] = [];
  let items: InventoryItem[] = [];
  let token: string | undefined;
  let restarted = false;
  // Tokens already followed: a server (or a proxy) answering the same token again would page for ever.
  const followed = new Set<string>();
  for (;;) {
    const path = `${base}?limit=${ctx.pageSize}${token === undefined ? '' : `&continue=${encodeURIComponent(token)}`}`;
    const res = counted(await ctx.client.get(path, { accept }), ctx, source.file);
    if (res.status === 404 && token === undefined) {
      // The API server says NotFound with a Status object; an HTML page (a proxy, a load balancer) is
      // not the API server's answer, so the type is a gap in coverage, not a type this cluster lacks.
      if (isStatus(parseJson(res.body))) return 'not-found';
      return failed(
        rt,
        `HTTP 404 without a Kubernetes Status (${contentType(res)}): not the API server's answer; a proxy in the way?`,
      );
    }
    if (res.status === 410 && token !== undefined) {
      // The continue token outlived etcd's compaction window (5 minutes by default): a slow list of a large cluster.
      // https://kubernetes.io/docs/reference/using-api/api-concepts/#retrieving-large-results-sets-in-chunks
      const fresh = expiredSchema.safeParse(parseJson(res.body));
      if (fresh.success) {
        token = fresh.data.metadata.continue;
        diagnostics.push({
          severity: 'warning',
          where: id,
          message:
            'the list took longer than the API server keeps a consistent snapshot; the rest was read from a newer one',
        });
        continue;
      }
      if (!restarted) {
        restarted = true;
        items = [];
        token = undefined;
        continue;
      }
      return failed(rt, 'the list expired twice before it was complete (HTTP 410)');
    }
    if (res.status === 403) return forbidden(rt, res);
    if (res.status !== 200) return failed(rt, `HTTP ${res.status}: ${statusMessage(res)}`);
    const page = listSchema.safeParse(parseJson(res.body));
    if (!page.success) return failed(rt, 'the response is not a Kubernetes list');
    const raw = page.data.items ?? [];
    let skipped = 0;
    for (const entry of raw) {
      const object = toObject(entry, rt, apiVersion);
      if (object === undefined) skipped++;
      else items.push({ object: keep(object, ctx, source.file), source });
    }
    if (skipped > 0)
      diagnostics.push({
        severity: 'warning',
        where: id,
        message: `${plural(skipped, 'list item')} without metadata.name skipped`,
      });
    ctx.onObjects(raw.length);
    token = page.data.metadata?.continue;
    if (token === undefined || token === '') break;
    if (followed.has(token))
      return failed(
        rt,
        `the API server repeated a continue token after ${items.length} objects (a page loop); the list is incomplete`,
      );
    followed.add(token);
    if (items.length > MAX_OBJECTS_PER_TYPE)
      return failed(
        rt,
        `more than ${MAX_OBJECTS_PER_TYPE.toLocaleString('en-US')} objects of one type; the list is not believable, stopped`,
      );
  }
  return {
    coverage: { resource: id, kind: rt.kind, state: 'read', count: items.length },
    items,
    diagnostics,
  };
}

/** List items lack apiVersion and kind (the API sets them on the list only): ktm sets them (`keep` then keeps only what it may). */
function toObject(entry: unknown, rt: ResourceType, apiVersion: string): KubeObject | undefined {
  if (!isRecord(entry) || !isRecord(entry['metadata']) || typeof entry['metadata']['name'] !== 'string')
    return undefined;
  const metadata = entry['metadata'] as unknown as ObjectMeta;
  if (rt.metadataOnly === true) {
    // Built field by field: nothing else of the entry (data, stringData, if the server ignored Accept) is ever copied.
    const type = typeof entry['type'] === 'string' ? entry['type'] : inferSecretType(metadata);
    return {
      apiVersion,
      kind: rt.kind,
      metadata,
      ...(rt.kind === 'Secret' && type !== undefined ? { type } : {}),
    };
  }
  return { ...entry, apiVersion, kind: rt.kind, metadata };
}

/**
 * A PartialObjectMetadata has no `type`. Two kinds of Secret can be recognised from metadata the
 * API requires of them: legacy service-account tokens carry the service-account.name annotation
 * (https://kubernetes.io/docs/concepts/configuration/secret/#serviceaccount-token-secrets) and
 * Helm release records carry owner=helm. Others stay without a type.
 */
export function inferSecretType(metadata: ObjectMeta): string | undefined {
  if (metadata.annotations?.['kubernetes.io/service-account.name'] !== undefined)
    return 'kubernetes.io/service-account-token';
  if (metadata.labels?.['owner'] === 'helm' && metadata.name.startsWith('sh.helm.release.'))
    return 'helm.sh/release.v1';
  return undefined;
}

function forbidden(rt: ResourceType, res: ApiResponse): TypeOutcome {
  return {
    coverage: {
      resource: resourceId(rt),
      kind: rt.kind,
      state: 'forbidden',
      count: 0,
      reason: statusMessage(res),
    },
    items: [],
    diagnostics: [],
  };
}

export function failed(rt: ResourceType, reason: string): TypeOutcome {
  return {
    coverage: { resource: resourceId(rt), kind: rt.kind, state: 'failed', count: 0, reason },
    items: [],
    diagnostics: [],
  };
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Objects of one type beyond which a list is a runaway (new tokens with every page) rather than a
 * cluster: the reference scale has 150,000 pods.
 */
const MAX_OBJECTS_PER_TYPE = DEFAULT_LIMITS.maxObjects;

/** A Kubernetes Status object (`kind: Status`), as the API server sends with every error. */
function isStatus(v: unknown): boolean {
  return isRecord(v) && v['kind'] === 'Status';
}

function contentType(res: ApiResponse): string {
  const type = res.headers['content-type'];
  return typeof type === 'string' && type !== '' ? type.split(';')[0]!.slice(0, 60) : 'no content type';
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    if (err instanceof SyntaxError) return undefined; // not JSON
    throw err;
  }
}
