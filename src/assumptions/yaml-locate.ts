// Maps a path inside a parsed YAML document to file:line:column, so schema errors point at the offending node.
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';

export interface LocatedYaml {
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
  readonly value: unknown;
}

export function parseLocated(text: string): LocatedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  return {
    doc,
    lines,
    value: doc.errors.length > 0 ? undefined : (doc.toJS({ maxAliasCount: 100 }) as unknown),
  };
}

/** Line and column (1-based) of the deepest node that exists along `path`. */
export function locate(y: LocatedYaml, path: readonly PropertyKey[]): { line: number; col: number } {
  for (let n = path.length; n >= 0; n--) {
    const keys = path.slice(0, n).map((k) => (typeof k === 'symbol' ? String(k) : k));
    const node: unknown = keys.length === 0 ? y.doc.contents : y.doc.getIn(keys, true);
    if (isNode(node) && node.range) return y.lines.linePos(node.range[0]);
  }
  return { line: 1, col: 1 };
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : out === '' ? String(k) : `.${String(k)}`;
  return out === '' ? '(top level)' : out;
}
