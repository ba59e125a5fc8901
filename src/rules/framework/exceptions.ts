// Exceptions: accepted risks that suppress findings, from an object annotation or an exceptions file, with expiry.
import { LineCounter, parseDocument, isNode } from 'yaml';
import { z } from 'zod';
import type { Inventory } from '../../collect/inventory.js';
import { KtmError, type Diagnostic } from '../../errors.js';
import { escapeTerminal } from '../../text/escape.js';
import { refToString, type Ref } from '../../types.js';
import type { Finding } from '../finding.js';
import type { AnyRule } from './define-rule.js';
import { resolveRule } from './select.js';

/**
 * The annotation. Its value holds one entry per line: `rule-id[#variant][,other-id…]: justification`.
 * It suppresses the listed rules' findings whose subject is the annotated object itself.
 */
export const EXCEPTION_ANNOTATION = 'ktm.dev/exceptions';

export interface ExceptionOrigin {
  readonly kind: 'file' | 'annotation';
  /** file:line for the file, Kind/namespace/name for an annotation. */
  readonly where: string;
}

export interface RuleException {
  /** Canonical rule id (aliases are resolved). */
  readonly rule: string;
  readonly variant?: string;
  /** `Kind/namespace/name` (or `Kind/name`) with `*` matching any run of characters; annotations: the object itself. */
  readonly subject: string;
  readonly justification: string;
  readonly owner?: string;
  /** Last day the exception holds (YYYY-MM-DD, inclusive, UTC). */
  readonly expires?: string;
  readonly origin: ExceptionOrigin;
}

/** A finding an exception suppressed, listed separately in the Assessment. */
export interface SuppressedFinding {
  readonly finding: Finding;
  readonly exception: RuleException;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

const entrySchema = z
  .object({
    rule: z.string().min(1),
    variant: z.string().min(1).optional(),
    subject: z.string().min(1).default('*'),
    justification: z.string().trim().min(1, 'a justification is required'),
    owner: z.string().min(1).optional(),
    expires: z
      .string()
      .regex(DATE, 'expected a date YYYY-MM-DD')
      .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'not a calendar date')
      .optional(),
  })
  .strict();

export const exceptionsFileSchema = z
  .object({
    apiVersion: z.literal('ktm.dev/v1').optional(),
    kind: z.literal('Exceptions').optional(),
    exceptions: z.array(entrySchema),
  })
  .strict();

/** Splits `rule#variant`. */
function splitRuleRef(s: string): { rule: string; variant?: string } {
  const i = s.indexOf('#');
  return i < 0 ? { rule: s.trim() } : { rule: s.slice(0, i).trim(), variant: s.slice(i + 1).trim() };
}

/**
 * Parses and validates an exceptions file (YAML). Any problem — bad YAML, a field of the wrong shape,
 * an unknown rule id or variant — is a KtmError naming file:line, since a mistyped exception that is
 * silently ignored would turn accepted risks back into noise or, worse, hide that nothing is suppressed.
 */
export function parseExceptionsFile(
  text: string,
  file: string,
  registry: readonly AnyRule[],
): RuleException[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const lineOf = (path: readonly PropertyKey[]): string => {
    const node = doc.getIn(
      path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
      true,
    );
    if (isNode(node) && node.range) {
      const pos = lineCounter.linePos(node.range[0]);
      return `${file}:${pos.line}:${pos.col}`;
    }
    return file;
  };
  const yamlError = doc.errors[0];
  if (yamlError !== undefined) {
    const pos = yamlError.linePos?.[0];
    throw new KtmError(
      `invalid YAML: ${yamlError.message.split('\n')[0] ?? ''}`,
      pos ? `${file}:${pos.line}:${pos.col}` : file,
      'fix the exceptions file',
    );
  }
  const parsed = exceptionsFileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new KtmError(
      `invalid exceptions file: ${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}`,
      lineOf(issue.path),
      'each entry needs rule, subject, justification; optional variant, owner, expires (YYYY-MM-DD)',
    );
  }
  return parsed.data.exceptions.map((e, i) => {
    const where = lineOf(['exceptions', i]);
    const ref = splitRuleRef(e.rule);
    const variant = e.variant ?? ref.variant;
    const rule = resolveRule(registry, ref.rule);
    if (rule === undefined)
      throw new KtmError(
        `unknown rule '${escapeTerminal(ref.rule)}' in exception`,
        where,
        'run `ktm rules` for the rule ids',
      );
    if (variant !== undefined && rule.meta.variants?.[variant] === undefined)
      throw new KtmError(
        `rule ${rule.meta.id} has no variant '${escapeTerminal(variant)}'`,
        where,
        `run \`ktm rules ${rule.meta.id}\` for its variants`,
      );
    return {
      rule: rule.meta.id,
      ...(variant === undefined ? {} : { variant }),
      subject: e.subject,
      justification: e.justification,
      ...(e.owner === undefined ? {} : { owner: e.owner }),
      ...(e.expires === undefined ? {} : { expires: e.expires }),
      origin: { kind: 'file', where },
    };
  });
}

/**
 * Exceptions declared on objects through the annotation. An unknown rule id here is a warning, not an
 * error: annotations are cluster data anyone with write access to one object can set, and one bad
 * annotation must not stop the assessment of the whole cluster.
 */
export function annotationExceptions(
  inv: Inventory,
  registry: readonly AnyRule[],
): { exceptions: RuleException[]; diagnostics: Diagnostic[] } {
  const exceptions: RuleException[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const item of inv.items) {
    const value = item.object.metadata.annotations?.[EXCEPTION_ANNOTATION];
    if (typeof value !== 'string') continue;
    const ref: Ref =
      item.object.metadata.namespace === undefined
        ? { kind: item.object.kind, name: item.object.metadata.name }
        : {
            kind: item.object.kind,
            namespace: item.object.metadata.namespace,
            name: item.object.metadata.name,
          };
    const where = refToString(ref);
    const warn = (message: string): void => {
      diagnostics.push({
        severity: 'warning',
        where,
        message: `annotation ${EXCEPTION_ANNOTATION}: ${message}`,
      });
    };
    for (const line of value.split('\n')) {
      if (line.trim() === '') continue;
      const colon = line.indexOf(':');
      const justification = colon < 0 ? '' : line.slice(colon + 1).trim();
      if (colon < 0 || justification === '') {
        warn(`'${escapeTerminal(line, 80)}' has no justification (write "rule-id: why this is accepted")`);
        continue;
      }
      for (const part of line.slice(0, colon).split(',')) {
        if (part.trim() === '') continue;
        const r = splitRuleRef(part);
        const rule = resolveRule(registry, r.rule);
        if (rule === undefined) {
          warn(`unknown rule '${escapeTerminal(r.rule, 80)}' (ignored; run \`ktm rules\` for the ids)`);
          continue;
        }
        if (r.variant !== undefined && rule.meta.variants?.[r.variant] === undefined) {
          warn(`rule ${rule.meta.id} has no variant '${escapeTerminal(r.variant, 80)}' (ignored)`);
          continue;
        }
        exceptions.push({
          rule: rule.meta.id,
          ...(r.variant === undefined ? {} : { variant: r.variant }),
          subject: where,
          justification,
          origin: { kind: 'annotation', where },
        });
      }
    }
  }
  return { exceptions, diagnostics };
}

/** `*` matches any run of characters, everything else literally. */
export function subjectMatcher(pattern: string): (subject: string) => boolean {
  const re = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`, 's');
  return (s) => re.test(s);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** True when the exception's last day is before `now` (UTC). */
export function isExpired(e: RuleException, now: Date): boolean {
  if (e.expires === undefined) return false;
  return Date.parse(`${e.expires}T23:59:59.999Z`) < now.getTime();
}

export interface ExceptionOutcome {
  readonly kept: Finding[];
  readonly suppressed: SuppressedFinding[];
  /** Exceptions past their expiry: they no longer suppress anything. */
  readonly expired: RuleException[];
  /** File exceptions that matched no finding (stale, or the risk is gone). */
  readonly unused: RuleException[];
}

/** Splits findings into kept and suppressed. Unverifiable results are suppressed too: the risk was accepted. */
export function applyExceptions(
  findings: readonly Finding[],
  exceptions: readonly RuleException[],
  now: Date,
): ExceptionOutcome {
  const expired = exceptions.filter((e) => isExpired(e, now));
  // Exact subjects (every annotation, most file entries) are looked up by key; only patterns are scanned,
  // so thousands of annotated objects do not make this quadratic.
  const exact = new Map<string, RuleException[]>();
  const patterns: { e: RuleException; match: (s: string) => boolean }[] = [];
  for (const e of exceptions) {
    if (isExpired(e, now)) continue;
    if (e.subject.includes('*')) patterns.push({ e, match: subjectMatcher(e.subject) });
    else {
      const key = `${e.rule}\u0000${e.subject}`;
      const list = exact.get(key);
      if (list === undefined) exact.set(key, [e]);
      else list.push(e);
    }
  }
  const applies = (e: RuleException, f: Finding): boolean =>
    e.rule === f.rule && (e.variant === undefined || e.variant === f.variant);
  const used = new Set<RuleException>();
  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const f of findings) {
    const subject = refToString(f.subject);
    const hit =
      exact.get(`${f.rule}\u0000${subject}`)?.find((e) => applies(e, f)) ??
      patterns.find((p) => applies(p.e, f) && p.match(subject))?.e;
    if (hit === undefined) kept.push(f);
    else {
      used.add(hit);
      suppressed.push({ finding: f, exception: hit });
    }
  }
  const expiredSet = new Set(expired);
  const unused = exceptions.filter((e) => e.origin.kind === 'file' && !used.has(e) && !expiredSet.has(e));
  return { kept, suppressed, expired, unused };
}
