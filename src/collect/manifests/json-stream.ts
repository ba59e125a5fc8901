// JSON read fast: a scanner splits the text into top-level values and List items, JSON.parse builds each one.
import { jsonParser } from 'stream-json/parser.js';
import { verifyFile } from 'stream-json/file/verifier.js';
// stream-chain is stream-json's own dependency; its `none` symbol flushes the parser at the end of input.
import { none } from 'stream-chain/defs.js';
import { isListKind, isPlainObject, where, type ListContext, type ObjectSink } from './object-sink.js';

/**
 * Deepest nesting accepted. Kubernetes objects nest a few dozen levels; a deeper document is hostile
 * input that would overflow the stack of every later recursive step (sanitising, JSON output).
 */
const MAX_DEPTH = 1000;

class TooDeep extends Error {}
/** The scanner found text that is not JSON; where exactly is worked out on this (rare) path only. */
class Malformed extends Error {}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const NUL = 0;

function isSpace(c: number): boolean {
  return c === 0x20 || c === NEWLINE || c === 0x0d || c === 0x09;
}

/** Characters a JSON number, true, false or null is made of. */
function isBareChar(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x61 && c <= 0x7a) ||
    c === 0x2d ||
    c === 0x2b ||
    c === 0x2e ||
    c === 0x45
  );
}

/**
 * Where the scanner is between values. `top`: between top-level values (concatenated objects are
 * allowed); `envelope`: inside a top-level object, at its own keys; `items`: inside a List's `items`
 * array (or a top-level array), between items.
 */
type Place = 'top' | 'envelope' | 'items';

/** What the text being cut out is: a value for the sink, a key of the envelope, or a value kept in the envelope's text. */
type Cut = 'none' | 'value' | 'key' | 'envelope-value';

/**
 * Splits JSON text into the values the sink wants without building a token stream: each List item
 * and each top-level value is found by counting brackets outside strings, then handed to JSON.parse
 * whole (V8's parser is many times faster than a tokenizer written in JavaScript). The `items` array
 * of a top-level object is never assembled: each item goes to the sink as soon as it is complete, so
 * a 1.5 GB PodList is never one string; the rest of that object (kind, apiVersion, metadata) is kept
 * as text and parsed at its closing brace. The line of each value is the line its first character is
 * on, counted as the text goes by.
 */
class JsonSplitter {
  private place: Place = 'top';
  private cut: Cut = 'none';
  /** The text cut out so far (a value may span chunks), its nesting depth and string state. */
  private pieces: string[] = [];
  private cutFrom = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** A bare value (number, true, false, null) is being read. */
  private bare = false;
  private valueLine = 1;
  private valueColumn = 1;
  /** Where the last newline of the chunk being scanned is (-1: none yet), to give a value its column. */
  private chunkNewline = -1;
  /** Between values: a value was read and a separator must come next. */
  private afterValue = false;
  /** The array or object was just opened: a closing bracket may come at once. */
  private justOpened = false;
  /** Inside the envelope: the key just read, its colon still to come or already read. */
  private key: string | undefined;
  private colonRead = false;
  /** The envelope's text (a top-level object without its `items` array's contents). */
  private envelope: string[] = [];
  private envelopeOpen = false;
  private envelopeFrom = 0;
  private envelopeLine = 1;
  private envelopeColumn = 1;
  /** Where the envelope's text resumes after its items (the `]`): its index in that text and its position. */
  private envelopeResume: { readonly at: number; readonly line: number; readonly column: number } | undefined;
  /** Whether this top-level object had an `items` array (it is then a List). */
  private itemsSeen = false;
  /** The items being read are a top-level array's. */
  private topArray = false;
  /** Items that lack apiVersion or kind wait for the List's kind, which kubectl writes after `items`. */
  private pending: { value: unknown; line: number }[] = [];
  line = 1;
  /** The column after the last character read, for the position of a cut-off input. */
  column = 1;
  /** A newline and the indentation of the last item read whole, and the line that closed it (the same and `}`). */
  private opening = '';
  private closing = '';
  /** Chunks fed so far, and the chunk whose rest holds no closing line for the current indentation. */
  private chunks = 0;
  private closingAbsent = -1;
  /** Values completed: top-level documents and List items. */
  values = 0;
  /** The text of a value JSON.parse refused, and its first line, to locate the error. */
  failed: { readonly text: string; readonly line: number } | undefined;
  /** NUL bytes reported so far: each cost only the item or value holding it. */
  nuls = 0;

  constructor(
    private readonly file: string,
    private readonly sink: ObjectSink,
  ) {}

  /** Scans one chunk of text. */
  feed(chunk: string): void {
    const n = chunk.length;
    this.chunks++;
    let lastNewline = -1;
    let i = 0;
    while (i < n) {
      const c = chunk.charCodeAt(i);
      if (c === NEWLINE) {
        this.line++;
        lastNewline = i;
      }
      if (this.cut !== 'none') {
        if (this.inString) {
          // A NUL byte after a backslash escapes nothing (it is not JSON): the character after it is
          // the escaped one, so the string still ends where it did without the NUL.
          if (this.escaped) this.escaped = c === NUL;
          else if (c === BACKSLASH) this.escaped = true;
          else if (c === QUOTE) {
            this.inString = false;
            if (this.depth === 0) this.complete(chunk, i + 1);
          }
          i++;
        } else if (this.bare) {
          if (isBareChar(c)) i++;
          // The character after a bare value is read again in the place the value returns to.
          else this.complete(chunk, i);
        } else {
          if (c === QUOTE) this.inString = true;
          else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
            if (++this.depth > MAX_DEPTH) throw new TooDeep(`nested deeper than ${MAX_DEPTH} levels`);
          } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
            if (--this.depth === 0) this.complete(chunk, i + 1);
          }
          i++;
        }
        continue;
      }
      if (isSpace(c)) i++;
      else {
        this.chunkNewline = lastNewline;
        i = this.between(c, chunk, i);
        // An item read whole (quickItem) moves past its own lines.
        lastNewline = this.chunkNewline;
      }
    }
    if (this.cut !== 'none' && this.cut !== 'envelope-value') this.pieces.push(chunk.slice(this.cutFrom));
    this.cutFrom = 0;
    if (this.envelopeOpen) this.envelope.push(chunk.slice(this.envelopeFrom));
    this.envelopeFrom = 0;
    this.column = lastNewline < 0 ? this.column + n : n - lastNewline;
  }

  /**
   * Pretty-printed JSON (kubectl's, a snapshot's) closes an item on a line of its own, indented as
   * its opening line: the first such line after the item's first character is where it ends if the
   * text between parses. A raw newline cannot occur inside a JSON string, so that line is outside
   * every string; and a text starting with `{` that JSON.parse accepts ends at the brace matching
   * the first, so an accepted guess is exactly the item the bracket count would have found. Native
   * searches find the guess, count its lines and bound its depth, and the character-by-character
   * scan runs only when the guess fails (compact JSON, an item cut by the chunk's end, bad input).
   * Returns the index after the item, or -1 to scan it instead.
   */
  private quickItem(chunk: string, i: number): number {
    let j = i - 1;
    while (j >= 0 && (chunk.charCodeAt(j) === 0x20 || chunk.charCodeAt(j) === 0x09)) j--;
    if (j < 0 || chunk.charCodeAt(j) !== NEWLINE) return -1;
    if (this.opening.length !== i - j || !chunk.startsWith(this.opening, j)) {
      this.opening = chunk.slice(j, i);
      this.closing = `${this.opening}}`;
      this.closingAbsent = -1;
    }
    // Compact items (one per line) have no closing line: the rest of the chunk is searched once, not per item.
    if (this.closingAbsent === this.chunks) return -1;
    // The closing line is found line by line, counting the item's lines on the way: a search for the
    // closing text itself (a newline, spaces, a brace) is slow in text that is mostly indentation.
    const brace = this.closing.length - 1;
    let lines = 0;
    let at = -1;
    for (let k = chunk.indexOf('\n', i); k >= 0; k = chunk.indexOf('\n', k + 1)) {
      lines++;
      if (chunk.charCodeAt(k + brace) === CLOSE_BRACE && chunk.startsWith(this.closing, k)) {
        at = k;
        break;
      }
    }
    if (at < 0) {
      this.closingAbsent = this.chunks;
      return -1;
    }
    const end = at + this.closing.length;
    // Nesting depth is at most the number of opening brackets: only an item with more is scanned for its depth.
    let opens = 0;
    for (
      let k = chunk.indexOf('{', i);
      k >= 0 && k < end && opens <= MAX_DEPTH;
      k = chunk.indexOf('{', k + 1)
    )
      opens++;
    for (
      let k = chunk.indexOf('[', i);
      k >= 0 && k < end && opens <= MAX_DEPTH;
      k = chunk.indexOf('[', k + 1)
    )
      opens++;
    if (opens > MAX_DEPTH) return -1;
    let value: unknown;
    try {
      value = JSON.parse(chunk.slice(i, end));
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      return -1;
    }
    const line = this.line;
    this.line += lines;
    // The item's last line is its closing line.
    this.chunkNewline = at;
    this.justOpened = false;
    this.afterValue = true;
    this.item(value, line);
    return end;
  }

  /** A non-blank character outside any value: a separator, a bracket of the structure, or a value's start. */
  private between(c: number, chunk: string, i: number): number {
    if (c === NUL) {
      // Outside every value: no item holds it, so nothing is skipped, but the input is still reported.
      this.nulProblem(
        this.line,
        this.columnAt(i),
        'NUL byte between values (binary data or a corrupted file); byte ignored',
      );
      return i + 1;
    }
    switch (this.place) {
      case 'envelope':
        return this.inEnvelope(c, chunk, i);
      case 'items': {
        if (c === CLOSE_BRACKET && (this.afterValue || this.justOpened)) {
          this.endItems(i);
          return i + 1;
        }
        if (c === OPEN_BRACE && !this.afterValue) {
          const end = this.quickItem(chunk, i);
          if (end >= 0) return end;
        }
        return this.separatorOrValue(c, i, 'value');
      }
      case 'top':
        if (c === OPEN_BRACE) {
          this.place = 'envelope';
          this.envelope = [];
          this.envelopeOpen = true;
          this.envelopeFrom = i;
          this.envelopeLine = this.line;
          this.envelopeColumn = this.columnAt(i);
          this.envelopeResume = undefined;
          this.itemsSeen = false;
          this.pending = [];
          this.key = undefined;
          this.colonRead = false;
          this.afterValue = false;
          this.justOpened = true;
          return i + 1;
        }
        if (c === OPEN_BRACKET) {
          // A top-level array is read like the items of a List.
          this.pending = [];
          this.topArray = true;
          this.place = 'items';
          this.afterValue = false;
          this.justOpened = true;
          return i + 1;
        }
        return this.start(c, i, 'value');
    }
  }

  /** Between items: a comma after an item, or the next item's first character. */
  private separatorOrValue(c: number, i: number, cut: Cut): number {
    if (this.afterValue) {
      if (c !== COMMA) throw new Malformed();
      this.afterValue = false;
      this.justOpened = false;
      return i + 1;
    }
    if (c === COMMA || c === CLOSE_BRACKET || c === CLOSE_BRACE) throw new Malformed();
    this.justOpened = false;
    return this.start(c, i, cut);
  }

  /** Inside a top-level object, outside its values: keys, colons, commas, `items` and the closing brace. */
  private inEnvelope(c: number, chunk: string, i: number): number {
    if (this.key !== undefined) {
      if (!this.colonRead) {
        if (c !== COLON) throw new Malformed();
        this.colonRead = true;
        return i + 1;
      }
      const key = this.key;
      this.key = undefined;
      this.colonRead = false;
      if (key === 'items' && c === OPEN_BRACKET) {
        // The envelope keeps `"items": [` and `]`; the items go to the sink one by one.
        this.envelope.push(chunk.slice(this.envelopeFrom, i + 1));
        this.envelopeOpen = false;
        this.itemsSeen = true;
        this.place = 'items';
        this.afterValue = false;
        this.justOpened = true;
        return i + 1;
      }
      return this.start(c, i, 'envelope-value');
    }
    if (c === CLOSE_BRACE && (this.afterValue || this.justOpened)) {
      this.envelope.push(chunk.slice(this.envelopeFrom, i + 1));
      this.envelopeOpen = false;
      this.place = 'top';
      this.endTopObject();
      return i + 1;
    }
    if (this.afterValue) {
      if (c !== COMMA) throw new Malformed();
      this.afterValue = false;
      this.justOpened = false;
      return i + 1;
    }
    if (c !== QUOTE) throw new Malformed();
    this.justOpened = false;
    return this.start(c, i, 'key');
  }

  /** Starts cutting out a value (or key) at its first character. */
  private start(c: number, i: number, cut: Cut): number {
    this.cut = cut;
    this.pieces = [];
    this.cutFrom = i;
    this.valueLine = this.line;
    this.valueColumn = this.columnAt(i);
    this.depth = 0;
    if (c === QUOTE) this.inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth = 1;
    else if (isBareChar(c)) {
      this.bare = true;
      return i + 1;
    } else throw new Malformed();
    return i + 1;
  }

  /** The value (or key) being cut out ends just before `end` in this chunk. */
  private complete(chunk: string, end: number): void {
    const cut = this.cut;
    this.cut = 'none';
    this.bare = false;
    this.afterValue = true;
    if (cut === 'envelope-value') return;
    const last = chunk.slice(this.cutFrom, end);
    const text = this.pieces.length === 0 ? last : this.pieces.join('') + last;
    this.pieces = [];
    if (cut === 'key') {
      this.afterValue = false;
      this.key = text.includes('\\') ? (JSON.parse(text) as string) : text.slice(1, -1);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      const nul = text.indexOf('\u0000');
      if (nul >= 0) {
        this.skipWithNul(
          positionIn(text, nul, { line: this.valueLine, column: this.valueColumn }),
          this.valueLine,
        );
        return;
      }
      this.failed = { text, line: this.valueLine };
      throw new Malformed();
    }
    if (this.place === 'items') this.item(value, this.valueLine);
    else this.topLevel(value, this.valueLine);
  }

  private item(v: unknown, line: number): void {
    this.values++;
    // Once one item waits, the later ones wait behind it, so objects keep their input order.
    if (
      this.pending.length === 0 &&
      isPlainObject(v) &&
      v['kind'] !== undefined &&
      v['apiVersion'] !== undefined
    )
      this.sink.add(v, { file: this.file, line });
    else this.pending.push({ value: v, line });
  }

  private endItems(i: number): void {
    this.afterValue = true;
    this.justOpened = false;
    if (this.topArray) {
      this.topArray = false;
      this.place = 'top';
      this.afterValue = false;
      this.flushPending({});
      return;
    }
    this.place = 'envelope';
    this.envelopeOpen = true;
    this.envelopeFrom = i;
    this.envelopeResume = {
      at: this.envelope.reduce((n, piece) => n + piece.length, 0),
      line: this.line,
      column: this.columnAt(i),
    };
  }

  private endTopObject(): void {
    const text = this.envelope.join('');
    this.envelope = [];
    this.afterValue = false;
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      const nul = text.indexOf('\u0000');
      if (nul >= 0) {
        this.skipEnvelopeWithNul(text, nul);
        return;
      }
      this.failed = { text, line: this.envelopeLine };
      throw new Malformed();
    }
    this.topLevel(v, this.envelopeLine);
  }

  /**
   * A List item or top-level value JSON.parse refused because it holds a NUL byte (never in a
   * manifest: binary data or a corrupted file). The scanner found where it ends, so only it is
   * skipped, as the YAML reader skips the document or List item holding one.
   */
  private skipWithNul(at: { line: number; column: number }, line: number): void {
    this.values++;
    if (this.place === 'items') {
      this.nulProblem(
        at.line,
        at.column,
        'NUL byte in this list item (binary data or a corrupted file); list item skipped',
      );
      return;
    }
    this.sink.document({ file: this.file, line });
    this.afterValue = false;
    this.nulProblem(
      at.line,
      at.column,
      'NUL byte in this document (binary data or a corrupted file); document skipped',
    );
  }

  /**
   * A top-level object's own fields hold a NUL byte. Without items it is one document, skipped; a
   * List's items were read on their own, so they are kept (without the List's kind) and only its
   * fields are lost.
   */
  private skipEnvelopeWithNul(text: string, nul: number): void {
    const resume = this.envelopeResume;
    const at =
      resume !== undefined && nul >= resume.at
        ? positionIn(text.slice(resume.at), nul - resume.at, resume)
        : positionIn(text, nul, { line: this.envelopeLine, column: this.envelopeColumn });
    if (!this.itemsSeen) {
      this.skipWithNul(at, this.envelopeLine);
      return;
    }
    this.values++;
    this.sink.document({ file: this.file, line: this.envelopeLine });
    this.itemsSeen = false;
    this.nulProblem(
      at.line,
      at.column,
      "NUL byte in this List's own fields (binary data or a corrupted file); its kind is not read, its items are",
    );
    this.flushPending({});
  }

  private nulProblem(line: number, column: number, message: string): void {
    this.nuls++;
    this.sink.problem('error', where({ file: this.file, line }, column), message);
  }

  /** The column of index `i` of the chunk being scanned. */
  private columnAt(i: number): number {
    return this.chunkNewline < 0 ? this.column + i : i - this.chunkNewline;
  }

  private topLevel(v: unknown, line: number): void {
    this.values++;
    this.sink.document({ file: this.file, line });
    this.afterValue = false;
    if (this.itemsSeen && isPlainObject(v)) {
      this.itemsSeen = false;
      this.flushPending({ kind: v['kind'], apiVersion: v['apiVersion'] });
      if (v['kind'] !== undefined && !isListKind(v['kind']))
        this.sink.problem(
          'warning',
          where({ file: this.file, line }),
          `a ${typeof v['kind'] === 'string' ? v['kind'] : 'document'} with a top-level items array was read as a List`,
        );
      return;
    }
    this.sink.add(v, { file: this.file, line });
  }

  private flushPending(ctx: ListContext): void {
    for (const p of this.pending) this.sink.add(p.value, { file: this.file, line: p.line }, ctx);
    this.pending = [];
  }

  /** The input ended: a bare value at the very end is complete; anything else open means it was cut off. */
  end(): boolean {
    if (this.cut === 'value' && this.bare) this.complete('', 0);
    return this.cut === 'none' && this.place === 'top';
  }

  /** Items waiting for a List kind when the input was cut: they are still read, without it. */
  abandon(): void {
    this.flushPending({});
  }
}

/** The line and column of `text[index]`, given those of `text[0]`. */
function positionIn(
  text: string,
  index: number,
  start: { readonly line: number; readonly column: number },
): { line: number; column: number } {
  const lastNewline = text.lastIndexOf('\n', index - 1);
  if (lastNewline < 0 || index === 0) return { line: start.line, column: start.column + index };
  let line = start.line;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return { line, column: index - lastNewline };
}

/**
 * Reads JSON text into the sink. A NUL byte costs only the List item or top-level value holding it
 * (the scanner still finds where that value ends); any other syntax error stops this input (JSON
 * cannot be resynchronised): everything complete before it is kept and the error is reported with
 * file:line:column; for a file the exact column comes from stream-json's verifier, run only on that
 * error path (and not after a NUL byte, which the verifier would report first).
 */
export async function readJson(
  chunks: AsyncIterable<string>,
  file: string,
  sink: ObjectSink,
  options: { readonly path?: string } = {},
): Promise<{ readonly values: number; readonly failed: boolean }> {
  const split = new JsonSplitter(file, sink);
  // After a NUL byte the verifier would stop at that byte, not at the error being reported.
  const verifierPath = (): string | undefined => (split.nuls > 0 ? undefined : options.path);
  try {
    for await (const chunk of chunks) split.feed(chunk);
    if (!split.end()) {
      await reportSyntaxError(
        'unexpected end of input, the file looks truncated',
        { file, line: split.line, column: split.column },
        sink,
        verifierPath(),
      );
      split.abandon();
      return { values: split.values, failed: true };
    }
  } catch (e) {
    if (e instanceof TooDeep) {
      sink.problem(
        'error',
        where({ file, line: split.line }),
        `invalid JSON: ${e.message}; objects before this point were read, the rest of the input is skipped`,
      );
    } else if (e instanceof Malformed) {
      const at = split.failed === undefined ? { file, line: split.line } : lineOfError(file, split.failed);
      await reportSyntaxError(at.reason ?? 'unexpected character', at, sink, verifierPath());
    } else throw e;
    split.abandon();
    return { values: split.values, failed: true };
  }
  return { values: split.values, failed: false };
}

/**
 * The line (and stream-json's message) of the first error in a value JSON.parse refused: the value is
 * fed to stream-json's parser line by line. Only the error path pays for it.
 */
function lineOfError(
  file: string,
  failed: { readonly text: string; readonly line: number },
): { file: string; line: number; column?: number; reason?: string } {
  const parse = jsonParser({ packValues: false, streamValues: false, jsonStreaming: true }) as (
    input: string | typeof none,
  ) => unknown;
  let line = failed.line;
  let start = 0;
  try {
    for (;;) {
      const nl = failed.text.indexOf('\n', start);
      parse(nl < 0 ? failed.text.slice(start) : failed.text.slice(start, nl + 1));
      if (nl < 0) break;
      line++;
      start = nl + 1;
    }
    parse(none);
  } catch (e) {
    const raw = e instanceof Error ? e.message : String(e);
    return { file, line, reason: raw.replace(/^Parser (?:cannot parse input: |has )/, '') };
  }
  return { file, line };
}

async function reportSyntaxError(
  reason: string,
  at: { file: string; line: number; column?: number },
  sink: ObjectSink,
  path: string | undefined,
): Promise<void> {
  let line = at.line;
  let col = at.column;
  let message = reason;
  if (path !== undefined) {
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
      if (v instanceof Error && at.column === undefined)
        message = v.message
          .replace(/^Verifier (?:cannot parse input: |has )/, '')
          .replace(/ at \d+:\d+$/, '');
    }
  }
  sink.problem(
    'error',
    where({ file: at.file, line }, col),
    `invalid JSON: ${message}; objects before this point were read, the rest of the input is skipped`,
  );
}
