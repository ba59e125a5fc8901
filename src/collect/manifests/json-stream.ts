// JSON read as a token stream (stream-json): objects, Lists whose items are handed on one at a time, concatenated objects.
import { jsonParser, type Token } from 'stream-json/parser.js';
import { verifyFile } from 'stream-json/file/verifier.js';
// stream-chain is stream-json's own dependency; its `none` symbol flushes the parser at the end of input.
import { none, isMany, getManyValues } from 'stream-chain/defs.js';
import { isListKind, isPlainObject, where, type ListContext, type ObjectSink } from './object-sink.js';

type Container = Record<string, unknown> | unknown[];

/**
 * Deepest nesting accepted. Kubernetes objects nest a few dozen levels; a deeper document is hostile
 * input that would overflow the stack of every later recursive step (sanitising, JSON output).
 */
const MAX_DEPTH = 1000;

class TooDeep extends Error {}

interface Frame {
  /** `items`: the top-level `items` array of a List (or a top-level array): its elements are not kept in it. */
  readonly kind: 'object' | 'array' | 'items';
  readonly container: Container;
  key: string | undefined;
}

/**
 * Builds values from tokens. The `items` array of a top-level object is never assembled as a whole:
 * each item goes to the sink as soon as it is complete, so a 1.5 GB PodList is never one string and
 * never one array in flight. The line of each item is the line its `{` is on: the parser is fed one
 * line at a time (text chunks are split at newlines), so every token it returns belongs to the line
 * just fed. A single-line (minified) file gives every item line 1.
 */
class JsonAssembler {
  private readonly stack: Frame[] = [];
  private topLine = 1;
  private itemLine = 1;
  private itemsSeen = false;
  /** Items that lack apiVersion or kind wait for the List's kind, which kubectl writes after `items`. */
  private pending: { value: unknown; line: number }[] = [];
  line = 1;
  /** Values completed: top-level documents and List items. */
  values = 0;

  constructor(
    private readonly file: string,
    private readonly sink: ObjectSink,
  ) {}

  token(t: Token): void {
    switch (t.name) {
      case 'startObject':
      case 'startArray':
        this.open(t.name === 'startObject');
        return;
      case 'endObject':
      case 'endArray':
        this.close();
        return;
      case 'keyValue': {
        const top = this.stack[this.stack.length - 1];
        if (top !== undefined) top.key = t.value;
        return;
      }
      case 'stringValue':
        this.value(t.value);
        return;
      case 'numberValue':
        this.value(Number(t.value));
        return;
      case 'nullValue':
        this.value(null);
        return;
      case 'trueValue':
        this.value(true);
        return;
      case 'falseValue':
        this.value(false);
        return;
      default:
        return;
    }
  }

  private open(isObject: boolean): void {
    if (this.stack.length >= MAX_DEPTH) throw new TooDeep(`nested deeper than ${MAX_DEPTH} levels`);
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) {
      this.topLine = this.line;
      this.itemsSeen = false;
      this.pending = [];
      // A top-level array is read like the items of a List.
      this.stack.push(isObject ? frame('object') : frame('items'));
      return;
    }
    if (top.kind === 'items') this.itemLine = this.line;
    if (!isObject && this.stack.length === 1 && top.kind === 'object' && top.key === 'items') {
      this.itemsSeen = true;
      this.stack.push(frame('items'));
      return;
    }
    this.stack.push(frame(isObject ? 'object' : 'array'));
  }

  private close(): void {
    const done = this.stack.pop();
    if (done === undefined) return;
    if (done.kind === 'items') {
      if (this.stack.length === 0) this.flushPending({});
      return;
    }
    this.value(done.container);
  }

  private value(v: unknown): void {
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) {
      this.topLevel(v);
      return;
    }
    if (top.kind === 'items') {
      this.values++;
      const line = typeof v === 'object' && v !== null ? this.itemLine : this.line;
      // Once one item waits, the later ones wait behind it, so objects keep their input order.
      if (
        this.pending.length === 0 &&
        isPlainObject(v) &&
        v['kind'] !== undefined &&
        v['apiVersion'] !== undefined
      )
        this.sink.add(v, { file: this.file, line });
      else this.pending.push({ value: v, line });
      return;
    }
    if (Array.isArray(top.container)) {
      top.container.push(v);
      return;
    }
    const key = top.key ?? '';
    // Like JSON.parse, a `__proto__` key is an own property, never the prototype.
    if (key === '__proto__')
      Object.defineProperty(top.container, key, {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else top.container[key] = v;
  }

  private topLevel(v: unknown): void {
    this.values++;
    this.sink.document({ file: this.file, line: this.topLine });
    if (this.itemsSeen && isPlainObject(v)) {
      this.itemsSeen = false;
      this.flushPending({ kind: v['kind'], apiVersion: v['apiVersion'] });
      if (v['kind'] !== undefined && !isListKind(v['kind']))
        this.sink.problem(
          'warning',
          where({ file: this.file, line: this.topLine }),
          `a ${typeof v['kind'] === 'string' ? v['kind'] : 'document'} with a top-level items array was read as a List`,
        );
      return;
    }
    this.sink.add(v, { file: this.file, line: this.topLine });
  }

  private flushPending(ctx: ListContext): void {
    for (const p of this.pending) this.sink.add(p.value, { file: this.file, line: p.line }, ctx);
    this.pending = [];
  }

  /** Items waiting for a List kind when the input was cut: they are still read, without it. */
  abandon(): void {
    this.flushPending({});
  }
}

function frame(kind: Frame['kind']): Frame {
  return { kind, container: kind === 'object' ? {} : [], key: undefined };
}

/**
 * Reads JSON text into the sink. A syntax error stops this input (JSON cannot be resynchronised):
 * everything complete before it is kept and the error is reported with file:line:column; for a file
 * the exact column comes from stream-json's verifier, run only on that error path.
 */
export async function readJson(
  chunks: AsyncIterable<string>,
  file: string,
  sink: ObjectSink,
  options: { readonly path?: string } = {},
): Promise<{ readonly values: number; readonly failed: boolean }> {
  // The parser takes text, and `none` once at the end (its declared input type names only the text).
  const parse = jsonParser({ packValues: true, streamValues: false, jsonStreaming: true }) as (
    input: string | typeof none,
  ) => unknown;
  const asm = new JsonAssembler(file, sink);
  const feed = (input: string | typeof none): void => {
    const out = parse(input);
    if (isMany(out)) for (const t of getManyValues(out) as Token[]) asm.token(t);
  };
  let column = 1;
  try {
    for await (const chunk of chunks) {
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf('\n', start);
        if (nl < 0) {
          if (start < chunk.length) {
            feed(start === 0 ? chunk : chunk.slice(start));
            column += chunk.length - start;
          }
          break;
        }
        feed(chunk.slice(start, nl + 1));
        asm.line++;
        column = 1;
        start = nl + 1;
      }
    }
  } catch (e) {
    if (!isParseError(e)) throw e;
    await reportSyntaxError(e, { file, line: asm.line }, undefined, sink, options.path);
    asm.abandon();
    return { values: asm.values, failed: true };
  }
  try {
    feed(none);
  } catch (e) {
    if (!isParseError(e)) throw e;
    await reportSyntaxError(e, { file, line: asm.line }, column, sink, options.path, true);
    asm.abandon();
    return { values: asm.values, failed: true };
  }
  return { values: asm.values, failed: false };
}

/** stream-json's syntax errors (`Parser cannot parse input: ...`) and the depth limit; anything else is not the input's fault. */
function isParseError(e: unknown): e is Error {
  return e instanceof TooDeep || (e instanceof Error && e.message.startsWith('Parser '));
}

async function reportSyntaxError(
  e: unknown,
  at: { file: string; line: number },
  column: number | undefined,
  sink: ObjectSink,
  path: string | undefined,
  atEnd = false,
): Promise<void> {
  let line = at.line;
  let col = column;
  const raw = e instanceof Error ? e.message : String(e);
  let message = raw.replace(/^Parser (?:cannot parse input: |has )/, '');
  if (path !== undefined && !(e instanceof TooDeep)) {
    try {
      await verifyFile(path, { jsonStreaming: true });
    } catch (v) {
      if (typeof v === 'object' && v !== null && 'line' in v && 'pos' in v) {
        const pos = v;
        if (typeof pos.line === 'number' && typeof pos.pos === 'number') {
          line = pos.line;
          col = pos.pos;
        }
      }
    }
  }
  if (atEnd) message = `unexpected end of input, the file looks truncated (${message})`;
  sink.problem(
    'error',
    where({ file: at.file, line }, col),
    `invalid JSON: ${message}; objects before this point were read, the rest of the input is skipped`,
  );
}
