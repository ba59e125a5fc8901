// Parses node files (YAML or JSON, several documents) into plain values with their start lines and safe diagnostics.
import { LineCounter, parseAllDocuments, YAMLError } from 'yaml';
import type { Diagnostic } from '../../errors.js';

export interface ParsedDocument {
  readonly value: unknown;
  /** 1-based line the document starts on. */
  readonly line: number;
}

/**
 * The part of a YAML error message that names the problem. The yaml library appends the offending source
 * line; node files hold keys and tokens, so that excerpt is never repeated in a diagnostic.
 */
function safeMessage(e: YAMLError): string {
  const first = e.message.split('\n')[0] ?? e.code;
  const cut = first.indexOf(' at line ');
  return (cut === -1 ? first : first.slice(0, cut)).replace(/:$/, '');
}

/** Every document of a file; a document with errors is reported (file:line:column) and skipped, the others kept. */
export function parseYamlDocuments(
  text: string,
  file: string,
): { docs: ParsedDocument[]; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const docs: ParsedDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  let parsed;
  try {
    parsed = parseAllDocuments(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  } catch (err) {
    if (!isYamlFailure(err)) throw err;
    return { docs, diagnostics: [{ severity: 'error', where: `${file}:1:1`, message: 'unreadable YAML' }] };
  }
  const all = Array.isArray(parsed) ? parsed : [];
  for (const doc of all) {
    const start = doc.range[0];
    const line = lineCounter.linePos(start).line;
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      const pos = lineCounter.linePos(e.pos[0]);
      diagnostics.push({
        severity: 'error',
        where: `${file}:${pos.line}:${pos.col}`,
        message: `invalid YAML (${safeMessage(e)}); document skipped`,
      });
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      if (!isYamlFailure(err)) throw err;
      diagnostics.push({
        severity: 'error',
        where: `${file}:${line}:1`,
        message: 'YAML document could not be read',
      });
      continue;
    }
    if (value === null || value === undefined) continue;
    docs.push({ value, line });
  }
  return { docs, diagnostics };
}

/** A plain object (not an array), narrowed for reading fields. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function stringField(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' ? v : undefined;
}

/**
 * What the yaml library throws for input it cannot turn into values: its own errors, ReferenceError for an
 * alias bomb (maxAliasCount) or an unresolved alias, RangeError for nesting deeper than the stack.
 */
function isYamlFailure(err: unknown): boolean {
  return err instanceof YAMLError || err instanceof ReferenceError || err instanceof RangeError;
}
