// defineRule and the metadata every rule carries (ESLint's { meta, create }, Threagile's risk categories, Trivy's aliases).
import { AUDIT_ZONES, type AuditZone, type Evidence, type Ref } from '../../types.js';
import type { RuleContext } from './context.js';
import type { RuleInputs } from './inputs.js';
import { severityOf, type Impact, type Likelihood } from './severity.js';

/** The 2019 threat model's trust zones (audit-2019.md), the zones a finding's boundary belongs to. */
export const ZONES = AUDIT_ZONES;
export type Zone = AuditZone;

export const STRIDE = [
  'spoofing',
  'tampering',
  'repudiation',
  'information-disclosure',
  'denial-of-service',
  'elevation-of-privilege',
] as const;
export type Stride = (typeof STRIDE)[number];

/** Catalogue tiers (concerns.yaml): seed = the audit's headline findings, core = the rest, extended = zone analysis. */
export const TIERS = ['seed', 'core', 'extended'] as const;
export type Tier = (typeof TIERS)[number];

/** `{{name}}` placeholders of a message template, as a union of their names. */
export type Placeholders<S extends string> = S extends `${string}{{${infer P}}}${infer Rest}`
  ? P | Placeholders<Rest>
  : never;

export type MessageTemplates = Readonly<Record<string, string>>;

export interface VariantMeta {
  readonly title: string;
  /** Overrides the rule's likelihood for this variant. */
  readonly likelihood?: Likelihood;
  /** Overrides the rule's impact for this variant. */
  readonly impact?: Impact;
}

export interface RuleMeta<M extends MessageTemplates = MessageTemplates, V extends string = string> {
  /** Stable kebab-case id; the file name. Never derived from the title. */
  readonly id: string;
  /**
   * Other names that select this rule in --rules, --skip-rules and exceptions: former ids, and the
   * TOB-K8S / CIS / NCC ids that identify this rule alone. Unique across the catalogue.
   */
  readonly aliases: readonly string[];
  /** The catalogue's `sources` (may be shared with other rules, e.g. TOB-K8S-TM14). */
  readonly sources: readonly string[];
  readonly tier: Tier;
  readonly title: string;
  readonly description: string;
  readonly zone: Zone;
  readonly stride: readonly Stride[];
  readonly likelihood: Likelihood;
  readonly impact: Impact;
  /** What the rule reads and when it fails or reports unverifiable. */
  readonly detection: string;
  /** Known false positives and how to recognise them. */
  readonly falsePositives: string;
  readonly remediation: { readonly shortTerm: string; readonly longTerm: string };
  /** Tracking issues for audit findings, then the Kubernetes documentation page for the setting. */
  readonly references: readonly string[];
  /** What the rule reads: the runner makes it unverifiable when any of it was not read (see inputs.ts). */
  readonly inputs: RuleInputs;
  /** KubeHound attack edges the weakness creates. */
  readonly attack?: readonly string[];
  /** Message templates by message id; `{{name}}` placeholders are filled from `report({ data })`. */
  readonly messages: M;
  /** Variants the rule reports under one id (`rule@subject#variant`). */
  readonly variants?: Readonly<Record<V, VariantMeta>>;
}

type DataFor<S extends string> = [Placeholders<S>] extends [never]
  ? { readonly data?: Readonly<Record<string, never>> }
  : { readonly data: Readonly<Record<Placeholders<S>, string | number | boolean>> };

type StatusFor =
  | { readonly status?: 'fail' }
  | {
      readonly status: 'unverifiable';
      /** The data that is missing and how to collect it (a flag, a node file, the provider setting). */
      readonly missing: string;
    };

/** What `ctx.report()` takes: the message id must be one of the rule's, and its placeholders must be given. */
export type ReportDescriptor<M extends MessageTemplates, Id extends keyof M & string, V extends string> = {
  readonly messageId: Id;
  readonly subject: Ref;
  readonly evidence?: readonly Evidence[];
  readonly variant?: V;
  /** Overrides meta.zone (a rule spanning several zones, e.g. plaintext-listener). */
  readonly zone?: Zone;
} & DataFor<M[Id]> &
  StatusFor;

export interface Rule<M extends MessageTemplates = MessageTemplates, V extends string = string> {
  readonly meta: RuleMeta<M, V>;
  /** Reads the context, reports findings. Never throws for bad data, never mutates the inventory, never does I/O. */
  check(ctx: RuleContext<M, V>): void;
}

/** The erased rule type the registry holds. */
export type AnyRule = Rule;

/** Declares a rule; the type parameters make `report({ messageId })` reject unknown ids at compile time. */
export function defineRule<const M extends MessageTemplates, const V extends string = never>(rule: {
  readonly meta: RuleMeta<M, V>;
  check(ctx: RuleContext<M, V>): void;
}): AnyRule {
  return rule as unknown as AnyRule;
}

/** The severity of a rule's (or one variant's) findings before zone criticality. */
export function ruleSeverity(meta: RuleMeta, variant?: string) {
  const v = variant === undefined ? undefined : meta.variants?.[variant];
  return severityOf(v?.likelihood ?? meta.likelihood, v?.impact ?? meta.impact);
}

/** Fills `{{name}}` placeholders; a missing value is a bug in the rule (the runner records it). */
/** A message template cut once into its text and placeholders (odd positions are keys): rules report 10⁵ findings. */
const parsedTemplates = new Map<string, readonly string[]>();

function parseTemplate(template: string): readonly string[] {
  let parts = parsedTemplates.get(template);
  if (parts === undefined) {
    // split with a capture group: text, key, text, key, ..., text.
    parts = template.split(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/);
    parsedTemplates.set(template, parts);
  }
  return parts;
}

export function formatMessage(
  template: string,
  data: Readonly<Record<string, string | number | boolean>> | undefined,
): string {
  const parts = parseTemplate(template);
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    const key = parts[i]!;
    const v = data?.[key];
    if (v === undefined) throw new RuleBugError(`message placeholder '${key}' has no data`);
    out += String(v) + parts[i + 1]!;
  }
  return out;
}

/** A rule broke its contract (unknown message id, missing placeholder): a bug, recorded as an internal error. */
export class RuleBugError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleBugError';
  }
}
