// Reads only the ConfigMaps the analysis needs, one GET by name each: listing all of them would copy application configuration.
import { KtmError, type Diagnostic } from '../../errors.js';
import { escapeTerminal } from '../../text/escape.js';
import type { InventoryItem } from '../inventory.js';
import { resourceId, WANTED_CONFIGMAPS, type ResourceType } from '../resource-types.js';
import { NetworkError, TimedOutError, statusMessage } from './api-client.js';
import {
  counted,
  failed,
  isRecord,
  keep,
  parseJson,
  type ListContext,
  type TypeOutcome,
} from './list-resource.js';

/** WANTED_CONFIGMAPS plus the --configmap NS/NAME entries, validated and deduplicated. */
export function wantedConfigMaps(extra: readonly string[]): { namespace: string; name: string }[] {
  const seen = new Set<string>();
  const out: { namespace: string; name: string }[] = [];
  for (const entry of [...WANTED_CONFIGMAPS, ...extra]) {
    const parts = entry.split('/');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '')
      throw new KtmError(
        `invalid ConfigMap '${escapeTerminal(entry)}'`,
        '--configmap',
        'use NAMESPACE/NAME, e.g. kube-system/kube-proxy',
      );
    if (seen.has(entry)) continue;
    seen.add(entry);
    out.push({ namespace: parts[0]!, name: parts[1]! });
  }
  return out;
}

export async function readConfigMaps(
  rt: ResourceType,
  wanted: readonly { namespace: string; name: string }[],
  ctx: ListContext,
): Promise<TypeOutcome> {
  const items: InventoryItem[] = [];
  const forbidden: string[] = [];
  const failures: string[] = [];
  const diagnostics: Diagnostic[] = [];
  try {
    for (const { namespace, name } of wanted) {
      const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps/${encodeURIComponent(name)}`;
      const source = { file: `${ctx.client.server}${path}` };
      const res = counted(await ctx.client.get(path), ctx, source.file);
      const id = `${namespace}/${name}`;
      if (res.status === 404) continue; // absent: not every distribution has every one of them
      if (res.status === 403) forbidden.push(`${id}: ${statusMessage(res)}`);
      else if (res.status !== 200) failures.push(`${id}: HTTP ${res.status}: ${statusMessage(res)}`);
      else {
        const body = parseJson(res.body);
        if (!isRecord(body) || !isRecord(body['metadata']) || typeof body['metadata']['name'] !== 'string') {
          failures.push(`${id}: the response is not a ConfigMap`);
          continue;
        }
        const object = keep(
          {
            ...body,
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: body['metadata'] as unknown as InventoryItem['object']['metadata'],
          },
          ctx,
          source.file,
        );
        items.push({ object, source });
        ctx.onObjects(1);
      }
    }
  } catch (err) {
    if (err instanceof TimedOutError)
      return failed(rt, 'timed out before the ConfigMaps were read (rerun with a longer --timeout)');
    if (err instanceof NetworkError) return failed(rt, `network error: ${err.message}`);
    throw err;
  }
  const id = resourceId(rt);
  // A ConfigMap that could not be read must not look absent: the whole type is then a gap, with the reasons.
  if (forbidden.length > 0)
    return {
      coverage: { resource: id, kind: rt.kind, state: 'forbidden', count: 0, reason: forbidden.join('; ') },
      items: [],
      diagnostics,
    };
  if (failures.length > 0)
    return {
      coverage: { resource: id, kind: rt.kind, state: 'failed', count: 0, reason: failures.join('; ') },
      items: [],
      diagnostics,
    };
  // Read means: every wanted ConfigMap was asked for by name; the absent ones do not exist.
  return {
    coverage: { resource: id, kind: rt.kind, state: 'read', count: items.length },
    items,
    diagnostics,
  };
}
