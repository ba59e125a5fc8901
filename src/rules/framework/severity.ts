// Severity of a rule's findings: likelihood × impact through one documented matrix (OWASP Risk Rating Methodology).
import type { Severity } from '../../types.js';

export const LEVELS = ['low', 'medium', 'high'] as const;
/** How likely an attacker is to find and use the weakness (the audit's "difficulty", inverted). */
export type Likelihood = (typeof LEVELS)[number];
/** What an attacker gains when it is used. */
export type Impact = (typeof LEVELS)[number];

/**
 * The overall-risk matrix of the OWASP Risk Rating Methodology
 * (https://owasp.org/www-community/OWASP_Risk_Rating_Methodology), with OWASP's "Note" named `info`.
 * Rows are impact, columns likelihood. Zone criticality may raise a finding's severity later (issue 5);
 * it never lowers it.
 *
 * | impact \ likelihood | low    | medium | high     |
 * |---------------------|--------|--------|----------|
 * | high                | medium | high   | critical |
 * | medium              | low    | medium | high     |
 * | low                 | info   | low    | medium   |
 */
export const SEVERITY_MATRIX: Readonly<Record<Impact, Readonly<Record<Likelihood, Severity>>>> = {
  high: { low: 'medium', medium: 'high', high: 'critical' },
  medium: { low: 'low', medium: 'medium', high: 'high' },
  low: { low: 'info', medium: 'low', high: 'medium' },
};

export function severityOf(likelihood: Likelihood, impact: Impact): Severity {
  return SEVERITY_MATRIX[impact][likelihood];
}
