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
  /** Where the inventory came from. Manifests are taken as the whole cluster: a kind absent from the files counts as read with 0 objects. */
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
