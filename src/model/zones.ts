// Nested trust zones: the audit's six top-level zones, node pools and nodes under Worker, tenants and namespaces under Container.
import { plural } from '../text/plural.js';
import { byCodeUnit } from './order.js';
import type { Inventory } from '../collect/inventory.js';
import type { Evidence, Ref } from '../types.js';
import type { NodeRecord } from './nodes.js';
import { TOP_LEVEL_ZONES } from './types.js';
import type {
  AuthnState,
  BoundaryFlow,
  Component,
  Control,
  Flow,
  TlsState,
  TrustZone,
  ZoneKind,
} from './types.js';
import type { ZonesFile } from './zones-file.js';

interface ZoneDraft {
  id: string;
  name: string;
  kind: ZoneKind;
  parent: string | undefined;
  /** For namespace zones: the namespace. */
  namespace?: string;
  /** For pool and node zones. */
  nodes?: string[];
}

export interface ZoneOptions {
  /** Namespace label whose value groups namespaces into tenants. */
  readonly tenantLabel?: string;
  readonly zonesFile?: ZonesFile;
  /** Network plugin enforcement: from the network-plugin analysis once wired in, else from recognised agents. */
  readonly enforcement: 'enforces' | 'does-not-enforce' | 'unknown';
  readonly enforcementNote: string;
  /**
   * When the running plugin's own policies (Cilium, Calico) are present: whether the reachability engine finds
   * every workload of a namespace isolated in a direction, which is what a default deny achieves.
   */
  readonly pluginIsolation?: (ns: string, dir: 'ingress' | 'egress') => 'all' | 'some' | 'none' | 'empty';
}

export function poolZoneId(pool: string): string {
  return `pool:${pool}`;
}

export function nodeZoneId(node: string): string {
  return `node:${node}`;
}

export function buildZones(
  inv: Inventory,
  nodes: readonly NodeRecord[],
  components: Component[],
  flows: readonly Flow[],
  options: ZoneOptions,
  notes: Set<string>,
): { zones: TrustZone[]; components: Component[] } {
  const drafts = new Map<string, ZoneDraft>();
  for (const t of TOP_LEVEL_ZONES)
    drafts.set(t.id, { id: t.id, name: t.name, kind: 'top', parent: undefined });
  for (const n of nodes) {
    const pid = poolZoneId(n.pool);
    const pool = drafts.get(pid) ?? {
      id: pid,
      name: `pool ${n.pool}`,
      kind: 'node-pool',
      parent: 'worker',
      nodes: [],
    };
    pool.nodes?.push(n.name);
    drafts.set(pid, pool);
    drafts.set(nodeZoneId(n.name), {
      id: nodeZoneId(n.name),
      name: n.name,
      kind: 'node',
      parent: pid,
      nodes: [n.name],
    });
  }
  const nsLabels = new Map<string, Readonly<Record<string, string>>>();
  for (const ns of inv.ofKind('Namespace'))
    nsLabels.set(ns.object.metadata.name, ns.object.metadata.labels ?? {});
  const namespaces = new Set<string>(nsLabels.keys());
  for (const c of components)
    if (c.zone.startsWith('namespace:')) namespaces.add(c.zone.slice('namespace:'.length));
  for (const ns of [...namespaces].sort()) {
    let parent = 'container';
    const tenant = options.tenantLabel === undefined ? undefined : nsLabels.get(ns)?.[options.tenantLabel];
    if (tenant !== undefined && tenant !== '') {
      parent = `tenant:${tenant}`;
      if (!drafts.has(parent))
        drafts.set(parent, { id: parent, name: `tenant ${tenant}`, kind: 'tenant', parent: 'container' });
    }
    drafts.set(`namespace:${ns}`, {
      id: `namespace:${ns}`,
      name: ns,
      kind: 'namespace',
      parent,
      namespace: ns,
    });
  }
  const zoneOf = new Map<string, string>(components.map((c) => [c.id, c.zone]));
  if (options.zonesFile !== undefined) applyZonesFile(options.zonesFile, drafts, zoneOf, notes);

  const finalComponents = components.map((c) => {
    const z = zoneOf.get(c.id) ?? c.zone;
    return z === c.zone ? c : { ...c, zone: z };
  });
  for (const c of finalComponents)
    if (!drafts.has(c.zone))
      drafts.set(c.zone, { id: c.zone, name: c.zone, kind: 'custom', parent: 'container' });

  // Chains from a zone to the root, innermost first.
  const chainCache = new Map<string, string[]>();
  const chain = (id: string): string[] => {
    const cached = chainCache.get(id);
    if (cached !== undefined) return cached;
    const out: string[] = [];
    let cur: string | undefined = id;
    while (cur !== undefined && !out.includes(cur)) {
      out.push(cur);
      cur = drafts.get(cur)?.parent;
    }
    chainCache.set(id, out);
    return out;
  };

  const members = new Map<string, string[]>();
  const placement = new Map<string, Set<string>>();
  const children = new Map<string, string[]>();
  for (const d of drafts.values()) {
    members.set(d.id, []);
    placement.set(d.id, new Set(d.nodes ?? []));
    if (d.parent !== undefined) push(children, d.parent, d.id);
  }
  for (const c of finalComponents) {
    members.get(c.zone)?.push(c.id);
    for (const z of chain(c.zone)) for (const n of c.nodes) placement.get(z)?.add(n);
  }
  for (const d of drafts.values())
    if (d.nodes !== undefined) for (const z of chain(d.id)) for (const n of d.nodes) placement.get(z)?.add(n);

  const compZone = new Map(finalComponents.map((c) => [c.id, c.zone]));
  const boundary = new Map<string, BoundaryFlow[]>();
  const inboundFlows = new Map<string, Flow[]>();
  for (const f of flows) {
    const fz = compZone.get(f.from);
    const tz = compZone.get(f.to);
    if (fz === undefined || tz === undefined || fz === tz) continue;
    const a = chain(fz);
    const bz = chain(tz);
    const aSet = new Set(a);
    const bSet = new Set(bz);
    const controls = [
      `tls:${f.tls}`,
      `authn:${f.authn}`,
      ...(f.policy === undefined ? [] : [`policy:${f.policy}`]),
    ];
    for (const z of a)
      if (!bSet.has(z)) push(boundary, z, { flow: f.id, direction: 'outbound', peerZone: tz, controls });
    for (const z of bz)
      if (!aSet.has(z)) {
        push(boundary, z, { flow: f.id, direction: 'inbound', peerZone: fz, controls });
        push(inboundFlows, z, f);
      }
  }

  const nsControls = namespaceControls(inv, options);
  const nodeByName = new Map(nodes.map((n) => [n.name, n]));
  const zones: TrustZone[] = [];
  for (const d of [...drafts.values()].sort((x, y) => byCodeUnit(x.id, y.id))) {
    const controls: Control[] = [...flowControls(inboundFlows.get(d.id) ?? [])];
    let policies: Ref[] = [];
    if (d.kind === 'namespace' && d.namespace !== undefined) {
      const c = nsControls(d.namespace);
      controls.push(...c.controls);
      policies = c.policies;
    }
    if (d.kind === 'node-pool' || d.kind === 'node') controls.push(nodeIsolation(nodeByName, d));
    zones.push({
      id: d.id,
      name: d.name,
      kind: d.kind,
      ...(d.parent === undefined ? {} : { parent: d.parent }),
      members: (members.get(d.id) ?? []).sort(),
      children: (children.get(d.id) ?? []).sort(),
      controls,
      policies,
      placement: [...(placement.get(d.id) ?? [])].sort(),
      boundaryFlows: (boundary.get(d.id) ?? []).sort(
        (x, y) => byCodeUnit(x.flow, y.flow) || byCodeUnit(x.direction, y.direction),
      ),
    });
  }
  aggregateNamespaceControls(zones);
  return { zones, components: finalComponents };
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const list = m.get(k);
  if (list === undefined) m.set(k, [v]);
  else list.push(v);
}

const TLS_STRONG: readonly TlsState[] = ['verified', 'mutual'];
const AUTHN_STRONG: readonly AuthnState[] = ['token', 'certificate'];

/** Authentication and TLS on the flows that enter the zone. */
function flowControls(inbound: readonly Flow[]): Control[] {
  if (inbound.length === 0) return [];
  const summarise = <T extends string>(
    values: readonly T[],
    strong: readonly T[],
    kind: Control['kind'],
  ): Control => {
    const counts = new Map<string, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    const strongN = values.filter((v) => strong.includes(v)).length;
    const unknownN = values.filter((v) => v === 'unknown').length;
    const status: Control['status'] =
      strongN === values.length
        ? 'present'
        : strongN > 0
          ? 'partial'
          : unknownN === values.length
            ? 'unknown'
            : unknownN > 0
              ? 'partial'
              : 'absent';
    const detail = `${values.length} inbound flows: ${[...counts.entries()]
      .sort()
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`;
    return { kind, status, detail, evidence: [] };
  };
  return [
    summarise(
      inbound.map((f) => f.authn),
      AUTHN_STRONG,
      'inbound-authentication',
    ),
    summarise(
      inbound.map((f) => f.tls),
      TLS_STRONG,
      'inbound-tls',
    ),
  ];
}

function nodeIsolation(nodes: ReadonlyMap<string, NodeRecord>, d: ZoneDraft): Control {
  const members = (d.nodes ?? []).flatMap((name) => {
    const n = nodes.get(name);
    return n === undefined ? [] : [n];
  });
  const tainted = members.filter((n) => n.taints.length > 0);
  const taints = [...new Set(tainted.flatMap((n) => n.taints))].sort();
  return {
    kind: 'node-isolation',
    status:
      members.length === 0
        ? 'unknown'
        : tainted.length === members.length
          ? 'present'
          : tainted.length > 0
            ? 'partial'
            : 'absent',
    detail: taints.length > 0 ? `taints: ${taints.join(', ')}` : 'no taints: any pod may be scheduled here',
    evidence: tainted.slice(0, 5).map((n) => ({ ref: n.ref, path: 'spec.taints' })),
  };
}

/** Per-namespace controls: default-deny NetworkPolicy, Pod Security level, RBAC scope, quotas. Indexed once. */
function namespaceControls(
  inv: Inventory,
  options: ZoneOptions,
): (ns: string) => { controls: Control[]; policies: Ref[] } {
  const byNs = <T extends { object: { metadata: { namespace?: string } } }>(
    items: readonly T[],
  ): Map<string, T[]> => {
    const m = new Map<string, T[]>();
    for (const i of items) push(m, i.object.metadata.namespace ?? 'default', i);
    return m;
  };
  const policies = byNs(inv.ofKind('NetworkPolicy'));
  const quotas = byNs(inv.ofKind('ResourceQuota'));
  const limits = byNs(inv.ofKind('LimitRange'));
  const bindings = byNs(inv.ofKind('RoleBinding'));
  const clusterBindingsByNs = new Map<string, string[]>();
  for (const crb of inv.ofKind('ClusterRoleBinding')) {
    const nss = new Set(
      (crb.object.subjects ?? [])
        .filter((s) => s.kind === 'ServiceAccount' && s.namespace)
        .map((s) => s.namespace!),
    );
    for (const ns of nss) push(clusterBindingsByNs, ns, crb.object.metadata.name);
  }
  const namespaces = new Map(inv.ofKind('Namespace').map((n) => [n.object.metadata.name, n]));
  return (ns) => {
    const np = policies.get(ns) ?? [];
    const ev = (kind: string, name: string, path?: string): Evidence => ({
      ref: { kind, namespace: ns, name },
      ...(path ? { path } : {}),
    });
    const denies = (type: 'Ingress' | 'Egress'): string[] =>
      np
        .filter((p) => {
          const sel = p.object.spec?.podSelector;
          const empty =
            sel === undefined ||
            (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0);
          const types =
            p.object.spec?.policyTypes ??
            (p.object.spec?.egress !== undefined ? ['Ingress', 'Egress'] : ['Ingress']);
          const rules = type === 'Ingress' ? p.object.spec?.ingress : p.object.spec?.egress;
          return empty && types.includes(type) && (rules === undefined || rules.length === 0);
        })
        .map((p) => p.object.metadata.name)
        .sort();
    const ingressDeny = denies('Ingress');
    const egressDeny = denies('Egress');
    // Cilium and Calico policies deny by default too: a Cilium policy in default deny, any Calico policy
    // (end-of-tier deny). Every workload isolated in a direction is a default deny in that direction.
    const pluginIn = options.pluginIsolation?.(ns, 'ingress') === 'all';
    const pluginEg = options.pluginIsolation?.(ns, 'egress') === 'all';
    const denyIn = ingressDeny.length > 0 || pluginIn;
    const denyEg = egressDeny.length > 0 || pluginEg;
    const declared = denyIn || denyEg;
    const npStatus: Control['status'] = !declared
      ? 'absent'
      : options.enforcement === 'enforces'
        ? denyIn && denyEg
          ? 'present'
          : 'partial'
        : options.enforcement === 'does-not-enforce'
          ? 'inert'
          : 'unknown';
    const controls: Control[] = [
      {
        kind: 'network-policy-default-deny',
        status: npStatus,
        detail: `${declared ? `default deny ingress: ${[...ingressDeny, ...(pluginIn ? ['(plugin policies isolate every workload)'] : [])].join(', ') || 'none'}; egress: ${[...egressDeny, ...(pluginEg ? ['(plugin policies isolate every workload)'] : [])].join(', ') || 'none'}` : `no default-deny policy (${plural(np.length, 'NetworkPolicy')})`}; ${options.enforcementNote}`,
        evidence: [...ingressDeny, ...egressDeny].map((n) => ev('NetworkPolicy', n, 'spec.podSelector')),
      },
    ];
    const nsItem = namespaces.get(ns);
    const level = nsItem?.object.metadata.labels?.['pod-security.kubernetes.io/enforce'];
    controls.push({
      kind: 'pod-security',
      status:
        nsItem === undefined
          ? 'unknown'
          : level === undefined || level === 'privileged'
            ? 'absent'
            : level === 'restricted'
              ? 'present'
              : 'partial',
      detail:
        nsItem === undefined
          ? 'Namespace object not read'
          : level === undefined
            ? 'no pod-security.kubernetes.io/enforce label (privileged unless the admission configuration sets a default)'
            : `enforce ${level}`,
      evidence:
        nsItem === undefined
          ? []
          : [
              {
                ref: { kind: 'Namespace', name: ns },
                path: "metadata.labels['pod-security.kubernetes.io/enforce']",
                ...(level === undefined ? {} : { value: level }),
                source: nsItem.source,
              },
            ],
    });
    const rb = bindings.get(ns) ?? [];
    const crbs = (clusterBindingsByNs.get(ns) ?? []).sort();
    controls.push({
      kind: 'rbac-scope',
      status: crbs.length === 0 ? 'present' : 'partial',
      detail: `${plural(rb.length, 'RoleBinding')}; ${crbs.length === 0 ? 'no ClusterRoleBinding binds its service accounts' : `ClusterRoleBindings grant its service accounts cluster-wide rights: ${crbs.slice(0, 5).join(', ')}${crbs.length > 5 ? ', …' : ''}`}`,
      evidence: crbs
        .slice(0, 5)
        .map((n) => ({ ref: { kind: 'ClusterRoleBinding', name: n }, path: 'subjects' })),
    });
    const q = quotas.get(ns) ?? [];
    const l = limits.get(ns) ?? [];
    controls.push({
      kind: 'resource-quota',
      status: q.length > 0 ? 'present' : 'absent',
      detail: `${plural(q.length, 'ResourceQuota')}, ${plural(l.length, 'LimitRange')}`,
      evidence: q.map((x) => ev('ResourceQuota', x.object.metadata.name)),
    });
    const refs: Ref[] = [
      ...np.map((p) => ({ kind: 'NetworkPolicy', namespace: ns, name: p.object.metadata.name })),
      ...q.map((p) => ({ kind: 'ResourceQuota', namespace: ns, name: p.object.metadata.name })),
      ...l.map((p) => ({ kind: 'LimitRange', namespace: ns, name: p.object.metadata.name })),
      ...rb.map((p) => ({ kind: 'RoleBinding', namespace: ns, name: p.object.metadata.name })),
    ].sort((a, c) => byCodeUnit(a.kind, c.kind) || byCodeUnit(a.name, c.name));
    return { controls, policies: refs };
  };
}

/** Container and tenant zones summarise their namespaces' default-deny and Pod Security controls. */
function aggregateNamespaceControls(zones: TrustZone[]): void {
  const byId = new Map(zones.map((z) => [z.id, z]));
  const descendantsNs = (z: TrustZone): TrustZone[] =>
    z.children.flatMap((c) => {
      const child = byId.get(c);
      if (child === undefined) return [];
      return child.kind === 'namespace' ? [child] : descendantsNs(child);
    });
  for (let i = 0; i < zones.length; i++) {
    const z = zones[i]!;
    if (z.kind === 'namespace' || z.kind === 'node' || z.kind === 'node-pool') continue;
    const nss = descendantsNs(z);
    if (nss.length === 0) continue;
    const extra: Control[] = [];
    for (const kind of ['network-policy-default-deny', 'pod-security'] as const) {
      const statuses = nss.map((n) => n.controls.find((c) => c.kind === kind)?.status ?? 'unknown');
      const present = statuses.filter((s) => s === 'present').length;
      const all = statuses.length;
      const status: Control['status'] =
        present === all
          ? 'present'
          : present > 0 || statuses.includes('partial')
            ? 'partial'
            : statuses.every((s) => s === 'inert')
              ? 'inert'
              : statuses.every((s) => s === 'unknown')
                ? 'unknown'
                : 'absent';
      extra.push({ kind, status, detail: `${present} of ${all} namespaces`, evidence: [] });
    }
    zones[i] = { ...z, controls: [...z.controls, ...extra] };
  }
}

function applyZonesFile(
  file: ZonesFile,
  drafts: Map<string, ZoneDraft>,
  zoneOf: Map<string, string>,
  notes: Set<string>,
): void {
  const resolve = (ref: string): string | undefined => {
    if (drafts.has(ref)) return ref;
    const byName = [...drafts.values()].filter((d) => d.name === ref);
    return byName.length === 1 ? byName[0]!.id : undefined;
  };
  const isDescendant = (id: string, ancestor: string): boolean => {
    let cur: string | undefined = id;
    const seen = new Set<string>();
    while (cur !== undefined && !seen.has(cur)) {
      if (cur === ancestor) return true;
      seen.add(cur);
      cur = drafts.get(cur)?.parent;
    }
    return false;
  };
  for (const a of file.assign ?? []) {
    let id = resolve(a.zone);
    if (id === undefined) {
      const parent = a.parent === undefined ? 'container' : resolve(a.parent);
      if (parent === undefined) {
        notes.add(`zones file: parent zone '${a.parent ?? ''}' of '${a.zone}' not found; used Container`);
      }
      id = a.zone;
      drafts.set(id, { id, name: a.name ?? a.zone, kind: 'custom', parent: parent ?? 'container' });
    } else if (a.name !== undefined) drafts.get(id)!.name = a.name;
    for (const ns of a.namespaces ?? []) {
      const nz = drafts.get(`namespace:${ns}`);
      if (nz === undefined) notes.add(`zones file: namespace '${ns}' not found`);
      else if (isDescendant(id, nz.id))
        notes.add(`zones file: cannot put namespace '${ns}' inside its own zone`);
      else nz.parent = id;
    }
    for (const c of a.components ?? []) {
      if (!zoneOf.has(c)) notes.add(`zones file: component '${c}' not found`);
      else zoneOf.set(c, id);
    }
  }
  for (const m of file.merge ?? []) {
    const sources = m.zones.map((z) => ({ ref: z, id: resolve(z) }));
    for (const s of sources)
      if (s.id === undefined) notes.add(`zones file: zone '${s.ref}' to merge not found`);
    const found = sources.flatMap((s) => (s.id === undefined ? [] : [s.id]));
    let into = resolve(m.into);
    if (into === undefined) {
      const first = found[0] === undefined ? undefined : drafts.get(found[0]);
      into = m.into;
      drafts.set(into, {
        id: into,
        name: m.name ?? m.into,
        kind: 'custom',
        parent: first?.parent ?? 'container',
      });
    } else if (m.name !== undefined) drafts.get(into)!.name = m.name;
    for (const src of found) {
      if (src === into) continue;
      if (isDescendant(into, src)) {
        notes.add(`zones file: cannot merge '${src}' into its own descendant '${into}'`);
        continue;
      }
      const srcDraft = drafts.get(src)!;
      for (const d of drafts.values()) if (d.parent === src) d.parent = into;
      for (const [c, z] of zoneOf) if (z === src) zoneOf.set(c, into);
      const target = drafts.get(into)!;
      if (srcDraft.nodes !== undefined) target.nodes = [...(target.nodes ?? []), ...srcDraft.nodes];
      drafts.delete(src);
    }
  }
  for (const r of file.rename ?? []) {
    const id = resolve(r.zone);
    if (id === undefined) notes.add(`zones file: zone '${r.zone}' to rename not found`);
    else drafts.get(id)!.name = r.name;
  }
}
