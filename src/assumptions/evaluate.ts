// Confirms or contradicts each declared assumption: built-in verifications and CEL expressions over the model view.
import {
  evaluate as celEvaluate,
  parse as celParse,
  EvaluationError as CelEvaluationError,
  ParseError as CelParseError,
  TypeError as CelTypeError,
} from '@marcbachmann/cel-js';
import { KtmError } from '../errors.js';
import type { Evidence } from '../types.js';
import { BUILTINS_BY_NAME } from './builtins.js';
import { EvaluationContext, type AssumptionContext } from './context.js';
import type { AssumptionResult, Verdict } from './result.js';
import {
  readThreatModel,
  type CheckValidator,
  type DeclaredAssumption,
  type ThreatModelFile,
} from './threat-model-file.js';

/** Validates a check at load time: the builtin exists and its parameters fit; the CEL parses. */
export const validateCheck: CheckValidator = (check) => {
  if ('builtin' in check) {
    const builtin = BUILTINS_BY_NAME.get(check.builtin);
    if (builtin === undefined) {
      return {
        path: ['builtin'],
        message: `unknown built-in verification '${check.builtin}' (known: ${[...BUILTINS_BY_NAME.keys()].sort().join(', ')})`,
      };
    }
    const parsed = builtin.params.safeParse(check.params ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return { path: ['params', ...issue.path], message: `${check.builtin}: ${issue.message}` };
    }
    return undefined;
  }
  for (const [key, expr] of [
    ['cel', check.cel],
    ['evidence', check.evidence],
  ] as const) {
    if (expr === undefined) continue;
    try {
      celParse(expr);
    } catch (err) {
      return { path: [key], message: `CEL: ${(err as Error).message.split('\n')[0] ?? 'syntax error'}` };
    }
  }
  return undefined;
};

export function loadThreatModel(file: string): Promise<ThreatModelFile> {
  return readThreatModel(file, validateCheck);
}

function runCel(expr: string, ev: EvaluationContext): unknown {
  return celEvaluate(expr, ev.celView());
}

function celVerdict(check: { cel: string; evidence?: string | undefined }, ev: EvaluationContext): Verdict {
  let value: unknown;
  try {
    value = runCel(check.cel, ev);
  } catch (err) {
    return {
      result: 'unverifiable',
      message: `the expression failed: ${(err as Error).message.split('\n')[0] ?? ''}`,
      missing: 'fix the expression: the view is documented in docs/assumptions.md',
    };
  }
  if (typeof value !== 'boolean') {
    return {
      result: 'unverifiable',
      message: `the expression returned ${typeof value}, not a boolean`,
      missing: 'make the expression return true or false',
    };
  }
  if (value) return { result: 'confirmed', message: 'the expression holds' };
  const evidence: Evidence[] = [];
  if (check.evidence !== undefined) {
    try {
      const items = runCel(check.evidence, ev);
      if (Array.isArray(items)) {
        for (const item of items.slice(0, 50))
          evidence.push({
            ref: {
              kind: 'Subject',
              name:
                typeof item === 'string'
                  ? item
                  : JSON.stringify(item, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)),
            },
          });
      }
    } catch (err) {
      // The evidence expression is a convenience: its failure leaves the verdict standing.
      if (!isCelError(err)) throw err;
    }
  }
  return { result: 'contradicted', message: 'the expression is false', evidence };
}

export function evaluateAssumptions(
  declared: readonly DeclaredAssumption[],
  ctx: AssumptionContext,
): AssumptionResult[] {
  const ev = new EvaluationContext(ctx);
  return declared.map((a) => {
    let verdict: Verdict;
    let check: string;
    if ('builtin' in a.check) {
      check = `builtin:${a.check.builtin}`;
      const builtin = BUILTINS_BY_NAME.get(a.check.builtin);
      if (builtin === undefined)
        throw new KtmError(`unknown built-in verification '${a.check.builtin}'`, `assumption ${a.id}`);
      verdict = builtin.verify(ctx, builtin.params.parse(a.check.params ?? {}));
    } else {
      check = 'cel';
      verdict = celVerdict(a.check, ev);
    }
    return {
      id: a.id,
      text: a.text,
      ...(a.zone === undefined ? {} : { zone: a.zone }),
      ...(a.owner === undefined ? {} : { owner: a.owner }),
      ...(a.topic === undefined ? {} : { topic: a.topic }),
      check,
      result: verdict.result,
      message: verdict.message,
      evidence: verdict.evidence ?? [],
      ...(verdict.result === 'unverifiable' ? { missing: verdict.missing } : {}),
    };
  });
}

/** An error the CEL library raises for an expression (parse, type or evaluation), as opposed to a bug in ktm. */
function isCelError(err: unknown): boolean {
  return err instanceof CelParseError || err instanceof CelTypeError || err instanceof CelEvaluationError;
}
