// The collect stage's entry point: turn a manifest path, snapshot folder, live cluster or the demo into an Inventory.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { KtmError, type Diagnostic } from '../errors.js';
import { Inventory, objectKey, type InventoryItem } from './inventory.js';
import type { Coverage, FactCoverage } from './coverage.js';
import { InputBudget, type InputLimits } from './limits.js';
import { readPaths } from './manifests/read-paths.js';
import { readSnapshot, isSnapshotDir } from './snapshot/read-snapshot.js';
import { collectLive, type LiveOptions } from './live/collect-live.js';
import { readNodeFiles } from './node-files/read-node-files.js';
import { mergeStaticPods } from './node-files/merge-static-pods.js';
import { deriveSettings } from './settings/derive-settings.js';
import { detectProvider } from './provider.js';
import type { Progress, SourceReadResult } from './source.js';
import { demoPaths, packageRoot } from './demo.js';
import type { NodeFileSet } from './node-files/types.js';
import { checkInputSize, inputBytes } from './memory-guard.js';

export type InputSpec =
  | {
      readonly kind: 'paths';
      readonly paths: readonly string[];
      /** The manifests are the whole cluster: a kind with no document counts as read, with 0 objects. */
      readonly complete?: boolean;
    }
  | ({ readonly kind: 'live' } & LiveOptions)
  | { readonly kind: 'demo' };

export interface LoadOptions {
  /** Folders holding nodes' /etc/kubernetes and /var/lib/kubelet (one per node). */
  readonly nodeFiles?: readonly string[];
  readonly stdin?: NodeJS.ReadableStream;
  readonly onProgress?: (p: Progress) => void;
  /** Bounds on bytes, documents, objects and YAML aliases read from files and stdin, and on objects and response bytes read from a live cluster (./limits.ts). */
  readonly limits?: InputLimits;
}

/** Read the input and build the Inventory, with coverage, diagnostics, node files and component settings. */
export async function loadInventory(spec: InputSpec, options: LoadOptions = {}): Promise<Inventory> {
  let nodeFileDirs = options.nodeFiles ?? [];
  let result: SourceReadResult;
  switch (spec.kind) {
    case 'demo': {
      const demo = demoPaths();
      result = relativeTo(packageRoot(), await readSnapshot(demo.snapshot));
      nodeFileDirs = [...demo.nodeFiles, ...nodeFileDirs];
      break;
    }
    case 'live':
      result = await collectLive({
        ...spec,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.limits ? { limits: options.limits } : {}),
      });
      break;
    case 'paths':
      checkInputSize(await inputBytes(spec.paths), spec.paths.join(' '));
      result = await readPathsOrSnapshots(
        spec.paths,
        new InputBudget(options.limits),
        options.stdin,
        spec.complete === true,
      );
      break;
  }
  const read = await readNodeFiles(nodeFileDirs);
  // The example cluster's sources are named relative to the package, so its output is the same on every machine.
  const nodes =
    spec.kind === 'demo'
      ? {
          ...read,
          sets: read.sets.map((set) => relativeSet(packageRoot(), set)),
        }
      : read;
  const merged = mergeStaticPods(
    result.items,
    nodes.sets.flatMap((s) => s.staticPods),
  );
  const provider = result.cluster.provider ?? detectProvider(result.items, result.cluster.serverVersion);
  const cluster = provider === undefined ? result.cluster : { ...result.cluster, provider };
  const facts: FactCoverage[] = [...result.coverage.facts];
  if (nodeFileDirs.length === 0) {
    facts.push({ fact: 'node-files', state: 'not-collected', reason: 'no --node-files given' });
  } else {
    for (const s of nodes.sets) facts.push({ fact: 'node-files', subject: s.node, state: 'read' });
  }
  const settings = deriveSettings({
    items: result.items,
    nodeFiles: nodes.sets,
    ...(cluster.serverVersion ? { serverVersion: cluster.serverVersion } : {}),
    ...(provider ? { provider } : {}),
  });
  return new Inventory({
    cluster,
    items: merged.items,
    coverage: { ...result.coverage, facts },
    diagnostics: [...result.diagnostics, ...nodes.diagnostics],
    nodeFiles: nodes.sets,
    settings,
  });
}

/** Each path is a snapshot folder (it holds snapshot.json) or manifests; several are merged, duplicates kept once. */
async function readPathsOrSnapshots(
  paths: readonly string[],
  budget: InputBudget,
  stdin: NodeJS.ReadableStream | undefined,
  complete: boolean,
): Promise<SourceReadResult> {
  const snapshots: string[] = [];
  const manifests: string[] = [];
  for (const p of paths) {
    if (p !== '-') {
      const st = await stat(p).catch(() => undefined);
      if (st === undefined)
        throw new KtmError(
          'no such file or folder',
          p,
          'give a manifest file, a folder, a snapshot folder or -',
        );
      if (st.isDirectory() && (await isSnapshotDir(p))) {
        snapshots.push(p);
        continue;
      }
    }
    manifests.push(p);
  }
  const results: SourceReadResult[] = [];
  for (const dir of snapshots) results.push(await readSnapshot(dir, budget));
  if (manifests.length > 0)
    results.push(await readPaths(manifests, { budget, ...(stdin ? { stdin } : {}), complete }));
  if (results.length === 1) return results[0]!;
  return mergeResults(results, paths);
}

function mergeResults(results: readonly SourceReadResult[], paths: readonly string[]): SourceReadResult {
  const seen = new Map<string, InventoryItem>();
  const items: InventoryItem[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const r of results) {
    diagnostics.push(...r.diagnostics);
    for (const item of r.items) {
      const key = objectKey(item.object);
      const first = seen.get(key);
      if (first !== undefined) {
        diagnostics.push({
          severity: 'info',
          where: `${item.source.file}${item.source.line === undefined ? '' : `:${item.source.line}`}`,
          message: `${item.object.kind} ${item.object.metadata.namespace ?? ''}/${item.object.metadata.name} also in ${first.source.file}; kept the first`,
        });
        continue;
      }
      seen.set(key, item);
      items.push(item);
    }
  }
  const first = results[0]!;
  return {
    cluster: { ...first.cluster, name: paths.map((p) => path.basename(p)).join(',') },
    items,
    coverage: mergeCoverage(results.map((r) => r.coverage)),
    diagnostics,
  };
}

/** Several inputs: a kind is read when any of them read it (counts added); otherwise the first input's state. */
function mergeCoverage(all: readonly Coverage[]): Coverage {
  const first = all[0]!;
  const resources = first.resources.map((r) => {
    const same = all.map((c) => c.resources.find((x) => x.resource === r.resource));
    const read = same.filter((x) => x?.state === 'read');
    if (read.length === 0) return r;
    return {
      resource: r.resource,
      kind: r.kind,
      state: 'read' as const,
      count: read.reduce((n, x) => n + (x?.count ?? 0), 0),
    };
  });
  return { ...first, resources };
}

function relativeItem(base: string, item: InventoryItem): InventoryItem {
  const file = item.source.file;
  if (!file.startsWith(base + path.sep)) return item;
  return {
    object: item.object,
    source: { ...item.source, file: path.relative(base, file).split(path.sep).join('/') },
  };
}

/** A node's files with every path under `base` relative to it (the example cluster's evidence is machine-independent). */
function relativeSet(base: string, set: NodeFileSet): NodeFileSet {
  const rel = (file: string): string =>
    file.startsWith(base + path.sep) ? path.relative(base, file).split(path.sep).join('/') : file;
  const withPath = <T extends { readonly path: string }>(x: T | undefined): T | undefined =>
    x === undefined ? undefined : { ...x, path: rel(x.path) };
  const kubeletConfig = withPath(set.kubeletConfig);
  const kubeletArgs = withPath(set.kubeletArgs);
  const kubeadmConfig = withPath(set.kubeadmConfig);
  return {
    ...set,
    root: rel(set.root),
    staticPods: set.staticPods.map((item) => relativeItem(base, item)),
    ...(kubeletConfig === undefined ? {} : { kubeletConfig }),
    ...(kubeletArgs === undefined ? {} : { kubeletArgs }),
    ...(kubeadmConfig === undefined ? {} : { kubeadmConfig }),
    ...(set.etcdConfigs === undefined
      ? {}
      : { etcdConfigs: set.etcdConfigs.map((c) => ({ ...c, path: rel(c.path) })) }),
  };
}

function relativeTo(base: string, r: SourceReadResult): SourceReadResult {
  return { ...r, items: r.items.map((item) => relativeItem(base, item)) };
}
