// Kubernetes label selectors (matchLabels and matchExpressions In/NotIn/Exists/DoesNotExist): parsing, matching, indexing.
import { z } from 'zod';

export type Labels = Readonly<Record<string, string>>;

export interface Requirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values: readonly string[];
}

/** A parsed selector: the AND of its requirements (matchLabels become `In` with one value). Empty matches everything. */
export interface Selector {
  readonly requirements: readonly Requirement[];
  /** Canonical text, equal for equal selectors (used to share work between identical selectors). */
  readonly key: string;
  /** A further condition the requirements cannot express (a Calico selector expression), ANDed with them. */
  readonly predicate?: {
    /** Label keys the predicate reads. */
    readonly keys: readonly string[];
    readonly test: (labels: Labels) => boolean;
  };
}

export const labelSelectorSchema = z.object({
  matchLabels: z.record(z.string(), z.string()).nullish(),
  matchExpressions: z
    .array(
      z.object({
        key: z.string(),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z.array(z.string()).nullish(),
      }),
    )
    .nullish(),
});
export type LabelSelectorInput = z.infer<typeof labelSelectorSchema>;

export const MATCH_ALL: Selector = { requirements: [], key: '{}' };

export function parseSelector(input: LabelSelectorInput): Selector {
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(input.matchLabels ?? {}))
    reqs.push({ key: k, operator: 'In', values: [v] });
  for (const e of input.matchExpressions ?? [])
    reqs.push({ key: e.key, operator: e.operator, values: [...(e.values ?? [])].sort() });
  reqs.sort((a, b) => (a.key + a.operator).localeCompare(b.key + b.operator));
  return { requirements: reqs, key: JSON.stringify(reqs.map((r) => [r.key, r.operator, r.values])) };
}

/** A selector naming exactly these labels (a Service's spec.selector). */
export function selectorFromLabels(labels: Labels): Selector {
  return parseSelector({ matchLabels: labels });
}

export function matches(sel: Selector, labels: Labels): boolean {
  for (const r of sel.requirements) {
    const v = Object.prototype.hasOwnProperty.call(labels, r.key) ? labels[r.key] : undefined;
    switch (r.operator) {
      case 'In':
        if (v === undefined || !r.values.includes(v)) return false;
        break;
      case 'NotIn':
        // NotIn matches objects without the key too (apimachinery labels.Selector semantics).
        if (v !== undefined && r.values.includes(v)) return false;
        break;
      case 'Exists':
        if (v === undefined) return false;
        break;
      case 'DoesNotExist':
        if (v !== undefined) return false;
        break;
    }
  }
  return sel.predicate === undefined || sel.predicate.test(labels);
}

/** Whether the selector matches every object (`{}`, Calico's `all()`). */
export function selectsAll(sel: Selector): boolean {
  return sel.requirements.length === 0 && sel.predicate === undefined;
}

/** Label keys a selector reads: the only labels that can make two objects differ for it. */
export function selectorKeys(sel: Selector): string[] {
  return [...sel.requirements.map((r) => r.key), ...(sel.predicate?.keys ?? [])];
}

/**
 * An inverted index (key=value → items) so a selector with an `In` requirement visits only the items that
 * carry one of its values, instead of every item: this keeps 10,000 policies over 150,000 pods linear.
 */
export class LabelIndex {
  private readonly postings = new Map<string, number[]>();
  constructor(private readonly labelsOf: readonly Labels[]) {
    labelsOf.forEach((labels, i) => {
      for (const [k, v] of Object.entries(labels)) {
        const key = `${k}\u0000${v}`;
        const list = this.postings.get(key);
        if (list === undefined) this.postings.set(key, [i]);
        else list.push(i);
      }
    });
  }

  get size(): number {
    return this.labelsOf.length;
  }

  /** Indexes of the items the selector matches, ascending. */
  select(sel: Selector): number[] {
    let best: number[] | undefined;
    for (const r of sel.requirements) {
      if (r.operator !== 'In') continue;
      const cand = r.values.flatMap((v) => this.postings.get(`${r.key}\u0000${v}`) ?? []);
      if (best === undefined || cand.length < best.length) best = cand;
    }
    if (best === undefined) {
      const out: number[] = [];
      for (let i = 0; i < this.labelsOf.length; i++) if (matches(sel, this.labelsOf[i]!)) out.push(i);
      return out;
    }
    return [...new Set(best)].sort((a, b) => a - b).filter((i) => matches(sel, this.labelsOf[i]!));
  }
}
