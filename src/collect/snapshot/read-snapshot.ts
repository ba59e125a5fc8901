// Reads a snapshot folder written by `ktm collect` (docs/snapshot-format.md) back, streaming each List file.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { KtmError } from '../../errors.js';
import { COVERAGE_STATES, type FactCoverage, type ResourceCoverage } from '../coverage.js';
import type { ClusterInfo, Provider, ServerVersion } from '../inventory.js';
import { InputBudget } from '../limits.js';
import { readInput } from '../manifests/read-paths.js';
import { ObjectSink } from '../manifests/object-sink.js';
import { fileChunks } from '../manifests/text-input.js';
import { RESOURCE_TYPES, resourceId } from '../resource-types.js';
import type { SourceReadResult } from '../source.js';

const MANIFEST = 'snapshot.json';
const KUBELET_CONFIGZ = 'kubelet-configz.json';

const PROVIDERS = [
  'eks',
  'gke',
  'aks',
  'openshift',
  'digitalocean',
  'linode',
  'oke',
  'iks',
] as const satisfies readonly Provider[];

const optionalString = z.string().optional();

/** snapshot.json, as docs/snapshot-format.md defines it. Unknown fields are ignored (later versions may add some). */
const snapshotSchema = z.object({
  apiVersion: z.literal('ktm.dev/v1alpha1'),
  kind: z.literal('Snapshot'),
  cluster: z.object({
    name: z.string(),
    server: optionalString,
    provider: z.enum(PROVIDERS).optional(),
  }),
  serverVersion: z
    .object({ major: z.string(), minor: z.string(), gitVersion: z.string(), platform: optionalString })
    .optional(),
  collectedAt: optionalString,
  ktmVersion: optionalString,
  coverage: z.object({
    resources: z.array(
      z.object({
        resource: z.string(),
        kind: z.string(),
        state: z.enum(COVERAGE_STATES),
        count: z.number().int().nonnegative(),
        reason: optionalString,
      }),
    ),
    facts: z.array(
      z.object({
        fact: z.enum(['node-files', 'kubelet-config', 'server-version', 'component-settings']),
        subject: optionalString,
        state: z.enum(COVERAGE_STATES),
        reason: optionalString,
      }),
    ),
  }),
});
type SnapshotManifest = z.infer<typeof snapshotSchema>;

const KNOWN_RESOURCES: ReadonlySet<string> = new Set(RESOURCE_TYPES.map(resourceId));

const HINT = 'a snapshot folder is written by `ktm collect -o DIR` (docs/snapshot-format.md)';

/** A folder holding snapshot.json is a snapshot; anything else given as a path is read as manifests. */
export async function isSnapshotDir(dir: string): Promise<boolean> {
  const st = await stat(path.join(dir, MANIFEST)).catch(() => undefined);
  return st?.isFile() ?? false;
}

/**
 * Reads snapshot.json (validated; a bad one is a KtmError naming the file and the field), then each
 * List file of a type it records as read, streamed item by item. A read type whose file is missing,
 * empty or broken becomes `failed` in the coverage with a diagnostic (the objects read before a cut are
 * kept); a type snapshot.json does not mention is `not-collected`. `kubelet-configz.json` items are kept
 * as objects of kind `KubeletConfigz`, one per node.
 */
export async function readSnapshot(dir: string, budget = new InputBudget()): Promise<SourceReadResult> {
  const manifest = await readManifest(path.join(dir, MANIFEST));
  const sink = new ObjectSink(budget);
  const resources: ResourceCoverage[] = [];
  for (const [i, r] of manifest.coverage.resources.entries()) {
    // File names come from the known resource types only: `"resource": "../outside/private"` never names a file.
    if (!KNOWN_RESOURCES.has(r.resource))
      throw new KtmError(
        `coverage.resources[${i}].resource: unknown resource type '${r.resource.slice(0, 100)}'`,
        path.join(dir, MANIFEST),
        `a snapshot lists types ktm knows (docs/snapshot-format.md); ${HINT}`,
      );
    const base = { resource: r.resource, kind: r.kind };
    if (r.state !== 'read') {
      resources.push({
        ...base,
        state: r.state,
        count: 0,
        ...(r.reason === undefined ? {} : { reason: r.reason }),
      });
      continue;
    }
    const file = path.join(dir, `${r.resource}.json`);
    const failure = await readListFile(file, sink);
    const count = sink.count(r.kind);
    // A list file edited or cut at an item boundary still parses: the recorded count catches it.
    if (failure === undefined && count !== r.count)
      sink.problem(
        'warning',
        file,
        `${MANIFEST} records ${r.count} ${r.kind} objects, the file holds ${count}`,
      );
    resources.push(
      failure === undefined
        ? { ...base, state: 'read', count }
        : { ...base, state: 'failed', count, reason: failure },
    );
  }
  const recorded = new Set(resources.map((r) => r.resource));
  for (const rt of RESOURCE_TYPES) {
    const id = resourceId(rt);
    // A fallback view (Calico's CRDs) is only recorded when a live collection read it.
    if (!recorded.has(id) && rt.fallbackFor === undefined)
      resources.push({
        resource: id,
        kind: rt.kind,
        state: 'not-collected',
        count: 0,
        reason: `${MANIFEST} does not mention it`,
      });
  }
  const configz = path.join(dir, KUBELET_CONFIGZ);
  if (
    await stat(configz)
      .then((s) => s.isFile())
      .catch(() => false)
  )
    await readListFile(configz, sink);
  const facts: FactCoverage[] = manifest.coverage.facts.map((f) => ({
    fact: f.fact,
    state: f.state,
    ...(f.subject === undefined ? {} : { subject: f.subject }),
    ...(f.reason === undefined ? {} : { reason: f.reason }),
  }));
  return {
    cluster: clusterInfo(manifest),
    items: sink.items,
    coverage: { mode: 'snapshot', resources, facts },
    diagnostics: sink.finish(dir),
  };
}

/** Streams one List file into the sink; returns why the type counts as failed, or undefined when it read cleanly. */
async function readListFile(file: string, sink: ObjectSink): Promise<string | undefined> {
  const before = sink.diagnostics.length;
  const st = await stat(file).catch(() => undefined);
  if (st === undefined) {
    sink.problem('error', file, 'the snapshot records this type as read but the file is missing');
    return `${path.basename(file)} is missing from the snapshot`;
  }
  if (!st.isFile()) {
    sink.problem('error', file, 'not a regular file; skipped');
    return `${path.basename(file)} is not a regular file`;
  }
  sink.budget.bytes(0, st.size, file);
  try {
    await readInput(sink.budget.count(fileChunks(file), file), file, sink, file);
  } catch (e) {
    if (e instanceof KtmError) throw e;
    const message = `cannot read file: ${e instanceof Error ? e.message.split('\n')[0]! : String(e)}`;
    sink.problem('error', file, message);
    return message;
  }
  const problem = sink.diagnostics.slice(before).find((d) => d.severity !== 'info');
  return problem === undefined ? undefined : `${path.basename(file)}: ${problem.message}`;
}

/** snapshot.json holds a cluster's name, version and coverage: a few hundred kilobytes at most. */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

async function readManifest(file: string): Promise<SnapshotManifest> {
  let text: string;
  try {
    const st = await stat(file);
    if (st.size > MAX_MANIFEST_BYTES)
      throw new KtmError(
        `larger than ${MAX_MANIFEST_BYTES / 1024 / 1024} MiB: not a snapshot manifest`,
        file,
        HINT,
      );
    text = await readFile(file, 'utf8');
  } catch (e) {
    if (e instanceof KtmError) throw e;
    const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : 'unreadable';
    throw new KtmError(`cannot read the snapshot manifest (${code})`, file, HINT);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new KtmError(`invalid JSON: ${e instanceof Error ? e.message : String(e)}`, file, HINT);
  }
  const parsed = snapshotSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.length === 0 ? '' : `${issue.path.map(String).join('.')}: `;
    throw new KtmError(`invalid snapshot manifest: ${at}${issue.message}`, file, HINT);
  }
  return parsed.data;
}

function clusterInfo(m: SnapshotManifest): ClusterInfo {
  const v = m.serverVersion;
  const serverVersion: ServerVersion | undefined =
    v === undefined
      ? undefined
      : {
          major: v.major,
          minor: v.minor,
          gitVersion: v.gitVersion,
          ...(v.platform === undefined ? {} : { platform: v.platform }),
        };
  return {
    name: m.cluster.name,
    ...(m.cluster.server === undefined ? {} : { server: m.cluster.server }),
    ...(m.cluster.provider === undefined ? {} : { provider: m.cluster.provider }),
    ...(serverVersion === undefined ? {} : { serverVersion }),
    ...(m.collectedAt === undefined ? {} : { collectedAt: m.collectedAt }),
    ...(m.ktmVersion === undefined ? {} : { ktmVersion: m.ktmVersion }),
  };
}
