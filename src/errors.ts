// Known errors: one line saying what happened, where, and what to do. Anything else is a bug.

/** An error ktm expects (bad input, bad configuration, unreachable cluster). Printed as one line, exit 2. */
export class KtmError extends Error {
  constructor(
    message: string,
    /** Where: file:line:column, a resource type, a flag. */
    readonly where?: string,
    /** What the user can do about it. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'KtmError';
  }

  /** The single line the CLI prints. */
  line(): string {
    const where = this.where === undefined ? '' : `${this.where}: `;
    const hint = this.hint === undefined ? '' : ` (${this.hint})`;
    return `${where}${this.message}${hint}`;
  }
}

/** A problem with one input document or resource that did not stop the run. */
export interface Diagnostic {
  readonly severity: 'error' | 'warning' | 'info';
  /** file:line:column, or a resource type such as `secrets`. */
  readonly where: string;
  readonly message: string;
}

export function diagnosticLine(d: Diagnostic): string {
  return `${d.severity}: ${d.where}: ${d.message}`;
}
