// Coverage: for every resource type and node-level fact, whether ktm read it. Missing data is never a pass.

export const COVERAGE_STATES = ['read', 'forbidden', 'not-served', 'failed', 'not-collected'] as const;
export type CoverageState = (typeof COVERAGE_STATES)[number];

export interface ResourceCoverage {
  /** `pods`, `deployments.apps` (see resourceId). */
  readonly resource: string;
  readonly kind: string;
  readonly state: CoverageState;
  /** Objects read (0 unless state is read). */
  readonly count: number;
  /** Why it is not read: the API's message, or what to do. */
  readonly reason?: string;
}

/** Facts that are not resource lists: node files, kubelet configz per node, the server version. */
export interface FactCoverage {
  readonly fact: 'node-files' | 'kubelet-config' | 'server-version' | 'component-settings';
  /** A node name or component name, when the fact is per subject. */
  readonly subject?: string;
  readonly state: CoverageState;
  readonly reason?: string;
}

export interface Coverage {
  /**
   * Where the inventory came from. For manifests, a kind with no document in the files is not-collected (the
   * files may be part of a cluster), unless they were declared the whole cluster (--complete).
   */
  readonly mode: 'live' | 'snapshot' | 'manifests';
  readonly resources: readonly ResourceCoverage[];
  readonly facts: readonly FactCoverage[];
}

/** The coverage of a kind; when two APIs serve it (Calico's v3 and CRD views), the one that was read. */
export function resourceState(coverage: Coverage, kind: string): ResourceCoverage | undefined {
  const all = coverage.resources.filter((r) => r.kind === kind);
  return all.find((r) => r.state === 'read') ?? all[0];
}

/** True when the kind was read (so an empty list means there are none). */
export function wasRead(coverage: Coverage, kind: string): boolean {
  return resourceState(coverage, kind)?.state === 'read';
}

/** One line when some resource types were not read (results that need them are unverifiable), else undefined. */
export function partialReadNote(coverage: Coverage): string | undefined {
  const gaps = coverage.resources.filter((r) => r.state !== 'read' && r.state !== 'not-served');
  if (gaps.length === 0) return undefined;
  const total = coverage.resources.length;
  if (coverage.mode === 'manifests') {
    const present = total - gaps.length;
    return `partial input: the manifests hold ${present} of ${total} resource types; rules that need the others are unverifiable (pass --complete if the files are the whole cluster)`;
  }
  const named = gaps
    .slice(0, 5)
    .map((g) => `${g.resource} ${g.state}`)
    .join(', ');
  return `partial read: ${gaps.length} of ${total} resource types not read (${named}${gaps.length > 5 ? ', …' : ''}); rules that need them are unverifiable`;
}
