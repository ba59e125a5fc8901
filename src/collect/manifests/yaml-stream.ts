// Multi-document YAML read line by line: each document (and each item of a top-level `items:` list) parsed alone.
import { plural } from '../../text/plural.js';
import { LineCounter, parseDocument, isMap, isNode, isSeq, type Document, type YAMLError } from 'yaml';
import { LIMIT_FLAGS } from '../limits.js';
import { isPlainObject, isListKind, where, type ListContext, type ObjectSink } from './object-sink.js';

/**
 * YAML 1.1, as kubectl reads manifests (sigs.k8s.io/yaml uses go-yaml's 1.1 rules): `0644` is the
 * octal file mode 420, not the decimal 644, which matters for `defaultMode` and similar fields.
 * https://github.com/kubernetes-sigs/yaml
 */
const PARSE_OPTIONS = { version: '1.1', prettyErrors: true } as const;

const DOC_START = /^---(?:[ \t]|$)/;
const DOC_END = /^\.\.\.(?:[ \t]|$)/;
const ITEMS_KEY = /^items:[ \t]*(?:#.*)?$/;
/** The first entry of a block sequence under `items:`, at column 0 (kubectl's style) or indented by two. */
const FIRST_ENTRY = /^( {0,2})-(?:[ \t]|$)/;

function isContent(line: string): boolean {
  const t = line.trimStart();
  return t.length > 0 && !t.startsWith('#') && !line.startsWith('%');
}

function indentOf(line: string): number {
  let i = 0;
  while (i < line.length && line.charCodeAt(i) === 32) i++;
  return i;
}

interface Entry {
  readonly start: number;
  readonly lines: string[];
  /** The first line holding a NUL byte: the entry is skipped, not the file. */
  nul?: number;
}

/**
 * One YAML document being accumulated. A document whose top level holds `items:` followed by a block
 * sequence (a `kubectl get -o yaml` dump, a `kind: List`) is split into its entries as they arrive, so
 * a dump of 150,000 pods is never one string: each entry is parsed on its own (the first line's `-`
 * becomes a space so columns stay true) and the rest of the document (apiVersion, kind, metadata) is
 * parsed as a small header with `items: []`. YAML aliases from one entry to another are not supported.
 */
class DocumentBuilder {
  private readonly lines: string[] = [];
  private readonly lineNos: number[] = [];
  private hasContent = false;
  private sawMarker = false;
  private mode: 'plain' | 'await-items' | 'items' = 'plain';
  private itemsLineIndex = -1;
  private itemIndent = 0;
  /** The document's items are being (or were) read entry by entry. */
  private split = false;
  private entry: Entry | undefined;
  private readonly entries: { value: unknown; line: number }[] = [];
  /** The first line outside an entry holding a NUL byte: the document is skipped, not the file. */
  private nul: number | undefined;

  constructor(
    private readonly file: string,
    private readonly sink: ObjectSink,
  ) {}

  get empty(): boolean {
    return !this.hasContent;
  }

  get marked(): boolean {
    return this.sawMarker;
  }

  push(line: string, lineNo: number): void {
    if (this.mode === 'items') {
      this.pushItemLine(line, lineNo);
      return;
    }
    if (DOC_START.test(line)) this.sawMarker = true;
    if (this.mode === 'await-items' && isContent(line)) {
      const m = FIRST_ENTRY.exec(line);
      if (m !== null) {
        this.mode = 'items';
        this.split = true;
        this.itemIndent = m[1]!.length;
        this.entry = { start: lineNo, lines: [line] };
        if (line.includes('\u0000')) this.entry.nul = lineNo;
        this.hasContent = true;
        return;
      }
      this.mode = 'plain';
    }
    if (this.mode === 'plain' && ITEMS_KEY.test(line)) {
      this.mode = 'await-items';
      this.itemsLineIndex = this.lines.length;
    }
    if (!this.hasContent && isContent(line) && !(DOC_START.test(line) && line.slice(3).trim() === ''))
      this.hasContent = true;
    if (this.nul === undefined && line.includes('\u0000')) this.nul = lineNo;
    this.lines.push(line);
    this.lineNos.push(lineNo);
  }

  private pushItemLine(line: string, lineNo: number): void {
    const entry = this.entry!;
    if (
      entry.nul === undefined &&
      line.includes('\u0000') &&
      (!isContent(line) || indentOf(line) > this.itemIndent)
    )
      entry.nul = lineNo;
    if (!isContent(line)) {
      entry.lines.push(line);
      return;
    }
    const indent = indentOf(line);
    if (indent > this.itemIndent) {
      entry.lines.push(line);
      return;
    }
    this.finishEntry();
    if (indent === this.itemIndent && /^-(?:[ \t]|$)/.test(line.slice(indent))) {
      this.entry = { start: lineNo, lines: [line] };
      if (line.includes('\u0000')) this.entry.nul = lineNo;
      return;
    }
    // The sequence ended: the rest (`kind: List`, `metadata:`) belongs to the header.
    this.mode = 'plain';
    this.entry = undefined;
    if (this.nul === undefined && line.includes('\u0000')) this.nul = lineNo;
    this.lines.push(line);
    this.lineNos.push(lineNo);
  }

  private finishEntry(): void {
    const entry = this.entry;
    if (entry === undefined) return;
    this.entry = undefined;
    if (entry.nul !== undefined) {
      this.nulProblem(entry.nul, 'list item');
      return;
    }
    const first = entry.lines[0]!;
    entry.lines[0] = `${first.slice(0, this.itemIndent)} ${first.slice(this.itemIndent + 1)}`;
    const doc = this.parse(entry.lines.join('\n'), (l) => entry.start + l - 1);
    if (doc === undefined) return;
    const value = this.toJS(doc, entry.start);
    if (value.ok) this.entries.push({ value: value.value, line: entry.start });
  }

  /** Parses the document and hands its objects to the sink. */
  finish(): void {
    if (this.mode === 'items') this.finishEntry();
    if (!this.hasContent) return;
    this.sink.document({ file: this.file, line: this.lineNos[0] ?? 1 });
    if (this.nul !== undefined) {
      this.nulProblem(this.nul, 'document');
      return;
    }
    const split = this.split;
    if (split) this.lines[this.itemsLineIndex] = 'items: []';
    const lineNos = this.lineNos;
    const doc = this.parse(this.lines.join('\n'), (l) => lineNos[l - 1] ?? lineNos[lineNos.length - 1] ?? 1);
    const lc = this.lastLineCounter;
    const range = doc?.contents?.range;
    const startLine =
      range !== undefined && range !== null
        ? (lineNos[lc.linePos(range[0]).line - 1] ?? lineNos[0]!)
        : (lineNos[0] ?? 1);
    const header = doc === undefined ? { ok: false as const } : this.toJS(doc, startLine);
    if (!split) {
      if (header.ok) this.addPlain(doc!, header.value, lc, startLine);
      return;
    }
    const value = header.ok ? header.value : undefined;
    if (isPlainObject(value) && value['kind'] !== undefined && !isListKind(value['kind'])) {
      // Not a List after all: an object that happens to have a top-level `items` sequence.
      this.sink.add(
        { ...value, items: this.entries.map((e) => e.value) },
        { file: this.file, line: startLine },
      );
      return;
    }
    const ctx: ListContext = isPlainObject(value)
      ? { kind: value['kind'], apiVersion: value['apiVersion'] }
      : {};
    for (const e of this.entries) this.sink.add(e.value, { file: this.file, line: e.line }, ctx);
  }

  /** A whole document: an object, or a List whose items each get the line they start on. */
  private addPlain(doc: Document, value: unknown, lc: LineCounter, startLine: number): void {
    const contents = doc.contents;
    if (
      isPlainObject(value) &&
      isListKind(value['kind']) &&
      Array.isArray(value['items']) &&
      isMap(contents)
    ) {
      const seq = contents.get('items', true);
      const ctx: ListContext = { kind: value['kind'], apiVersion: value['apiVersion'] };
      const items = value['items'] as unknown[];
      items.forEach((item, i) => {
        const node: unknown = isSeq(seq) ? seq.items[i] : undefined;
        const line =
          isNode(node) && node.range
            ? (this.lineNos[lc.linePos(node.range[0]).line - 1] ?? startLine)
            : startLine;
        this.sink.add(item, { file: this.file, line }, ctx);
      });
      return;
    }
    this.sink.add(value, { file: this.file, line: startLine });
  }

  private lastLineCounter = new LineCounter();

  private parse(text: string, fileLine: (docLine: number) => number): Document | undefined {
    this.lastLineCounter = new LineCounter();
    const doc = parseDocument(text, { ...PARSE_OPTIONS, lineCounter: this.lastLineCounter });
    const err = doc.errors[0];
    if (err === undefined) return doc;
    this.reportError(err, fileLine, doc.errors.length - 1);
    return undefined;
  }

  private reportError(err: YAMLError, fileLine: (docLine: number) => number, more: number): void {
    const pos = err.linePos?.[0];
    const at =
      pos === undefined
        ? where({ file: this.file, line: fileLine(1) })
        : where({ file: this.file, line: fileLine(pos.line) }, pos.col);
    const message = (err.message.split('\n')[0] ?? err.code).replace(/ at line \d+, column \d+:?$/, '');
    const extra = more > 0 ? ` (and ${plural(more, 'more problem')})` : '';
    this.sink.problem('error', at, `invalid YAML: ${message}${extra}; document skipped`);
  }

  /** A NUL byte is never in a manifest: the document (or List item) holding it is skipped, the rest of the file is read. */
  private nulProblem(line: number, what: string): void {
    this.sink.problem(
      'error',
      where({ file: this.file, line }),
      `NUL byte in this ${what} (binary data or a corrupted file); ${what} skipped`,
    );
  }

  private toJS(doc: Document, line: number): { ok: true; value: unknown } | { ok: false } {
    // maxAliasCount bounds alias expansion (the "billion laughs" document).
    const max = this.sink.budget.limits.maxYamlAliases;
    try {
      return { ok: true, value: doc.toJS({ maxAliasCount: max }) };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.sink.problem(
        'error',
        where({ file: this.file, line }),
        /alias/i.test(message)
          ? `YAML aliases expand to more than ${max} nodes (the ${LIMIT_FLAGS.maxYamlAliases} limit); document skipped`
          : `invalid YAML: ${message}; document skipped`,
      );
      return { ok: false };
    }
  }
}

/** Reads every document of a YAML stream into the sink; a bad document is reported and the rest still read. */
export async function readYaml(
  textLines: AsyncIterable<string>,
  file: string,
  sink: ObjectSink,
): Promise<void> {
  let lineNo = 0;
  let doc = new DocumentBuilder(file, sink);
  for await (const line of textLines) {
    lineNo++;
    if (DOC_START.test(line) && (!doc.empty || doc.marked)) {
      doc.finish();
      doc = new DocumentBuilder(file, sink);
    }
    doc.push(line, lineNo);
    if (DOC_END.test(line)) {
      doc.finish();
      doc = new DocumentBuilder(file, sink);
    }
  }
  doc.finish();
}
