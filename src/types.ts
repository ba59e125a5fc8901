// Primitives shared by every stage of the pipeline: object references, evidence, severities.

/** A Kubernetes object, or a thing ktm derived, named the way kubectl names it. */
export interface Ref {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

/** Where an object was read from: a file (with the line its YAML document starts on) or a live cluster. */
export interface Source {
  readonly file: string;
  readonly line?: number;
}

/**
 * One piece of evidence: the object, the field path inside it (JSONPath-like, e.g.
 * `spec.containers[0].command`), the observed value (never a credential), and the source.
 */
export interface Evidence {
  readonly ref: Ref;
  readonly path?: string;
  readonly value?: string;
  readonly source?: Source;
}

/** The 2019 threat model's top-level trust zones (audit-2019.md), in the audit's order. */
export const AUDIT_ZONES = [
  'Internet',
  'API Server',
  'Master Components',
  'Master Data',
  'Worker',
  'Container',
] as const;
export type AuditZone = (typeof AUDIT_ZONES)[number];

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function refToString(ref: Ref): string {
  return ref.namespace === undefined ? `${ref.kind}/${ref.name}` : `${ref.kind}/${ref.namespace}/${ref.name}`;
}

/** Sort key for deterministic output. */
export function compareRefs(a: Ref, b: Ref): number {
  return (
    a.kind.localeCompare(b.kind) ||
    (a.namespace ?? '').localeCompare(b.namespace ?? '') ||
    a.name.localeCompare(b.name)
  );
}
