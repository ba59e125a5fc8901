// Turns an assessment into discrepancies: failed findings at or above a threshold, contradicted assumptions, drift.
// Each gets its zone's owning team and the related teams (owners of the zones on the other side of its boundary
// flows), since a fix in one zone can be a flaw in another.
import type { AssumptionResult } from '../assumptions/result.js';
import type { DriftItem } from '../assumptions/drift.js';
import { BUILTINS_BY_NAME } from '../assumptions/builtins.js';
import type { Model } from '../model/types.js';
import type { Finding } from '../rules/finding.js';
import { refToString, severityRank, type Ref, type Severity } from '../types.js';
import type { Discrepancy } from './discrepancy.js';

export interface OwnershipInput {
  readonly model: Model;
  /** Owners declared per zone id (threatmodel.yaml); children inherit their parent's owner. */
  readonly owners: ReadonlyMap<string, string>;
}

export class Ownership {
  private readonly parent = new Map<string, string | undefined>();
  private readonly componentZone = new Map<string, string>();
  private readonly refZone = new Map<string, string>();
  private readonly peers = new Map<string, Set<string>>();
  constructor(private readonly input: OwnershipInput) {
    for (const z of input.model.zones) {
      this.parent.set(z.id, z.parent);
      this.peers.set(z.id, new Set(z.boundaryFlows.map((b) => b.peerZone)));
    }
    for (const c of input.model.components) {
      this.componentZone.set(c.id, c.zone);
      for (const r of c.refs) this.refZone.set(refToString(r), c.zone);
    }
  }

  /** The innermost zone holding a subject: its component's zone, its namespace's zone, else undefined. */
  zoneOf(subject: Ref | undefined): string | undefined {
    if (subject === undefined) return undefined;
    const direct = this.refZone.get(refToString(subject));
    if (direct !== undefined) return direct;
    const ns = subject.kind === 'Namespace' ? subject.name : subject.namespace;
    if (ns !== undefined) {
      const zone = this.input.model.zones.find((z) => z.kind === 'namespace' && z.name === ns);
      if (zone !== undefined) return zone.id;
    }
    return undefined;
  }

  ownerOf(zone: string | undefined): string | undefined {
    for (let z = zone; z !== undefined; z = this.parent.get(z)) {
      const owner = this.input.owners.get(z);
      if (owner !== undefined) return owner;
    }
    return undefined;
  }

  /** Owners of the zones across this zone's (and its ancestors') boundary flows, other than its own owner. */
  relatedTeams(zone: string | undefined): string[] {
    const own = this.ownerOf(zone);
    const teams = new Set<string>();
    for (let z = zone; z !== undefined; z = this.parent.get(z)) {
      for (const peer of this.peers.get(z) ?? []) {
        const t = this.ownerOf(peer);
        if (t !== undefined && t !== own) teams.add(t);
      }
    }
    return [...teams].sort();
  }
}

export interface DiscrepancyInput {
  readonly findings: readonly Finding[];
  readonly assumptions: readonly AssumptionResult[];
  readonly drift: readonly DriftItem[];
  readonly ownership: Ownership;
  /** Failed findings at or above this severity become discrepancies. */
  readonly threshold: Severity;
}

const DRIFT_REMEDIATION: Record<DriftItem['kind'], { shortTerm: string; longTerm: string }> = {
  'undeclared-component': {
    shortTerm: 'Review the component with the zone owner, then declare it (`ktm model update`) or remove it.',
    longTerm: 'Make threat-model review part of change review, so components are declared before they run.',
  },
  'missing-component': {
    shortTerm:
      'Confirm the component was retired and mark it vanished (`ktm model update`), or find out why it is not running.',
    longTerm:
      'Update the threat model with every decommissioning, and keep the documentation in step with the cluster.',
  },
  'undeclared-flow': {
    shortTerm: 'Review the connection with both zone owners, then declare it or block it with NetworkPolicy.',
    longTerm:
      'Restrict traffic to declared flows with default-deny policies, so a new flow needs a change and a review.',
  },
  'missing-flow': {
    shortTerm:
      'Confirm the flow is gone and mark it vanished, or restore the configuration that provided it.',
    longTerm:
      'Keep the declared data flow in step with the cluster with `ktm model update` in change review.',
  },
  'zone-membership': {
    shortTerm:
      'Move the component back to its declared zone, or correct the zone in the threat model with both owners.',
    longTerm: 'Assign zones by labels that deployment tooling sets, so membership cannot drift silently.',
  },
  'missing-zone': {
    shortTerm: 'Correct the zone id in the threat model, or assign members to it.',
    longTerm: 'Derive zone ids from `ktm init` output so declared and observed zones share one vocabulary.',
  },
  'weaker-control': {
    shortTerm: 'Restore the control (policy, TLS setting) to the declared strength.',
    longTerm:
      'Enforce the control by admission policy or configuration management, and check it continuously.',
  },
};

export function buildDiscrepancies(input: DiscrepancyInput): Discrepancy[] {
  const { ownership } = input;
  const out: Discrepancy[] = [];
  for (const f of input.findings) {
    if (f.status !== 'fail' || severityRank(f.severity) < severityRank(input.threshold)) continue;
    const zone = ownership.zoneOf(f.subject) ?? f.zone;
    const owner = ownership.ownerOf(zone);
    out.push({
      kind: 'finding',
      key: f.id,
      identity: [f.rule, f.variant ?? '', f.subject.kind, f.subject.namespace ?? '', f.subject.name],
      title: f.message,
      zone,
      ...(owner === undefined ? {} : { owner }),
      relatedTeams: ownership.relatedTeams(zone),
      severity: f.severity,
      subject: f.subject,
      statement: `${f.rule}${f.variant === undefined ? '' : ` (${f.variant})`}: ${f.message}`,
      evidence: f.evidence,
      remediation: f.remediation,
      references: f.references,
      rule: f.rule,
      ruleZone: f.zone,
    });
  }
  for (const a of input.assumptions) {
    if (a.result !== 'contradicted') continue;
    const zone = a.zone ?? 'cluster';
    const owner = a.owner ?? ownership.ownerOf(a.zone);
    const builtin = a.check.startsWith('builtin:')
      ? BUILTINS_BY_NAME.get(a.check.slice('builtin:'.length))
      : undefined;
    out.push({
      kind: 'assumption',
      key: a.id,
      identity: [a.id],
      title: `Assumption contradicted: ${a.text}`,
      zone,
      ...(owner === undefined ? {} : { owner }),
      relatedTeams: ownership.relatedTeams(a.zone),
      severity: 'high',
      statement: `The team assumes: "${a.text}". Observed: ${a.message}.`,
      evidence: a.evidence,
      remediation: builtin?.remediation ?? {
        shortTerm:
          'Change the configuration so the assumption holds, or correct the assumption with its owner.',
        longTerm:
          'Turn the assumption into an enforced control (admission policy, configuration management) and keep checking it.',
      },
      references: [],
    });
  }
  for (const d of input.drift) {
    const owner = ownership.ownerOf(d.zone);
    out.push({
      kind: 'drift',
      key: d.id,
      identity: [d.kind, d.id],
      title: `Drift: ${d.message}`,
      zone: d.zone,
      ...(owner === undefined ? {} : { owner }),
      relatedTeams: ownership.relatedTeams(d.zone),
      severity: d.kind === 'weaker-control' ? 'high' : 'medium',
      statement: `${d.message}${d.declared === undefined ? '' : ` Declared: ${d.declared}.`}${d.observed === undefined ? '' : ` Observed: ${d.observed}.`}`,
      evidence: d.evidence,
      remediation: DRIFT_REMEDIATION[d.kind],
      references: [],
    });
  }
  return out;
}
