// Service-mesh data flow: Istio and Linkerd resources as flow sources, and the mTLS they give flows between meshed workloads.
//
// What each resource says, and what it does not:
// - An Istio VirtualService says where traffic *addressed to its hosts* goes; it names no caller. Bound to a Gateway,
//   the caller is that Gateway's proxy workload; bound to `mesh` (the default), it is whichever sidecar sends to the
//   hosts: a workload already known to call a host (env, args, ConfigMaps) gets the route, else the caller is drawn
//   as "any Istio sidecar". `match[].sourceLabels` and `sourceNamespace` do name callers.
//   https://istio.io/latest/docs/reference/config/networking/virtual-service/
// - A ServiceEntry adds an outside host to the mesh's registry: an egress flow whose caller is not named.
// - PeerAuthentication (server side) and DestinationRule `trafficPolicy.tls` (client side) give the TLS and
//   authentication of flows between meshed workloads; with neither, Istio's auto mTLS and PERMISSIVE default hold.
//   https://istio.io/latest/docs/reference/config/security/peer_authentication/
// - An AuthorizationPolicy (ALLOW) naming principals, and Linkerd ServerAuthorization / AuthorizationPolicy naming
//   service accounts, are declared intent for who may call whom.
// - A Linkerd ServiceProfile (`svc.ns.svc.cluster.local`) describes a Service's routes, retries and timeouts:
//   evidence the Service is depended on, not of who calls it. Linkerd meshes TCP between meshed pods with mTLS.
//   https://linkerd.io/2/reference/service-profiles/  https://linkerd.io/2/features/automatic-mtls/
import type { Inventory, InventoryItem, KubeObject } from '../collect/inventory.js';
import {
  ISTIO_AUTHORIZATION_POLICY,
  ISTIO_GATEWAY,
  LINKERD_AUTHORIZATION_POLICY,
} from '../collect/resource-types.js';
import type { Evidence } from '../types.js';
import { APPLICATION_CALL, indexServices, serviceOfHost, type ServiceIndex } from './app-flows.js';
import { ev, sourceEvidence, type FlowInit, type ModelBuilder } from './builder.js';
import { addInternet, INTERNET } from './control-plane.js';
import {
  DECLARED_INTENT,
  type AttributeEvidence,
  type AuthnState,
  type Flow,
  type FlowInference,
  type ServiceMesh,
  type TlsState,
} from './types.js';
import { arrayOf, field, num, str, stringMap, strings } from './untyped.js';
import type { WorkloadRecord } from './workloads.js';

/** Istio's root namespace: mesh-wide PeerAuthentication and AuthorizationPolicy live there (meshConfig.rootNamespace). */
export const ISTIO_ROOT_NAMESPACE = 'istio-system';

const MESH_KINDS = [
  'VirtualService',
  'DestinationRule',
  'ServiceEntry',
  ISTIO_GATEWAY,
  'PeerAuthentication',
  ISTIO_AUTHORIZATION_POLICY,
  'ServiceProfile',
  'Server',
  'ServerAuthorization',
  LINKERD_AUTHORIZATION_POLICY,
  'MeshTLSAuthentication',
] as const;

export function meshComponentId(mesh: ServiceMesh): string {
  return `mesh:${mesh}`;
}

interface Membership {
  readonly mesh: ServiceMesh;
  readonly evidence: Evidence;
}

/** The pod template's metadata (labels and annotations) of a workload, read from its owner object. */
function templateMeta(inv: Inventory, w: WorkloadRecord): { path: string; meta: Record<string, unknown> } {
  const o: KubeObject | undefined = inv.get(w.owner, w.namespace, w.name)?.object ?? w.pods[0]?.object;
  if (o === undefined) return { path: 'metadata', meta: {} };
  if (w.owner === 'Pod') return { path: 'metadata', meta: { ...o.metadata } };
  const spec = field(o, 'spec');
  const template =
    w.owner === 'CronJob'
      ? field(field(field(spec, 'jobTemplate'), 'spec'), 'template')
      : field(spec, 'template');
  const base = w.specPath.replace(/\.spec$/, '');
  return { path: `${base}.metadata`, meta: field(template, 'metadata') };
}

/**
 * Which mesh, if any, a workload's pods join: Istio by the namespace label `istio-injection=enabled` or
 * `istio.io/rev`, or the pod's `sidecar.istio.io/inject` label or annotation (`false` opts out); Linkerd by the
 * `linkerd.io/inject: enabled` annotation on the namespace or the pod template (`disabled` opts out). Running pods
 * with an `istio-proxy` or `linkerd-proxy` container are meshed whatever the labels say.
 */
function membershipOf(inv: Inventory, w: WorkloadRecord): Membership | undefined {
  const { path, meta } = templateMeta(inv, w);
  const labels = stringMap(meta['labels']);
  const annotations = stringMap(meta['annotations']);
  const ownerItem = inv.get(w.owner, w.namespace, w.name) ?? w.pods[0];
  const wev = (at: string, value: string): Evidence =>
    ownerItem === undefined ? { ref: w.ref, path: at, value } : sourceEvidence(ownerItem, at, value);
  for (const p of w.pods)
    for (const c of p.object.spec?.containers ?? []) {
      if (c.name === 'istio-proxy')
        return { mesh: 'istio', evidence: sourceEvidence(p, 'spec.containers', c.name) };
      if (c.name === 'linkerd-proxy')
        return { mesh: 'linkerd', evidence: sourceEvidence(p, 'spec.containers', c.name) };
    }
  const ns = inv.get('Namespace', undefined, w.namespace);
  const nsLabels = ns?.object.metadata.labels ?? {};
  const nsAnnotations = ns?.object.metadata.annotations ?? {};
  const istioPod = labels['sidecar.istio.io/inject'] ?? annotations['sidecar.istio.io/inject'];
  const istioPodAt = `${path}.${labels['sidecar.istio.io/inject'] !== undefined ? 'labels' : 'annotations'}["sidecar.istio.io/inject"]`;
  // A namespace labelled istio-injection=disabled wins over the pod's opt-in (Istio's injection table).
  if (istioPod === 'true' && nsLabels['istio-injection'] !== 'disabled')
    return { mesh: 'istio', evidence: wev(istioPodAt, istioPod) };
  if (istioPod !== 'false' && ns !== undefined) {
    const injection = nsLabels['istio-injection'];
    if (injection === 'enabled')
      return { mesh: 'istio', evidence: sourceEvidence(ns, 'metadata.labels["istio-injection"]', injection) };
    const rev = nsLabels['istio.io/rev'];
    if (injection !== 'disabled' && rev !== undefined)
      return { mesh: 'istio', evidence: sourceEvidence(ns, 'metadata.labels["istio.io/rev"]', rev) };
  }
  const linkerdPod = annotations['linkerd.io/inject'];
  if (linkerdPod === 'enabled' || linkerdPod === 'ingress')
    return { mesh: 'linkerd', evidence: wev(`${path}.annotations["linkerd.io/inject"]`, linkerdPod) };
  if (linkerdPod !== 'disabled' && ns !== undefined && nsAnnotations['linkerd.io/inject'] === 'enabled')
    return {
      mesh: 'linkerd',
      evidence: sourceEvidence(ns, 'metadata.annotations["linkerd.io/inject"]', 'enabled'),
    };
  return undefined;
}

/** Every label of `wanted` is on `labels` (Istio and Linkerd selectors are matchLabels; empty matches everything). */
function labelsMatch(
  wanted: Readonly<Record<string, string>>,
  labels: Readonly<Record<string, string>>,
): boolean {
  for (const [k, v] of Object.entries(wanted)) if (labels[k] !== v) return false;
  return true;
}

/** Istio host globs (`*.example.com`, `*`) and principal/namespace globs (prefix or suffix `*`). */
function globMatches(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  return pattern === value;
}

interface MeshContext {
  readonly b: ModelBuilder;
  readonly inv: Inventory;
  readonly workloads: readonly WorkloadRecord[];
  readonly services: ServiceIndex;
  readonly serviceId: (namespace: string, name: string) => string;
  readonly selectedBy: (serviceId: string) => readonly WorkloadRecord[];
  readonly members: ReadonlyMap<string, Membership>;
  readonly byId: ReadonlyMap<string, WorkloadRecord>;
  /** Flow ids of application calls by receiver (indexFlow). */
  readonly flowsTo: Map<string, string[]>;
  /** PeerAuthentications by namespace, in input order: a workload's mode reads its own and the root's only. */
  readonly peerAuthentications: ReadonlyMap<string, readonly InventoryItem[]>;
}

function ensureMeshComponent(b: ModelBuilder, mesh: ServiceMesh): string {
  const id = meshComponentId(mesh);
  b.addComponent({
    id,
    name: mesh === 'istio' ? 'any Istio sidecar' : 'any Linkerd proxy',
    kind: { type: 'mesh', mesh },
    zone: 'container',
    nodes: [],
    refs: [],
    listens: [],
  });
  return id;
}

/**
 * Adds an application flow, or merges its evidence into the application flow already drawn between the same two
 * components on the same port (a call found in env vars and again in a VirtualService is one flow, with both).
 */
function addOrMerge(ctx: MeshContext, init: FlowInit, inferredFrom: FlowInference): void {
  const b = ctx.b;
  for (const id of ctx.flowsTo.get(init.to) ?? []) {
    const f = b.flows.get(id);
    if (f === undefined || f.from !== init.from || f.dependency === undefined) continue;
    if (DECLARED_INTENT.has(f.dependency.inferredFrom)) continue;
    if (f.port !== undefined && init.port !== undefined && f.port !== init.port) continue;
    const also = new Set([...(f.dependency.alsoFrom ?? []), inferredFrom]);
    also.delete(f.dependency.inferredFrom);
    b.replaceFlow({
      ...f,
      dependency: { ...f.dependency, ...(also.size > 0 ? { alsoFrom: [...also].sort() } : {}) },
      evidence: [...f.evidence, ...init.evidence],
    });
    return;
  }
  const added = b.addFlow(init);
  if (added !== undefined) indexFlow(ctx.flowsTo, added);
}

/** Application calls found in configuration (not declared intent), indexed by receiver. */
function indexFlow(index: Map<string, string[]>, f: Flow): void {
  if (f.dependency === undefined || DECLARED_INTENT.has(f.dependency.inferredFrom)) return;
  const list = index.get(f.to);
  if (list === undefined) index.set(f.to, [f.id]);
  else if (!list.includes(f.id)) list.push(f.id);
}

/** Workloads already known to call a component (from their configuration or an earlier mesh route). */
function knownCallers(ctx: MeshContext, to: string): WorkloadRecord[] {
  const out = new Set<WorkloadRecord>();
  for (const id of ctx.flowsTo.get(to) ?? []) {
    const w = ctx.byId.get(ctx.b.flows.get(id)?.from ?? '');
    if (w !== undefined) out.add(w);
  }
  return [...out];
}

function serviceOf(
  ctx: MeshContext,
  host: string,
  namespace: string,
): { id: string; ports: number[] } | undefined {
  const svc = serviceOfHost(host, namespace, ctx.services);
  if (svc === undefined) return undefined;
  return {
    id: ctx.serviceId(svc.object.metadata.namespace ?? 'default', svc.object.metadata.name),
    ports: (svc.object.spec?.ports ?? []).map((p) => p.port),
  };
}

/** The proxy workloads an Istio Gateway's `selector` picks (any namespace, Istio's default), else the Gateway itself. */
function gatewayCallers(ctx: MeshContext, gw: InventoryItem): string[] {
  const selector = stringMap(field(gw.object, 'spec')['selector']);
  const picked =
    Object.keys(selector).length === 0
      ? []
      : ctx.workloads.filter((w) => ctx.b.has(w.id) && labelsMatch(selector, w.labels));
  if (picked.length > 0) return picked.map((w) => w.id);
  const ns = gw.object.metadata.namespace ?? 'default';
  const id = `istio-gateway:${ns}/${gw.object.metadata.name}`;
  ctx.b.addComponent({
    id,
    name: `${ns}/${gw.object.metadata.name}`,
    kind: { type: 'gateway', namespace: ns, name: gw.object.metadata.name },
    zone: `namespace:${ns}`,
    nodes: [],
    refs: [{ kind: ISTIO_GATEWAY, namespace: ns, name: gw.object.metadata.name }],
    listens: [],
  });
  return [id];
}

const GATEWAY_TLS: Readonly<Record<string, { tls: TlsState; authn: AuthnState; note: string }>> = {
  SIMPLE: { tls: 'verified', authn: 'unknown', note: 'TLS terminated at the gateway (SIMPLE)' },
  MUTUAL: { tls: 'mutual', authn: 'certificate', note: 'clients must present a certificate (MUTUAL)' },
  ISTIO_MUTUAL: {
    tls: 'mutual',
    authn: 'certificate',
    note: 'Istio mTLS with mesh certificates (ISTIO_MUTUAL)',
  },
  OPTIONAL_MUTUAL: {
    tls: 'verified',
    authn: 'none',
    note: 'a client certificate is checked when given, not required (OPTIONAL_MUTUAL)',
  },
  PASSTHROUGH: { tls: 'unknown', authn: 'unknown', note: 'TLS passed through to the backend (PASSTHROUGH)' },
  AUTO_PASSTHROUGH: {
    tls: 'unknown',
    authn: 'unknown',
    note: 'TLS passed through by SNI (AUTO_PASSTHROUGH)',
  },
};

/** Internet → the gateway's proxy, one flow per server, with the server's TLS mode. */
function addIstioGateways(ctx: MeshContext): Map<string, string[]> {
  const callersOf = new Map<string, string[]>();
  for (const gw of ctx.inv.ofKind(ISTIO_GATEWAY)) {
    const ns = gw.object.metadata.namespace ?? 'default';
    const callers = gatewayCallers(ctx, gw);
    callersOf.set(`${ns}/${gw.object.metadata.name}`, callers);
    addInternet(ctx.b);
    arrayOf(field(gw.object, 'spec')['servers']).forEach((server, si) => {
      const port = field(server, 'port');
      const protocol = (str(port['protocol']) ?? 'HTTP').toLowerCase();
      const number = num(port['number']);
      const mode = str(field(server, 'tls')['mode']);
      const tls =
        mode !== undefined
          ? GATEWAY_TLS[mode]
          : protocol === 'http' || protocol === 'http2' || protocol === 'tcp' || protocol === 'grpc'
            ? {
                tls: 'none' as const,
                authn: 'unknown' as const,
                note: `plaintext ${protocol.toUpperCase()} server`,
              }
            : undefined;
      const redirect = field(server, 'tls')['httpsRedirect'] === true;
      for (const to of callers)
        ctx.b.addFlow({
          from: INTERNET,
          to,
          protocol,
          ...(number === undefined ? {} : { port: number }),
          tls: tls?.tls ?? 'unknown',
          authn: tls?.authn ?? 'unknown',
          purpose: `Istio Gateway ${ns}/${gw.object.metadata.name} server ${str(port['name']) ?? si}`,
          evidence: [
            ev(
              'flow',
              [sourceEvidence(gw, `spec.servers[${si}]`)],
              to.startsWith('istio-gateway:')
                ? 'no workload in the input matches the Gateway selector: drawn to the Gateway itself'
                : 'the Gateway selector picks this proxy workload',
            ),
            ev(
              'tls',
              [sourceEvidence(gw, `spec.servers[${si}].tls.mode`, mode ?? '')],
              redirect ? 'redirects HTTP to HTTPS (httpsRedirect)' : (tls?.note ?? 'TLS mode not recognised'),
            ),
          ],
        });
    });
  }
  return callersOf;
}

function exportedTo(o: KubeObject, namespace: string): (ns: string) => boolean {
  const list = strings(field(o, 'spec')['exportTo']);
  if (list.length === 0 || list.includes('*')) return () => true;
  return (ns) => list.includes(ns) || (list.includes('.') && ns === namespace);
}

/** A destination host: a cluster Service, else a ServiceEntry host, else nothing the input knows. */
function destinationOf(
  ctx: MeshContext,
  host: string,
  namespace: string,
  external: ReadonlyMap<string, string>,
): { id: string; ports: number[] } | undefined {
  const svc = serviceOf(ctx, host, namespace);
  if (svc !== undefined) return svc;
  const ext = external.get(host.toLowerCase());
  return ext === undefined ? undefined : { id: ext, ports: [] };
}

function addVirtualServices(
  ctx: MeshContext,
  gateways: ReadonlyMap<string, string[]>,
  external: ReadonlyMap<string, string>,
): void {
  for (const vs of ctx.inv.ofKind('VirtualService')) {
    const o = vs.object;
    const ns = o.metadata.namespace ?? 'default';
    const spec = field(o, 'spec');
    const hosts = strings(spec['hosts']);
    const boundTo = strings(spec['gateways']);
    const exported = exportedTo(o, ns);
    const hostServices = hosts.flatMap((h) => serviceOf(ctx, h, ns)?.id ?? []);
    for (const kind of ['http', 'tcp', 'tls'] as const)
      arrayOf(spec[kind]).forEach((route, ri) => {
        const matches = arrayOf(route['match']);
        const matchGateways = [...new Set(matches.flatMap((m) => strings(m['gateways'])))];
        const routeGateways =
          matchGateways.length > 0 ? matchGateways : boundTo.length > 0 ? boundTo : ['mesh'];
        const sourceLabels = matches
          .map((m) => stringMap(m['sourceLabels']))
          .filter((l) => Object.keys(l).length > 0);
        const sourceNamespaces = matches.flatMap((m) => str(m['sourceNamespace']) ?? []);
        arrayOf(route['route']).forEach((dest, di) => {
          const d = field(dest, 'destination');
          const host = str(d['host']);
          if (host === undefined) return;
          const target = destinationOf(ctx, host, ns, external);
          const at = `spec.${kind}[${ri}].route[${di}].destination`;
          if (target === undefined) {
            ctx.b.note(
              `VirtualService ${ns}/${o.metadata.name} routes to ${host}, which is neither a Service nor a ServiceEntry host in the input`,
            );
            return;
          }
          const port =
            num(field(d, 'port')['number']) ?? (target.ports.length === 1 ? target.ports[0] : undefined);
          const subset = str(d['subset']);
          const subsetEvidence = subset === undefined ? [] : destinationRuleSubset(ctx, host, ns, subset);
          const flow = (from: string, how: string): FlowInit => ({
            from,
            to: target.id,
            protocol: kind,
            ...(port === undefined ? {} : { port }),
            tls: 'unknown',
            authn: 'unknown',
            purpose: APPLICATION_CALL,
            dependency: { inferredFrom: 'istio-virtualservice', failClosed: false },
            evidence: [
              ev(
                'flow',
                [sourceEvidence(vs, at, host), ...subsetEvidence],
                `inferred from the Istio VirtualService ${ns}/${o.metadata.name} (${kind} route to ${host}${subset === undefined ? '' : ` subset ${subset}`}); ${how}`,
              ),
            ],
          });
          for (const g of routeGateways) {
            if (g === 'mesh') {
              const callers = meshCallers(ctx, hostServices, exported, sourceLabels, sourceNamespaces);
              if (callers.kind === 'named')
                for (const w of callers.workloads)
                  addOrMerge(ctx, flow(w.id, callers.how), 'istio-virtualservice');
              else
                addOrMerge(
                  ctx,
                  flow(
                    ensureMeshComponent(ctx.b, 'istio'),
                    'the route applies to any sidecar sending to its hosts, and no caller of them is known',
                  ),
                  'istio-virtualservice',
                );
              continue;
            }
            const key = g.includes('/') ? g : `${ns}/${g}`;
            const callers = gateways.get(key);
            if (callers === undefined) {
              ctx.b.note(
                `VirtualService ${ns}/${o.metadata.name} names Gateway ${key}, which is not in the input`,
              );
              continue;
            }
            for (const c of callers)
              addOrMerge(ctx, flow(c, `the caller is the proxy of Gateway ${key}`), 'istio-virtualservice');
          }
        });
      });
  }
}

/** Callers of a `mesh` route: those its matches name by label or namespace, else those known to call its hosts. */
function meshCallers(
  ctx: MeshContext,
  hostServices: readonly string[],
  exported: (ns: string) => boolean,
  sourceLabels: readonly Record<string, string>[],
  sourceNamespaces: readonly string[],
): { kind: 'named'; workloads: WorkloadRecord[]; how: string } | { kind: 'any' } {
  const meshed = (w: WorkloadRecord): boolean =>
    ctx.b.has(w.id) && ctx.members.get(w.id)?.mesh === 'istio' && exported(w.namespace);
  if (sourceLabels.length > 0) {
    const workloads = ctx.workloads.filter(
      (w) =>
        meshed(w) &&
        (sourceNamespaces.length === 0 || sourceNamespaces.includes(w.namespace)) &&
        sourceLabels.some((l) => labelsMatch(l, w.labels)),
    );
    return { kind: 'named', workloads, how: 'the route matches these callers by sourceLabels' };
  }
  const known = hostServices
    .flatMap((s) => knownCallers(ctx, s))
    .filter((w) => meshed(w) && (sourceNamespaces.length === 0 || sourceNamespaces.includes(w.namespace)));
  if (known.length > 0)
    return {
      kind: 'named',
      workloads: [...new Set(known)],
      how: 'the caller is known to call the route host (its configuration names it) and its sidecar applies the route',
    };
  return { kind: 'any' };
}

/** The DestinationRules for a host: the client's namespace first, then the host's, then the root namespace. */
function destinationRulesFor(ctx: MeshContext, host: string, namespace: string): InventoryItem[] {
  const target = serviceOfHost(host, namespace, ctx.services);
  const out: InventoryItem[] = [];
  for (const dr of ctx.inv.ofKind('DestinationRule')) {
    const drNs = dr.object.metadata.namespace ?? 'default';
    const drHost = str(field(dr.object, 'spec')['host']);
    if (drHost === undefined) continue;
    const same =
      target !== undefined
        ? serviceOfHost(drHost, drNs, ctx.services) === target
        : globMatches(drHost.toLowerCase(), host.toLowerCase());
    if (same) out.push(dr);
  }
  const rank = (dr: InventoryItem): number => {
    const drNs = dr.object.metadata.namespace ?? 'default';
    return drNs === namespace
      ? 0
      : drNs === target?.object.metadata.namespace
        ? 1
        : drNs === ISTIO_ROOT_NAMESPACE
          ? 2
          : 3;
  };
  return out.filter((dr) => rank(dr) < 3).sort((x, y) => rank(x) - rank(y));
}

function destinationRuleSubset(
  ctx: MeshContext,
  host: string,
  namespace: string,
  subset: string,
): Evidence[] {
  for (const dr of destinationRulesFor(ctx, host, namespace)) {
    const i = arrayOf(field(dr.object, 'spec')['subsets']).findIndex((s) => str(s['name']) === subset);
    if (i >= 0) return [sourceEvidence(dr, `spec.subsets[${i}]`, subset)];
  }
  ctx.b.note(`subset ${subset} of ${host} is not defined by any DestinationRule in the input`);
  return [];
}

/** ServiceEntry hosts outside the mesh: an egress flow from any sidecar to each host, on each declared port. */
function addServiceEntries(ctx: MeshContext): Map<string, string> {
  const external = new Map<string, string>();
  for (const se of ctx.inv.ofKind('ServiceEntry')) {
    const o = se.object;
    const ns = o.metadata.namespace ?? 'default';
    const spec = field(o, 'spec');
    if ((str(spec['location']) ?? 'MESH_EXTERNAL') !== 'MESH_EXTERNAL') continue;
    const ports = arrayOf(spec['ports']);
    strings(spec['hosts']).forEach((host, hi) => {
      const id = `external:address:${host}`;
      external.set(host.toLowerCase(), id);
      ctx.b.addComponent({
        id,
        name: host,
        kind: { type: 'external', actor: 'external-address', address: host },
        zone: 'internet',
        nodes: [],
        refs: [{ kind: 'ServiceEntry', namespace: ns, name: o.metadata.name }],
        listens: [],
      });
      const from = ensureMeshComponent(ctx.b, 'istio');
      for (const [pi, p] of (ports.length > 0 ? ports : [{}]).entries()) {
        const protocol = (str(p['protocol']) ?? 'TCP').toLowerCase();
        const port = num(p['number']);
        const origination = destinationRulesFor(ctx, host, ns)
          .map((dr) => ({
            dr,
            mode: str(field(field(field(dr.object, 'spec'), 'trafficPolicy'), 'tls')['mode']),
          }))
          .find((x) => x.mode !== undefined);
        const tls: TlsState =
          origination?.mode === 'SIMPLE'
            ? 'verified'
            : origination?.mode === 'MUTUAL'
              ? 'mutual'
              : protocol === 'http' || protocol === 'tcp'
                ? 'none'
                : 'unknown';
        ctx.b.addFlow({
          from,
          to: id,
          protocol,
          ...(port === undefined ? {} : { port }),
          tls,
          authn: origination?.mode === 'MUTUAL' ? 'certificate' : 'unknown',
          purpose: `egress to ServiceEntry ${ns}/${o.metadata.name}`,
          dependency: { inferredFrom: 'istio-serviceentry', failClosed: false },
          evidence: [
            ev(
              'flow',
              [sourceEvidence(se, `spec.hosts[${hi}]`, host)],
              'inferred from an Istio ServiceEntry: the mesh may call this outside host; the ServiceEntry does not say which workload does',
            ),
            ev(
              'tls',
              origination === undefined
                ? [sourceEvidence(se, `spec.ports[${pi}].protocol`, protocol)]
                : [sourceEvidence(origination.dr, 'spec.trafficPolicy.tls.mode', origination.mode)],
              origination !== undefined
                ? `the sidecar originates TLS (${origination.mode ?? ''})`
                : tls === 'none'
                  ? `plaintext ${protocol.toUpperCase()} port`
                  : 'TLS, if any, is the application’s own: not visible in the configuration',
            ),
          ],
        });
      }
    });
  }
  return external;
}

/** The workloads a service-account reference names (`{name, namespace}`), or a SPIFFE-style principal glob. */
function workloadsOfServiceAccount(ctx: MeshContext, namespace: string, name: string): WorkloadRecord[] {
  return ctx.workloads.filter(
    (w) => ctx.b.has(w.id) && w.namespace === namespace && (w.spec?.serviceAccountName ?? 'default') === name,
  );
}

function workloadsOfPrincipal(ctx: MeshContext, principal: string): WorkloadRecord[] {
  return ctx.workloads.filter((w) => {
    if (!ctx.b.has(w.id)) return false;
    const sa = w.spec?.serviceAccountName ?? 'default';
    // The trust domain is cluster.local unless the mesh is configured otherwise: compare the path after it.
    const path = `ns/${w.namespace}/sa/${sa}`;
    const slash = principal.indexOf('/');
    return (
      globMatches(principal, `cluster.local/${path}`) ||
      (slash > 0 && globMatches(principal.slice(slash + 1), path))
    );
  });
}

function addIntent(
  ctx: MeshContext,
  from: readonly WorkloadRecord[],
  to: readonly WorkloadRecord[],
  ports: readonly (number | undefined)[],
  purpose: string,
  inferredFrom: FlowInference,
  evidence: AttributeEvidence,
): void {
  for (const f of from)
    for (const t of to)
      for (const port of ports.length > 0 ? ports : [undefined]) {
        if (f.id === t.id) continue;
        ctx.b.addFlow({
          from: f.id,
          to: t.id,
          protocol: 'tcp',
          ...(port === undefined ? {} : { port }),
          tls: 'unknown',
          authn: 'unknown',
          purpose,
          dependency: { inferredFrom, failClosed: false },
          evidence: [evidence],
        });
      }
}

/** Istio AuthorizationPolicy ALLOW rules naming principals: declared intent from those workloads to the selected ones. */
function addIstioAuthorization(ctx: MeshContext): void {
  for (const ap of ctx.inv.ofKind(ISTIO_AUTHORIZATION_POLICY)) {
    const o = ap.object;
    const ns = o.metadata.namespace ?? 'default';
    const spec = field(o, 'spec');
    if ((str(spec['action']) ?? 'ALLOW') !== 'ALLOW') continue;
    const selector = stringMap(field(spec, 'selector')['matchLabels']);
    const hasSelector = Object.keys(selector).length > 0;
    // A policy without a selector applies to the whole namespace (or, in the root namespace, the whole mesh).
    if (!hasSelector && ns === ISTIO_ROOT_NAMESPACE) continue;
    const targets = ctx.workloads.filter(
      (w) =>
        ctx.b.has(w.id) &&
        (ns === ISTIO_ROOT_NAMESPACE || w.namespace === ns) &&
        (!hasSelector || labelsMatch(selector, w.labels)),
    );
    arrayOf(spec['rules']).forEach((rule, ri) => {
      const ports = arrayOf(rule['to']).flatMap((t) =>
        strings(field(t, 'operation')['ports']).flatMap((p) => (/^\d+$/.test(p) ? [Number(p)] : [])),
      );
      arrayOf(rule['from']).forEach((from, fi) => {
        const principals = strings(field(from, 'source')['principals']).filter((p) => p !== '*');
        const sources = [...new Set(principals.flatMap((p) => workloadsOfPrincipal(ctx, p)))];
        addIntent(
          ctx,
          sources,
          targets,
          [...new Set(ports)].sort((x, y) => x - y),
          `allowed by Istio AuthorizationPolicy ${ns}/${o.metadata.name}`,
          'istio-authorization-policy',
          ev(
            'flow',
            [sourceEvidence(ap, `spec.rules[${ri}].from[${fi}].source.principals`, principals.join(', '))],
            'declared intent: the policy allows this caller’s identity (namespaces alone name no workload)',
          ),
        );
      });
    });
  }
}

/** The Linkerd Server a policy targets, and the workloads and port it selects. */
function linkerdServer(
  ctx: MeshContext,
  namespace: string,
  name: string,
): { item: InventoryItem; workloads: WorkloadRecord[]; port: number | undefined } | undefined {
  const item = ctx.inv.get('Server', namespace, name);
  if (item === undefined) return undefined;
  const spec = field(item.object, 'spec');
  const selector = field(spec, 'podSelector');
  const workloads = ctx.workloads.filter(
    (w) =>
      ctx.b.has(w.id) &&
      w.namespace === namespace &&
      labelsMatch(stringMap(selector['matchLabels']), w.labels),
  );
  return { item, workloads, port: num(spec['port']) };
}

/** Whether every authorization of a Linkerd Server requires a mesh identity, and the authorizations. */
interface LinkerdServerAuthn {
  readonly mode: 'mtls-only' | 'any';
  readonly evidence: readonly Evidence[];
}

/** Linkerd ServerAuthorization and AuthorizationPolicy (with MeshTLSAuthentication): declared callers of a Server. */
function addLinkerdAuthorization(ctx: MeshContext): Map<string, LinkerdServerAuthn> {
  const serverAuthn = new Map<string, LinkerdServerAuthn>();
  const mark = (key: string, v: 'mtls-only' | 'any', evidence: Evidence): void => {
    const was = serverAuthn.get(key);
    serverAuthn.set(key, {
      mode: was?.mode === 'any' ? 'any' : v,
      evidence: [...(was?.evidence ?? []), evidence],
    });
  };
  for (const sa of ctx.inv.ofKind('ServerAuthorization')) {
    const ns = sa.object.metadata.namespace ?? 'default';
    const spec = field(sa.object, 'spec');
    const serverName = str(field(spec, 'server')['name']);
    const server = serverName === undefined ? undefined : linkerdServer(ctx, ns, serverName);
    if (server === undefined) continue;
    const client = field(spec, 'client');
    const accounts = arrayOf(field(client, 'meshTLS')['serviceAccounts']);
    mark(
      `${ns}/${serverName}`,
      client['unauthenticated'] === true || client['networks'] !== undefined ? 'any' : 'mtls-only',
      sourceEvidence(sa, 'spec.client'),
    );
    const sources = accounts.flatMap((a) =>
      workloadsOfServiceAccount(ctx, str(a['namespace']) ?? ns, str(a['name']) ?? ''),
    );
    addIntent(
      ctx,
      sources,
      server.workloads,
      [server.port],
      `allowed by Linkerd ServerAuthorization ${ns}/${sa.object.metadata.name}`,
      'linkerd-authorization',
      ev(
        'flow',
        [sourceEvidence(sa, 'spec.client.meshTLS.serviceAccounts')],
        'declared intent: the authorization names this caller’s service account',
      ),
    );
  }
  for (const ap of ctx.inv.ofKind(LINKERD_AUTHORIZATION_POLICY)) {
    const ns = ap.object.metadata.namespace ?? 'default';
    const spec = field(ap.object, 'spec');
    const target = field(spec, 'targetRef');
    if (str(target['kind']) !== 'Server') continue;
    const serverName = str(target['name']) ?? '';
    const server = linkerdServer(ctx, ns, serverName);
    if (server === undefined) continue;
    const refs = arrayOf(spec['requiredAuthenticationRefs']);
    if (refs.some((r) => str(r['kind']) !== 'MeshTLSAuthentication'))
      mark(`${ns}/${serverName}`, 'any', sourceEvidence(ap, 'spec.requiredAuthenticationRefs'));
    refs.forEach((r, ri) => {
      if (str(r['kind']) !== 'MeshTLSAuthentication') return;
      const m = ctx.inv.get('MeshTLSAuthentication', str(r['namespace']) ?? ns, str(r['name']) ?? '');
      if (m === undefined) return;
      mark(`${ns}/${serverName}`, 'mtls-only', sourceEvidence(ap, `spec.requiredAuthenticationRefs[${ri}]`));
      const mspec = field(m.object, 'spec');
      const sources = [
        ...arrayOf(mspec['identityRefs']).flatMap((i) =>
          str(i['kind']) === 'ServiceAccount'
            ? workloadsOfServiceAccount(
                ctx,
                str(i['namespace']) ?? m.object.metadata.namespace ?? ns,
                str(i['name']) ?? '',
              )
            : [],
        ),
        // Linkerd identities: `SA.NS.serviceaccount.identity.linkerd.cluster.local`.
        ...strings(mspec['identities']).flatMap((id) => {
          const parts = /^([^.]+)\.([^.]+)\.serviceaccount\.identity\./.exec(id);
          return parts === null ? [] : workloadsOfServiceAccount(ctx, parts[2]!, parts[1]!);
        }),
      ];
      addIntent(
        ctx,
        [...new Set(sources)],
        server.workloads,
        [server.port],
        `allowed by Linkerd AuthorizationPolicy ${ns}/${ap.object.metadata.name}`,
        'linkerd-authorization',
        ev(
          'flow',
          [sourceEvidence(ap, `spec.requiredAuthenticationRefs[${ri}]`), sourceEvidence(m, 'spec')],
          'declared intent: the policy requires this caller’s mesh identity',
        ),
      );
    });
  }
  return serverAuthn;
}

/** Linkerd ServiceProfiles: evidence the Service is depended on, merged into known calls or from any proxy. */
function addServiceProfiles(ctx: MeshContext): void {
  for (const sp of ctx.inv.ofKind('ServiceProfile')) {
    const ns = sp.object.metadata.namespace ?? 'default';
    const target = serviceOf(ctx, sp.object.metadata.name, ns);
    if (target === undefined) continue;
    const routes = arrayOf(field(sp.object, 'spec')['routes']);
    const retryable = routes.filter((r) => r['isRetryable'] === true).map((r) => str(r['name']) ?? '?');
    const timeouts = routes
      .filter((r) => str(r['timeout']) !== undefined)
      .map((r) => `${str(r['name']) ?? '?'} ${str(r['timeout'])!}`);
    const detail = [
      `${routes.length} route${routes.length === 1 ? '' : 's'}`,
      ...(retryable.length > 0 ? [`retried: ${retryable.join(', ')}`] : []),
      ...(timeouts.length > 0 ? [`timeouts: ${timeouts.join(', ')}`] : []),
    ].join('; ');
    const svcNs = target.id.slice('service:'.length).split('/')[0]!;
    // A profile in another namespace than the Service's is the client side's: it applies to that namespace's callers.
    const callers = knownCallers(ctx, target.id).filter(
      (w) => ctx.members.get(w.id)?.mesh === 'linkerd' && (ns === svcNs || w.namespace === ns),
    );
    const flow = (from: string, how: string): FlowInit => ({
      from,
      to: target.id,
      protocol: 'tcp',
      ...(target.ports.length === 1 ? { port: target.ports[0]! } : {}),
      tls: 'unknown',
      authn: 'unknown',
      purpose: APPLICATION_CALL,
      dependency: { inferredFrom: 'linkerd-serviceprofile', failClosed: false },
      evidence: [
        ev(
          'flow',
          [sourceEvidence(sp, 'spec.routes', detail)],
          `inferred from the Linkerd ServiceProfile ${ns}/${sp.object.metadata.name} (${detail}); ${how}`,
        ),
      ],
    });
    if (callers.length > 0)
      for (const w of callers)
        addOrMerge(ctx, flow(w.id, 'the caller is known to call the Service'), 'linkerd-serviceprofile');
    else
      addOrMerge(
        ctx,
        flow(
          ensureMeshComponent(ctx.b, 'linkerd'),
          'the profile describes the Service’s routes, not its callers',
        ),
        'linkerd-serviceprofile',
      );
  }
}

type PeerMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';

/**
 * The PeerAuthentication mode for a workload's port: the most specific policy wins (workload selector, then
 * namespace, then the root namespace's mesh-wide one); `portLevelMtls` overrides per port; UNSET inherits.
 * Istio's default with no policy is PERMISSIVE.
 */
function peerMode(
  ctx: MeshContext,
  w: WorkloadRecord,
  port: number | undefined,
): { mode: PeerMode; evidence: Evidence[] } {
  const policies = [
    ...(ctx.peerAuthentications.get(w.namespace) ?? []),
    ...(w.namespace === ISTIO_ROOT_NAMESPACE
      ? []
      : (ctx.peerAuthentications.get(ISTIO_ROOT_NAMESPACE) ?? [])),
  ];
  const levels: InventoryItem[][] = [[], [], []];
  for (const pa of policies) {
    const ns = pa.object.metadata.namespace ?? 'default';
    const spec = field(pa.object, 'spec');
    const selector = stringMap(field(spec, 'selector')['matchLabels']);
    const hasSelector = Object.keys(selector).length > 0;
    if (hasSelector && ns === w.namespace && labelsMatch(selector, w.labels)) levels[0]!.push(pa);
    else if (!hasSelector && ns === w.namespace) levels[1]!.push(pa);
    else if (!hasSelector && ns === ISTIO_ROOT_NAMESPACE) levels[2]!.push(pa);
  }
  for (const level of levels)
    for (const pa of level) {
      const spec = field(pa.object, 'spec');
      const portMode =
        port === undefined ? undefined : str(field(field(spec, 'portLevelMtls'), String(port))['mode']);
      if (portMode !== undefined && portMode !== 'UNSET')
        return {
          mode: portMode as PeerMode,
          evidence: [sourceEvidence(pa, `spec.portLevelMtls["${port}"].mode`, portMode)],
        };
      const mode = str(field(spec, 'mtls')['mode']);
      if (mode !== undefined && mode !== 'UNSET')
        return { mode: mode as PeerMode, evidence: [sourceEvidence(pa, 'spec.mtls.mode', mode)] };
    }
  return { mode: 'PERMISSIVE', evidence: [] };
}

function byNamespace(items: readonly InventoryItem[]): Map<string, InventoryItem[]> {
  const out = new Map<string, InventoryItem[]>();
  for (const it of items) {
    const ns = it.object.metadata.namespace ?? 'default';
    (out.get(ns) ?? out.set(ns, []).get(ns)!).push(it);
  }
  return out;
}

/** The workloads behind a flow's receiver: the Service's selected workloads, or the workload itself. */
function receivers(ctx: MeshContext, to: string): WorkloadRecord[] {
  const w = ctx.byId.get(to);
  return w !== undefined ? [w] : [...ctx.selectedBy(to)];
}

/** The target port a Service port reaches on its pods (the mode of portLevelMtls is per target port). */
function targetPort(ctx: MeshContext, to: string, port: number | undefined): number | undefined {
  if (port === undefined || !to.startsWith('service:')) return port;
  const [ns, name] = to.slice('service:'.length).split('/') as [string, string];
  const p = ctx.inv.get('Service', ns, name)?.object.spec?.ports?.find((x) => x.port === port);
  return typeof p?.targetPort === 'number' ? p.targetPort : port;
}

/**
 * TLS and authentication of application flows between meshed workloads. Istio: the client's DestinationRule
 * `trafficPolicy.tls.mode` (DISABLE plaintext, SIMPLE one-way TLS, MUTUAL / ISTIO_MUTUAL mTLS; none: auto mTLS)
 * and the server's PeerAuthentication (STRICT accepts mTLS only; PERMISSIVE also plaintext, so the weakest
 * accepted authentication is none; DISABLE plaintext). Linkerd: mTLS between meshed pods; plaintext from unmeshed
 * callers is accepted unless an authorization on the Server requires a mesh identity.
 */
function applyMeshTls(ctx: MeshContext, linkerdServers: ReadonlyMap<string, LinkerdServerAuthn>): void {
  const callerMesh = (id: string): ServiceMesh | undefined => {
    const c = ctx.b.components.get(id);
    if (c?.kind.type === 'mesh') return c.kind.mesh;
    return ctx.members.get(id)?.mesh;
  };
  for (const f of [...ctx.b.flows.values()]) {
    if (f.dependency === undefined || f.dependency.inferredFrom === 'istio-serviceentry') continue;
    const servers = receivers(ctx, f.to);
    if (servers.length === 0) continue;
    const serverMesh = servers.every((w) => ctx.members.get(w.id)?.mesh === 'istio')
      ? 'istio'
      : servers.every((w) => ctx.members.get(w.id)?.mesh === 'linkerd')
        ? 'linkerd'
        : undefined;
    if (serverMesh === undefined) continue;
    const client = callerMesh(f.from);
    const next =
      serverMesh === 'istio'
        ? istioTls(ctx, f, servers, client === 'istio')
        : linkerdTls(ctx, f, servers, client === 'linkerd', linkerdServers);
    if (next !== undefined) ctx.b.replaceFlow(next);
  }
}

function istioTls(
  ctx: MeshContext,
  f: Flow,
  servers: readonly WorkloadRecord[],
  clientMeshed: boolean,
): Flow | undefined {
  const port = targetPort(ctx, f.to, f.port);
  const modes = servers.map((w) => peerMode(ctx, w, port));
  const weakest: PeerMode = modes.some((m) => m.mode === 'DISABLE')
    ? 'DISABLE'
    : modes.some((m) => m.mode === 'PERMISSIVE')
      ? 'PERMISSIVE'
      : 'STRICT';
  const peerEvidence = modes.flatMap((m) => m.evidence);
  const peerNote =
    peerEvidence.length === 0
      ? 'no PeerAuthentication applies: Istio’s default PERMISSIVE'
      : `PeerAuthentication ${weakest}`;
  const membersEvidence = servers.flatMap((w) => ctx.members.get(w.id)?.evidence ?? []);
  if (!clientMeshed) {
    if (weakest !== 'STRICT') return undefined;
    return {
      ...f,
      evidence: [
        ...f.evidence,
        ev(
          'authn',
          peerEvidence,
          'the caller has no Istio sidecar and the receiver is STRICT: its plaintext calls are refused',
        ),
      ],
    };
  }
  const caller = ctx.byId.get(f.from);
  const host = f.to.startsWith('service:')
    ? f.to.slice('service:'.length).split('/').reverse().join('.')
    : undefined;
  const dr =
    host === undefined
      ? undefined
      : destinationRulesFor(ctx, host, caller?.namespace ?? ISTIO_ROOT_NAMESPACE)
          .map((d) => ({
            d,
            mode: str(field(field(field(d.object, 'spec'), 'trafficPolicy'), 'tls')['mode']),
          }))
          .find((x) => x.mode !== undefined);
  const clientMode = dr?.mode ?? 'AUTO';
  let tls: TlsState;
  let authn: AuthnState;
  let note: string;
  if (clientMode === 'DISABLE' || (clientMode === 'AUTO' && weakest === 'DISABLE')) {
    tls = 'none';
    authn = 'none';
    note =
      clientMode === 'DISABLE'
        ? `the DestinationRule disables TLS: plaintext${weakest === 'STRICT' ? ' (the STRICT receiver refuses it)' : ''}`
        : 'PeerAuthentication DISABLE: plaintext';
  } else if (clientMode === 'SIMPLE') {
    tls = 'verified';
    authn = 'none';
    note = 'the DestinationRule originates one-way TLS (SIMPLE): no client certificate';
  } else {
    tls = 'mutual';
    authn = weakest === 'STRICT' ? 'certificate' : 'none';
    note =
      `${clientMode === 'AUTO' ? 'Istio auto mTLS between sidecars' : `DestinationRule ${clientMode}`}; ${peerNote}` +
      (weakest === 'STRICT'
        ? ': only mTLS is accepted'
        : ': the receiver also accepts plaintext from any caller');
  }
  return {
    ...f,
    tls,
    authn,
    ...(tls === 'mutual' && authn === 'none' ? { authnModes: ['certificate', 'none'] } : {}),
    evidence: [
      ...f.evidence.filter((e) => e.attribute !== 'tls' && e.attribute !== 'authn'),
      ev(
        'tls',
        [
          ...(dr === undefined ? [] : [sourceEvidence(dr.d, 'spec.trafficPolicy.tls.mode', dr.mode)]),
          ...membersEvidence,
        ],
        note,
      ),
      ev('authn', peerEvidence, peerNote),
    ],
  };
}

function linkerdTls(
  ctx: MeshContext,
  f: Flow,
  servers: readonly WorkloadRecord[],
  clientMeshed: boolean,
  linkerdServers: ReadonlyMap<string, LinkerdServerAuthn>,
): Flow | undefined {
  const port = targetPort(ctx, f.to, f.port);
  // A Server selecting the receivers on this port, whose authorizations all require a mesh identity.
  const authorizations: Evidence[] = [];
  const strict = servers.every((w) =>
    ctx.inv.ofKind('Server').some((s) => {
      if ((s.object.metadata.namespace ?? 'default') !== w.namespace) return false;
      const spec = field(s.object, 'spec');
      if (port !== undefined && num(spec['port']) !== undefined && num(spec['port']) !== port) return false;
      if (!labelsMatch(stringMap(field(spec, 'podSelector')['matchLabels']), w.labels)) return false;
      const authn = linkerdServers.get(`${w.namespace}/${s.object.metadata.name}`);
      if (authn?.mode !== 'mtls-only') return false;
      authorizations.push(sourceEvidence(s, 'spec.podSelector'), ...authn.evidence);
      return true;
    }),
  );
  const membersEvidence = servers.flatMap((w) => ctx.members.get(w.id)?.evidence ?? []);
  if (!clientMeshed) return undefined;
  return {
    ...f,
    tls: 'mutual',
    authn: strict ? 'certificate' : 'none',
    ...(strict ? {} : { authnModes: ['certificate', 'none'] }),
    evidence: [
      ...f.evidence.filter((e) => e.attribute !== 'tls' && e.attribute !== 'authn'),
      ev('tls', membersEvidence, 'Linkerd meshes TCP between meshed pods with mTLS automatically'),
      ev(
        'authn',
        strict ? authorizations : [],
        strict
          ? 'every Linkerd authorization of the receiving Server requires a mesh identity'
          : 'no Linkerd authorization requires a mesh identity: the receiver also accepts unmeshed plaintext (default all-unauthenticated)',
      ),
    ],
  };
}

/** Every service-mesh flow source and the mesh mTLS of application flows; nothing when no mesh is in the input. */
export function addMeshFlows(
  b: ModelBuilder,
  inv: Inventory,
  workloads: readonly WorkloadRecord[],
  serviceId: (namespace: string, name: string) => string,
  selectedBy: (serviceId: string) => readonly WorkloadRecord[],
): void {
  const members = new Map<string, Membership>();
  for (const w of workloads) {
    const m = membershipOf(inv, w);
    if (m !== undefined) members.set(w.id, m);
  }
  if (members.size === 0 && MESH_KINDS.every((k) => inv.ofKind(k).length === 0)) return;
  const ctx: MeshContext = {
    b,
    inv,
    workloads,
    services: indexServices(inv),
    serviceId,
    selectedBy,
    members,
    byId: new Map(workloads.map((w) => [w.id, w])),
    flowsTo: new Map(),
    peerAuthentications: byNamespace(inv.ofKind('PeerAuthentication')),
  };
  for (const f of b.flows.values()) indexFlow(ctx.flowsTo, f);
  // Gateway proxies are Istio proxies themselves (they originate mTLS to the mesh).
  for (const gw of inv.ofKind(ISTIO_GATEWAY)) {
    const selector = stringMap(field(gw.object, 'spec')['selector']);
    if (Object.keys(selector).length === 0) continue;
    for (const w of workloads)
      if (!members.has(w.id) && labelsMatch(selector, w.labels))
        members.set(w.id, { mesh: 'istio', evidence: sourceEvidence(gw, 'spec.selector') });
  }
  const external = addServiceEntries(ctx);
  const gateways = addIstioGateways(ctx);
  addVirtualServices(ctx, gateways, external);
  addServiceProfiles(ctx);
  addIstioAuthorization(ctx);
  const linkerdServers = addLinkerdAuthorization(ctx);
  applyMeshTls(ctx, linkerdServers);
}
