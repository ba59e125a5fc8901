// Drift: what differs between the declared threat model and the observed one. Each item is a discrepancy.
import type { Model } from '../model/types.js';
import type { Evidence } from '../types.js';
import type { ThreatModelFile } from './threat-model-file.js';

export type DriftKind =
  | 'undeclared-component'
  | 'missing-component'
  | 'undeclared-flow'
  | 'missing-flow'
  | 'zone-membership'
  | 'missing-zone'
  | 'weaker-control';

export interface DriftItem {
  /** Stable: `${kind}:${subject}`. */
  readonly id: string;
  readonly kind: DriftKind;
  readonly zone: string;
  readonly subject: string;
  readonly declared?: string;
  readonly observed?: string;
  readonly message: string;
  readonly evidence: readonly Evidence[];
}

const STRENGTH = { present: 3, partial: 2, inert: 1, absent: 0, unknown: -1 } as const;

const flowKey = (f: { from: string; to: string; port?: number | undefined }): string =>
  `${f.from}->${f.to}${f.port === undefined ? '' : `:${f.port}`}`;

/**
 * Compares only what the file declares: a model with no components or flows declared has no component or flow
 * drift (the team has not written them down yet; `ktm init` and `ktm model update` do).
 */
export function computeDrift(declared: ThreatModelFile, model: Model): DriftItem[] {
  const items: DriftItem[] = [];
  const observedComponents = new Map(model.components.map((c) => [c.id, c]));
  const zoneById = new Map(model.zones.map((z) => [z.id, z]));
  if (declared.components.length > 0) {
    const declaredIds = new Set(declared.components.filter((c) => c.status !== 'vanished').map((c) => c.id));
    for (const c of model.components) {
      if (!declaredIds.has(c.id)) {
        items.push({
          id: `undeclared-component:${c.id}`,
          kind: 'undeclared-component',
          zone: c.zone,
          subject: c.id,
          observed: c.name,
          message: `${c.id} runs in the cluster but is not in the threat model (undocumented functionality)`,
          evidence: c.refs.slice(0, 3).map((ref) => ({ ref })),
        });
      }
    }
    for (const c of declared.components) {
      if (c.status === 'vanished') continue;
      const seen = observedComponents.get(c.id);
      if (seen === undefined) {
        items.push({
          id: `missing-component:${c.id}`,
          kind: 'missing-component',
          zone: c.zone ?? '',
          subject: c.id,
          declared: c.id,
          message: `${c.id} is declared but does not exist in the cluster`,
          evidence: [],
        });
      } else if (c.zone !== undefined && c.zone !== seen.zone && !isAncestor(zoneById, c.zone, seen.zone)) {
        items.push({
          id: `zone-membership:${c.id}`,
          kind: 'zone-membership',
          zone: seen.zone,
          subject: c.id,
          declared: c.zone,
          observed: seen.zone,
          message: `${c.id} is declared in zone ${c.zone} but observed in ${seen.zone}`,
          evidence: seen.refs.slice(0, 3).map((ref) => ({ ref })),
        });
      }
    }
  }
  if (declared.flows.length > 0) {
    const declaredFlows = new Map(
      declared.flows.filter((f) => f.status !== 'vanished').map((f) => [flowKey(f), f]),
    );
    const observedFlows = new Map(model.flows.map((f) => [flowKey(f), f]));
    for (const [key, f] of observedFlows) {
      if (declaredFlows.has(key)) continue;
      items.push({
        id: `undeclared-flow:${key}`,
        kind: 'undeclared-flow',
        zone: observedComponents.get(f.to)?.zone ?? '',
        subject: key,
        observed: `${f.protocol}${f.port === undefined ? '' : `/${f.port}`} tls=${f.tls}`,
        message: `flow ${f.from} → ${f.to} (${f.purpose}) exists but is not declared`,
        evidence: f.evidence.flatMap((e) => e.evidence).slice(0, 3),
      });
    }
    for (const [key, f] of declaredFlows) {
      const seen = observedFlows.get(key);
      if (seen === undefined) {
        items.push({
          id: `missing-flow:${key}`,
          kind: 'missing-flow',
          zone: observedComponents.get(f.to)?.zone ?? '',
          subject: key,
          declared: key,
          message: `declared flow ${f.from} → ${f.to} was not observed`,
          evidence: [],
        });
      } else if (f.tls !== undefined && STRENGTH_TLS[seen.tls] < STRENGTH_TLS[f.tls]) {
        items.push({
          id: `weaker-control:${key}#tls`,
          kind: 'weaker-control',
          zone: observedComponents.get(f.to)?.zone ?? '',
          subject: key,
          declared: `tls=${f.tls}`,
          observed: `tls=${seen.tls}`,
          message: `flow ${f.from} → ${f.to} is declared tls=${f.tls} but observed tls=${seen.tls}`,
          evidence: seen.evidence.filter((e) => e.attribute === 'tls').flatMap((e) => e.evidence),
        });
      }
    }
  }
  for (const z of declared.zones) {
    if (z.status === 'vanished') continue;
    const seen = zoneById.get(z.id);
    if (seen === undefined) {
      if (z.members === undefined) {
        items.push({
          id: `missing-zone:${z.id}`,
          kind: 'missing-zone',
          zone: z.id,
          subject: z.id,
          declared: z.id,
          message: `zone ${z.id} is declared but no such zone was derived (and it assigns no members)`,
          evidence: [],
        });
      }
      continue;
    }
    for (const control of z.controls ?? []) {
      const observed = seen.controls.find((c) => c.kind === control.kind);
      const status = observed?.status ?? 'absent';
      if (STRENGTH[status] < STRENGTH[control.status]) {
        items.push({
          id: `weaker-control:${z.id}#${control.kind}`,
          kind: 'weaker-control',
          zone: z.id,
          subject: `${z.id} ${control.kind}`,
          declared: control.status,
          observed: status,
          message: `zone ${z.id}: ${control.kind} is declared ${control.status} but observed ${status}${observed ? ` (${observed.detail})` : ''}`,
          evidence: observed?.evidence ?? [],
        });
      }
    }
  }
  return items.sort((a, b) => a.id.localeCompare(b.id));
}

const STRENGTH_TLS = { mutual: 3, verified: 2, unverified: 1, none: 0, unknown: -1 } as const;

function isAncestor(
  zones: ReadonlyMap<string, { parent?: string }>,
  ancestor: string,
  zone: string,
): boolean {
  for (let z: string | undefined = zone; z !== undefined; z = zones.get(z)?.parent)
    if (z === ancestor) return true;
  return false;
}
