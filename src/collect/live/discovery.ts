// API discovery: which group/versions this API server serves (`/api`, `/apis`), so unserved optional APIs are skipped.
import { z } from 'zod';
import type { ApiClient } from './api-client.js';

const apiVersionsSchema = z.object({ versions: z.array(z.string()) });
const apiGroupListSchema = z.object({
  groups: z
    .array(
      z.object({
        name: z.string(),
        versions: z.array(z.object({ groupVersion: z.string() })).default([]),
      }),
    )
    .nullish(),
});

/** Served `group/version` strings (`v1` for the core group), or undefined when discovery could not be read. */
export type ServedVersions = ReadonlySet<string> | undefined;

/**
 * Reads `/api` and `/apis`. Discovery is readable by every authenticated user (the
 * system:discovery ClusterRole), so a failure here is unusual: collection then tries each
 * version's list endpoint directly and treats a 404 as not served.
 */
export async function discoverServed(client: ApiClient): Promise<ServedVersions> {
  const [core, groups] = await Promise.all([client.get('/api'), client.get('/apis')]);
  if (core.status !== 200 || groups.status !== 200) return undefined;
  const coreParsed = apiVersionsSchema.safeParse(parseJson(core.body));
  const groupsParsed = apiGroupListSchema.safeParse(parseJson(groups.body));
  if (!coreParsed.success || !groupsParsed.success) return undefined;
  const served = new Set<string>(coreParsed.data.versions);
  for (const g of groupsParsed.data.groups ?? []) for (const v of g.versions) served.add(v.groupVersion);
  return served;
}

export function groupVersion(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    if (err instanceof SyntaxError) return undefined; // not JSON
    throw err;
  }
}
