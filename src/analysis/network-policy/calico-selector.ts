// Calico's selector expressions (`app == 'web' && has(tier) || env in {'a','b'}`): a parser to a Selector the engine matches and indexes.
import type { Labels, Requirement, Selector } from './label-selector.js';

/**
 * The syntax of https://docs.tigera.io/calico/latest/reference/resources/networkpolicy#selectors:
 * `all()`, `global()`, `has(k)`, `k == 'v'`, `k != 'v'`, `k in {'a','b'}`, `k not in {...}`,
 * `k contains 's'`, `k starts with 's'`, `k ends with 's'`, `!`, `&&`, `||`, parentheses.
 */
export type CalicoExpr =
  | { readonly op: 'all' }
  | { readonly op: 'global' }
  | { readonly op: 'has'; readonly key: string }
  | {
      readonly op: '==' | '!=' | 'contains' | 'starts' | 'ends';
      readonly key: string;
      readonly value: string;
    }
  | { readonly op: 'in' | 'notin'; readonly key: string; readonly values: readonly string[] }
  | { readonly op: 'not'; readonly expr: CalicoExpr }
  | { readonly op: 'and' | 'or'; readonly left: CalicoExpr; readonly right: CalicoExpr };

export class CalicoSelectorError extends Error {}

type Token =
  | { readonly t: 'str'; readonly v: string; readonly at: number }
  | { readonly t: 'word'; readonly v: string; readonly at: number }
  | { readonly t: 'sym'; readonly v: string; readonly at: number };

const SYMBOLS = ['&&', '||', '==', '!=', '!', '(', ')', '{', '}', ','];

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw new CalicoSelectorError(`unterminated string at ${i + 1}`);
      out.push({ t: 'str', v: text.slice(i + 1, end), at: i });
      i = end + 1;
      continue;
    }
    const sym = SYMBOLS.find((s) => text.startsWith(s, i));
    if (sym !== undefined) {
      out.push({ t: 'sym', v: sym, at: i });
      i += sym.length;
      continue;
    }
    const m = /^[A-Za-z0-9_./-]+/.exec(text.slice(i));
    if (m === null) throw new CalicoSelectorError(`unexpected '${c}' at ${i + 1}`);
    out.push({ t: 'word', v: m[0], at: i });
    i += m[0].length;
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  parse(): CalicoExpr {
    if (this.tokens.length === 0) return { op: 'all' };
    const e = this.or();
    const rest = this.tokens[this.i];
    if (rest !== undefined) throw new CalicoSelectorError(`unexpected '${rest.v}' at ${rest.at + 1}`);
    return e;
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private isSym(v: string): boolean {
    const t = this.peek();
    return t !== undefined && t.t === 'sym' && t.v === v;
  }

  private isWord(v: string): boolean {
    const t = this.peek();
    return t !== undefined && t.t === 'word' && t.v === v;
  }

  private expectSym(v: string): void {
    const t = this.peek();
    if (t === undefined || t.t !== 'sym' || t.v !== v)
      throw new CalicoSelectorError(
        t === undefined ? `expected '${v}' at the end` : `expected '${v}' at ${t.at + 1}`,
      );
    this.i++;
  }

  private string(): string {
    const t = this.peek();
    if (t === undefined || t.t !== 'str')
      throw new CalicoSelectorError(
        t === undefined ? 'expected a quoted value at the end' : `expected a quoted value at ${t.at + 1}`,
      );
    this.i++;
    return t.v;
  }

  private or(): CalicoExpr {
    let left = this.and();
    while (this.isSym('||')) {
      this.i++;
      left = { op: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): CalicoExpr {
    let left = this.unary();
    while (this.isSym('&&')) {
      this.i++;
      left = { op: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): CalicoExpr {
    if (this.isSym('!')) {
      this.i++;
      return { op: 'not', expr: this.unary() };
    }
    if (this.isSym('(')) {
      this.i++;
      const e = this.or();
      this.expectSym(')');
      return e;
    }
    return this.term();
  }

  private term(): CalicoExpr {
    const t = this.peek();
    if (t === undefined || t.t !== 'word')
      throw new CalicoSelectorError(
        t === undefined ? 'expected a label key at the end' : `expected a label key at ${t.at + 1}`,
      );
    this.i++;
    if ((t.v === 'all' || t.v === 'global' || t.v === 'has') && this.isSym('(')) {
      this.i++;
      if (t.v === 'has') {
        const k = this.peek();
        if (k === undefined || k.t !== 'word')
          throw new CalicoSelectorError(`has() needs a label key at ${t.at + 1}`);
        this.i++;
        this.expectSym(')');
        return { op: 'has', key: k.v };
      }
      this.expectSym(')');
      return { op: t.v };
    }
    const key = t.v;
    if (this.isSym('==') || this.isSym('!=')) {
      const op = this.peek()!.v as '==' | '!=';
      this.i++;
      return { op, key, value: this.string() };
    }
    if (this.isWord('in') || this.isWord('not')) {
      let op: 'in' | 'notin' = 'in';
      if (this.isWord('not')) {
        this.i++;
        if (!this.isWord('in')) throw new CalicoSelectorError(`expected 'in' after 'not' (key ${key})`);
        op = 'notin';
      }
      this.i++;
      this.expectSym('{');
      const values: string[] = [];
      while (!this.isSym('}')) {
        values.push(this.string());
        if (!this.isSym(',')) break;
        this.i++;
      }
      this.expectSym('}');
      return { op, key, values: [...values].sort() };
    }
    if (this.isWord('contains')) {
      this.i++;
      return { op: 'contains', key, value: this.string() };
    }
    if (this.isWord('starts') || this.isWord('ends')) {
      const op = this.peek()!.v === 'starts' ? 'starts' : 'ends';
      this.i++;
      if (!this.isWord('with')) throw new CalicoSelectorError(`expected 'with' after '${op}' (key ${key})`);
      this.i++;
      return { op, key, value: this.string() };
    }
    throw new CalicoSelectorError(`expected an operator after '${key}'`);
  }
}

export function parseCalicoExpression(text: string): CalicoExpr {
  return new Parser(tokenize(text)).parse();
}

function value(labels: Labels, key: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(labels, key) ? labels[key] : undefined;
}

/** Whether labels match; `!=` and `not in` also match labels without the key, as Calico defines them. */
export function evaluateCalico(e: CalicoExpr, labels: Labels): boolean {
  switch (e.op) {
    case 'all':
      return true;
    case 'global':
      // global() selects non-namespaced resources (host endpoints, global network sets), never a pod.
      return false;
    case 'has':
      return value(labels, e.key) !== undefined;
    case '==':
      return value(labels, e.key) === e.value;
    case '!=':
      return value(labels, e.key) !== e.value;
    case 'in': {
      const v = value(labels, e.key);
      return v !== undefined && e.values.includes(v);
    }
    case 'notin': {
      const v = value(labels, e.key);
      return v === undefined || !e.values.includes(v);
    }
    case 'contains':
      return value(labels, e.key)?.includes(e.value) ?? false;
    case 'starts':
      return value(labels, e.key)?.startsWith(e.value) ?? false;
    case 'ends':
      return value(labels, e.key)?.endsWith(e.value) ?? false;
    case 'not':
      return !evaluateCalico(e.expr, labels);
    case 'and':
      return evaluateCalico(e.left, labels) && evaluateCalico(e.right, labels);
    case 'or':
      return evaluateCalico(e.left, labels) || evaluateCalico(e.right, labels);
  }
}

function keysOf(e: CalicoExpr, out: Set<string>): void {
  switch (e.op) {
    case 'all':
    case 'global':
      return;
    case 'not':
      keysOf(e.expr, out);
      return;
    case 'and':
    case 'or':
      keysOf(e.left, out);
      keysOf(e.right, out);
      return;
    default:
      out.add(e.key);
  }
}

/** Canonical text of an expression (equal for equal expressions). */
export function formatCalico(e: CalicoExpr): string {
  const q = (s: string): string => `'${s}'`;
  switch (e.op) {
    case 'all':
    case 'global':
      return `${e.op}()`;
    case 'has':
      return `has(${e.key})`;
    case '==':
    case '!=':
      return `${e.key} ${e.op} ${q(e.value)}`;
    case 'contains':
      return `${e.key} contains ${q(e.value)}`;
    case 'starts':
    case 'ends':
      return `${e.key} ${e.op} with ${q(e.value)}`;
    case 'in':
    case 'notin':
      return `${e.key} ${e.op === 'in' ? 'in' : 'not in'} {${e.values.map(q).join(',')}}`;
    case 'not':
      return `!(${formatCalico(e.expr)})`;
    case 'and':
    case 'or':
      return `(${formatCalico(e.left)} ${e.op === 'and' ? '&&' : '||'} ${formatCalico(e.right)})`;
  }
}

/** The conjuncts of a top-level AND chain. */
function conjuncts(e: CalicoExpr): CalicoExpr[] {
  return e.op === 'and' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

/**
 * A Selector for the engine: top-level `k == 'v'` / `k in {...}` conjuncts become indexable `In` requirements,
 * the rest is a predicate over the labels.
 */
export function calicoSelector(e: CalicoExpr): Selector {
  const requirements: Requirement[] = [];
  const rest: CalicoExpr[] = [];
  for (const c of conjuncts(e)) {
    if (c.op === '==') requirements.push({ key: c.key, operator: 'In', values: [c.value] });
    else if (c.op === 'in') requirements.push({ key: c.key, operator: 'In', values: c.values });
    else if (c.op === 'has') requirements.push({ key: c.key, operator: 'Exists', values: [] });
    else if (c.op !== 'all') rest.push(c);
  }
  requirements.sort((a, b) => (a.key + a.operator).localeCompare(b.key + b.operator));
  const key = `calico:${formatCalico(e)}`;
  if (rest.length === 0) return { requirements, key };
  const keys = new Set<string>();
  for (const r of rest) keysOf(r, keys);
  return {
    requirements,
    key,
    predicate: {
      keys: [...keys].sort(),
      test: (labels) => rest.every((r) => evaluateCalico(r, labels)),
    },
  };
}

/** Parses a Calico selector string; empty or absent means all(). */
export function parseCalicoSelector(text: string | null | undefined): Selector {
  return calicoSelector(parseCalicoExpression(text ?? ''));
}
