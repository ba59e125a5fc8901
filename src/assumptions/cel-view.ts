// The read-only view of the assessment that custom assumptions (CEL expressions) see, documented in docs/assumptions.md.
import type { Inventory } from '../collect/inventory.js';
import type { Finding } from '../rules/finding.js';
import type { Model } from '../model/types.js';

export interface CelView {
  readonly cluster: { name: string; version: string; provider: string };
  readonly namespaces: readonly { name: string; labels: Record<string, string> }[];
  readonly components: readonly {
    id: string;
    name: string;
    type: string;
    zone: string;
    nodes: readonly string[];
    namespace: string;
    serviceAccount: string;
    roles: readonly string[];
  }[];
  readonly flows: readonly {
    id: string;
    from: string;
    to: string;
    protocol: string;
    port: number;
    tls: string;
    authn: string;
    purpose: string;
    identity: string;
  }[];
  readonly zones: readonly {
    id: string;
    name: string;
    kind: string;
    parent: string;
    members: readonly string[];
    controls: readonly { kind: string; status: string }[];
  }[];
  readonly findings: readonly {
    id: string;
    rule: string;
    variant: string;
    status: string;
    severity: string;
    zone: string;
    kind: string;
    namespace: string;
    name: string;
  }[];
}

/**
 * Plain data only, every optional field present ('' or 0 when absent) so expressions need no has() guards,
 * frozen so an expression cannot change what another assumption sees.
 */
export function buildCelView(inventory: Inventory, model: Model, findings: readonly Finding[]): CelView {
  const view: CelView = {
    cluster: {
      name: inventory.cluster.name,
      version: inventory.cluster.serverVersion?.gitVersion ?? '',
      provider: inventory.cluster.provider ?? '',
    },
    namespaces: inventory.ofKind('Namespace').map((n) => ({
      name: n.object.metadata.name,
      labels: { ...(n.object.metadata.labels ?? {}) },
    })),
    components: model.components.map((c) => ({
      id: c.id,
      name: c.name,
      type: c.kind.type,
      zone: c.zone,
      nodes: [...c.nodes],
      namespace: 'namespace' in c.kind ? c.kind.namespace : '',
      serviceAccount: c.kind.type === 'workload' ? c.kind.serviceAccount : '',
      roles: c.kind.type === 'workload' ? [...c.kind.roles] : [],
    })),
    flows: model.flows.map((f) => ({
      id: f.id,
      from: f.from,
      to: f.to,
      protocol: f.protocol,
      port: f.port ?? 0,
      tls: f.tls,
      authn: f.authn,
      purpose: f.purpose,
      identity: f.identity ?? '',
    })),
    zones: model.zones.map((z) => ({
      id: z.id,
      name: z.name,
      kind: z.kind,
      parent: z.parent ?? '',
      members: [...z.members],
      controls: z.controls.map((c) => ({ kind: c.kind, status: c.status })),
    })),
    findings: findings.map((f) => ({
      id: f.id,
      rule: f.rule,
      variant: f.variant ?? '',
      status: f.status,
      severity: f.severity,
      zone: f.zone,
      kind: f.subject.kind,
      namespace: f.subject.namespace ?? '',
      name: f.subject.name,
    })),
  };
  return deepFreeze(view);
}

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
