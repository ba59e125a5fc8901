// Bounds on what ktm reads: bytes per file (or API response) and in all, documents, objects and YAML alias expansion.
//
// Input can be hostile or broken (/dev/zero piped in, ten million tiny documents, an alias bomb):
// every limit stops the read with one line naming the limit and the flag that raises it, instead of
// growing until the process is killed or V8 aborts.
import { KtmError } from '../errors.js';

export interface InputLimits {
  /** Bytes of one file (or of stdin). */
  readonly maxFileBytes: number;
  /** Bytes of all inputs together. */
  readonly maxInputBytes: number;
  /** YAML documents and top-level JSON values, all inputs together. */
  readonly maxDocuments: number;
  /** Kubernetes objects kept, all inputs together (List items count one each). */
  readonly maxObjects: number;
  /** Alias expansions in one YAML document (the "billion laughs" attack expands a few lines into gigabytes). */
  readonly maxYamlAliases: number;
}

/**
 * Defaults sized well above the reference scale (5,000 nodes, 150,000 pods, 10,000 namespaces: a
 * `kubectl get -A -o json` dump of about 1.5 GB and a few hundred thousand objects).
 */
export const DEFAULT_LIMITS: InputLimits = {
  maxFileBytes: 4 * 1024 ** 3,
  maxInputBytes: 16 * 1024 ** 3,
  maxDocuments: 1_000_000,
  maxObjects: 2_000_000,
  maxYamlAliases: 1_000,
};

/** The command-line flag that raises each limit. */
export const LIMIT_FLAGS: Readonly<Record<keyof InputLimits, string>> = {
  maxFileBytes: '--max-file-bytes',
  maxInputBytes: '--max-input-bytes',
  maxDocuments: '--max-documents',
  maxObjects: '--max-objects',
  maxYamlAliases: '--max-yaml-aliases',
};

/** Thrown when an input passes a limit: the whole read stops (a partial read of a runaway input is no basis for a verdict). */
export class LimitExceeded extends KtmError {
  constructor(limit: keyof InputLimits, value: number, what: string, where: string) {
    super(
      `more than ${value.toLocaleString('en-US')} ${what} (the ${LIMIT_FLAGS[limit]} limit); nothing was assessed`,
      where,
      `raise it with ${LIMIT_FLAGS[limit]} N if the input is genuine`,
    );
  }
}

/** Counts what one run reads against its limits; shared by every input of the run. */
export class InputBudget {
  private inputBytes = 0;
  private documents = 0;
  private objects = 0;

  constructor(readonly limits: InputLimits = DEFAULT_LIMITS) {}

  /** Bytes read from one input (`fileBytes`: that input's total so far). */
  bytes(n: number, fileBytes: number, where: string): void {
    this.inputBytes += n;
    if (fileBytes > this.limits.maxFileBytes)
      throw new LimitExceeded('maxFileBytes', this.limits.maxFileBytes, 'bytes in one file', where);
    if (this.inputBytes > this.limits.maxInputBytes)
      throw new LimitExceeded('maxInputBytes', this.limits.maxInputBytes, 'bytes of input', where);
  }

  /** One API response of a live read: counted as one input of that size. */
  response(n: number, where: string): void {
    if (n > this.limits.maxFileBytes)
      throw new LimitExceeded('maxFileBytes', this.limits.maxFileBytes, 'bytes in one API response', where);
    this.bytes(n, n, where);
  }

  /** `where` may be a function: the location is then built only when the limit is passed. */
  document(where: string | (() => string)): void {
    if (++this.documents > this.limits.maxDocuments)
      throw new LimitExceeded('maxDocuments', this.limits.maxDocuments, 'documents', located(where));
  }

  /** Called once per object kept: pass `where` as a function so no location is built per object. */
  object(where: string | (() => string)): void {
    if (++this.objects > this.limits.maxObjects)
      throw new LimitExceeded('maxObjects', this.limits.maxObjects, 'objects', located(where));
  }

  /** Wraps an input's byte chunks so every chunk is counted before it is parsed. */
  async *count(chunks: AsyncIterable<Buffer>, where: string): AsyncIterable<Buffer> {
    let fileBytes = 0;
    for await (const chunk of chunks) {
      fileBytes += chunk.length;
      this.bytes(chunk.length, fileBytes, where);
      yield chunk;
    }
  }
}

function located(where: string | (() => string)): string {
  return typeof where === 'string' ? where : where();
}
