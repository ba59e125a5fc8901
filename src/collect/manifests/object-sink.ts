// Where parsed documents land: envelope validation, List items, duplicates kept once, sanitising, diagnostics.
import { z } from 'zod';
import type { Diagnostic } from '../../errors.js';
import type { Source } from '../../types.js';
import { objectKey, type InventoryItem, type KubeObject } from '../inventory.js';
import { InputBudget } from '../limits.js';
import { sanitizeObject, slimObject, slimRecord } from '../sanitize.js';
import { ValuePool } from '../value-pool.js';
import { checkHeap } from '../memory-guard.js';

/**
 * The envelope every Kubernetes object has. The rest of the object is the API's shape and stays as
 * parsed; rules read it through the client-node model types.
 */
const envelope = z.looseObject({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  metadata: z.looseObject({
    name: z.string().min(1),
    namespace: z.string().optional(),
  }),
});

/** The List a document or item came from, for items that lack apiVersion/kind (`PodList` items are Pods). */
export interface ListContext {
  readonly kind?: unknown;
  readonly apiVersion?: unknown;
}

/** `kind: List` and any `*List` kind (`PodList`, `DeploymentList`) hold their objects in `items`. */
export function isListKind(kind: unknown): boolean {
  return typeof kind === 'string' && kind.endsWith('List');
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function where(source: Source, column?: number): string {
  if (source.line === undefined) return source.file;
  return column === undefined ? `${source.file}:${source.line}` : `${source.file}:${source.line}:${column}`;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return `a ${typeof v}`;
}

/** Fills apiVersion/kind of a List item from a typed List (`PodList` in `v1` gives `v1`/`Pod`). */
function withListDefaults(
  v: Record<string, unknown>,
  list: ListContext | undefined,
): Record<string, unknown> {
  if (list === undefined || typeof list.kind !== 'string' || list.kind === 'List' || !isListKind(list.kind))
    return v;
  if (v['kind'] !== undefined && v['apiVersion'] !== undefined) return v;
  const kind = v['kind'] ?? list.kind.slice(0, -'List'.length);
  const apiVersion = v['apiVersion'] ?? list.apiVersion;
  return { ...v, apiVersion, kind };
}

/** Diagnostics kept per read; the rest are counted in one closing line. */
export const MAX_DIAGNOSTICS = 10_000;

export class ObjectSink {
  readonly items: InventoryItem[] = [];
  readonly diagnostics: Diagnostic[] = [];
  private readonly seen = new Map<string, Source>();
  private readonly counts = new Map<string, number>();
  private readonly pool = new ValuePool();

  /** `budget` is shared by every input of a run: documents and objects are counted against its limits. */
  constructor(readonly budget: InputBudget = new InputBudget()) {}

  /** One YAML document or top-level JSON value begins at `source` (counted against --max-documents). */
  document(source: Source): void {
    this.budget.document(() => where(source));
  }

  /**
   * One parsed document or List item. `null`/`undefined` (an empty YAML document, common in Helm
   * output) is skipped silently; anything that is not an object with apiVersion, kind and
   * metadata.name is skipped with a one-line diagnostic at its source. Nested Lists are expanded.
   */
  add(value: unknown, source: Source, list?: ListContext): void {
    if (value === null || value === undefined) return;
    if (!isPlainObject(value)) {
      this.problem('error', where(source), `not a Kubernetes object (${describe(value)}); skipped`);
      return;
    }
    if (isListKind(value['kind']) && Array.isArray(value['items'])) {
      const ctx = { kind: value['kind'], apiVersion: value['apiVersion'] };
      for (const item of value['items'] as unknown[]) this.add(item, source, ctx);
      return;
    }
    const input = withListDefaults(value, list);
    const slim = slimRecord(input) ?? this.validated(input, source);
    if (slim === undefined) return;
    const object = this.pool.intern(slim);
    const key = objectKey(object);
    const first = this.seen.get(key);
    if (first !== undefined) {
      const ns = object.metadata.namespace === undefined ? '' : `${object.metadata.namespace}/`;
      this.problem(
        'info',
        where(source),
        `duplicate ${object.kind} ${ns}${object.metadata.name}: first read at ${where(first)}; kept the first`,
      );
      return;
    }
    this.budget.object(() => where(source));
    this.seen.set(key, source);
    this.counts.set(object.kind, (this.counts.get(object.kind) ?? 0) + 1);
    this.items.push({ object, source });
    // Every few thousand objects: stop with advice before V8 would abort on a full heap.
    if (this.items.length % 4096 === 0)
      checkHeap(where(source), `after reading ${this.items.length.toLocaleString('en-US')} objects`);
  }

  /** The general path: the envelope validated (a one-line problem when it is not), then sanitised and slimmed. */
  private validated(input: Record<string, unknown>, source: Source): KubeObject | undefined {
    const parsed = envelope.safeParse(input);
    if (parsed.success) return slimObject(sanitizeObject(parsed.data as KubeObject));
    this.problem('error', where(source), `${envelopeProblem(parsed.error, input)}; document skipped`);
    return undefined;
  }

  /** Problems past MAX_DIAGNOSTICS, by severity: counted, not kept (ten million bad documents must not mean ten million lines). */
  private readonly dropped = { error: 0, warning: 0, info: 0 };

  problem(severity: Diagnostic['severity'], at: string, message: string): void {
    if (this.diagnostics.length < MAX_DIAGNOSTICS) this.diagnostics.push({ severity, where: at, message });
    else this.dropped[severity]++;
  }

  /** The diagnostics, with one closing line counting those past MAX_DIAGNOSTICS (at the worst severity dropped). */
  finish(where: string): Diagnostic[] {
    const { error, warning, info } = this.dropped;
    const total = error + warning + info;
    if (total === 0) return this.diagnostics;
    const severity = error > 0 ? 'error' : warning > 0 ? 'warning' : 'info';
    return [
      ...this.diagnostics,
      {
        severity,
        where,
        message: `${total} more problems not listed (${error} errors, ${warning} warnings, ${info} notes)`,
      },
    ];
  }

  /** Forgets the diagnostics reported after `mark` (a diagnostics length): the input is being read again another way. */
  rollback(mark: number): void {
    this.diagnostics.length = mark;
  }

  /** Objects kept per kind. */
  count(kind: string): number {
    return this.counts.get(kind) ?? 0;
  }
}

/** One line naming what the envelope lacks, e.g. `missing kind` or `metadata.name is not a string`. */
function envelopeProblem(error: z.ZodError, input: unknown): string {
  const missing: string[] = [];
  const wrong: string[] = [];
  for (const issue of error.issues) {
    const p = issue.path.map(String).join('.');
    if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) missing.push(p);
    else wrong.push(`${p} is ${issue.code === 'too_small' ? 'empty' : 'not a string'}`);
  }
  const parts = [...(missing.length > 0 ? [`missing ${missing.join(', ')}`] : []), ...wrong];
  return `not a Kubernetes object: ${parts.join('; ')}`;
}

function valueAt(v: unknown, p: readonly PropertyKey[]): unknown {
  let cur = v;
  for (const k of p) {
    if (!isPlainObject(cur) || typeof k !== 'string') return undefined;
    cur = cur[k];
  }
  return cur;
}
