// Application data flow: workload → Service calls inferred from what the pod spec names (env, args, ConfigMaps, probes) and from NetworkPolicy allow rules.
//
// A pod reaches another workload through its Service: by DNS name (`name`, `name.ns`, `name.ns.svc`,
// `name.ns.svc.cluster.local`, `pod.name.ns.svc…` for a headless Service) or by cluster IP.
// https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/
import type * as k8s from '@kubernetes/client-node';
import type { Inventory, InventoryItem } from '../collect/inventory.js';
import type { Evidence } from '../types.js';
import { ev, type ModelBuilder } from './builder.js';
import type { FlowDependency, TlsState } from './types.js';
import { selectorMatches, type WorkloadRecord } from './workloads.js';

export const APPLICATION_CALL = 'application call';

const SCHEME_PORTS: Readonly<Record<string, number>> = {
  http: 80,
  https: 443,
  grpc: 80,
  grpcs: 443,
  ws: 80,
  wss: 443,
  postgres: 5432,
  postgresql: 5432,
  mysql: 3306,
  redis: 6379,
  rediss: 6379,
  amqp: 5672,
  amqps: 5671,
  mongodb: 27017,
  nats: 4222,
  kafka: 9092,
};

/** Names of variables and flags whose value is an address even without a scheme or port (DB_HOST=shop-db). */
const ADDRESS_NAME = /(HOST|ADDR|ADDRESS|URL|URI|ENDPOINT|SERVER|SERVICE|DSN|UPSTREAM|BACKEND|BROKERS?)$/i;

interface Address {
  readonly host: string;
  readonly port?: number;
  readonly scheme?: string;
}

const URL_RE = /\b([a-z][a-z0-9+.-]*):\/\/(?:[^@/\s]*@)?([a-z0-9.-]+)(?::(\d{1,5}))?/gi;
const HOST_PORT_RE = /(?:^|[\s,;=@"'(])([a-z0-9](?:[a-z0-9.-]*[a-z0-9])?):(\d{1,5})\b/gi;
const HOSTNAME = /^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/i;

/** Addresses a string names: URLs, host:port, and (for an address-named variable) the whole value as a host. */
export function addressesIn(text: string, wholeValueIsHost: boolean): Address[] {
  const out: Address[] = [];
  for (const m of text.matchAll(URL_RE)) {
    const scheme = m[1]!.toLowerCase();
    out.push({ host: m[2]!, scheme, ...(m[3] !== undefined ? { port: Number(m[3]) } : {}) });
  }
  if (out.length > 0) return out;
  for (const m of text.matchAll(HOST_PORT_RE)) out.push({ host: m[1]!, port: Number(m[2]) });
  if (out.length === 0 && wholeValueIsHost && HOSTNAME.test(text.trim())) out.push({ host: text.trim() });
  return out;
}

export interface ServiceIndex {
  readonly byName: ReadonlyMap<string, InventoryItem<k8s.V1Service>>;
  readonly byIp: ReadonlyMap<string, InventoryItem<k8s.V1Service>>;
}

export function indexServices(inv: Inventory): ServiceIndex {
  const byName = new Map<string, InventoryItem<k8s.V1Service>>();
  const byIp = new Map<string, InventoryItem<k8s.V1Service>>();
  for (const s of inv.ofKind('Service')) {
    byName.set(`${s.object.metadata.namespace ?? 'default'}/${s.object.metadata.name}`, s);
    for (const ip of [s.object.spec?.clusterIP, ...(s.object.spec?.clusterIPs ?? [])])
      if (ip !== undefined && ip !== '' && ip !== 'None') byIp.set(ip, s);
  }
  return { byName, byIp };
}

/** The Service a host names, seen from a pod in `namespace`, if it is one of the cluster's Services. */
export function serviceOfHost(
  host: string,
  namespace: string,
  services: ServiceIndex,
): InventoryItem<k8s.V1Service> | undefined {
  const h = host.toLowerCase().replace(/\.$/, '');
  const byIp = services.byIp.get(h);
  if (byIp !== undefined) return byIp;
  const svc = h.indexOf('.svc');
  const isSvc = svc > 0 && (h.length === svc + 4 || h[svc + 4] === '.');
  const parts = (isSvc ? h.slice(0, svc) : h).split('.');
  const get = (ns: string, name: string) => services.byName.get(`${ns}/${name}`);
  if (parts.length === 1) return get(namespace, parts[0]!);
  if (parts.length === 2) return get(parts[1]!, parts[0]!);
  // `pod.service.ns.svc…`: one pod of a headless Service.
  if (parts.length === 3 && isSvc) return get(parts[2]!, parts[1]!);
  return undefined;
}

interface Mention {
  readonly text: string;
  readonly wholeValueIsHost: boolean;
  readonly evidence: Evidence;
  readonly inferredFrom: FlowDependency['inferredFrom'];
  readonly what: string;
}

function configMapData(inv: Inventory, ns: string, name: string): Readonly<Record<string, string>> {
  return inv.get('ConfigMap', ns, name)?.object.data ?? {};
}

/** Every string of a workload's pod spec that may name another workload, with where it was found. */
function mentionsOf(inv: Inventory, w: WorkloadRecord): Mention[] {
  const spec = w.spec;
  if (spec === undefined) return [];
  const out: Mention[] = [];
  const wev = (path: string, value?: string): Evidence => ({
    ref: w.ref,
    path: `${w.specPath}.${path}`,
    ...(value === undefined ? {} : { value }),
    source: w.source,
  });
  const fromConfigMap = (name: string, keys: readonly string[] | undefined, via: string): void => {
    const data = configMapData(inv, w.namespace, name);
    for (const key of Object.keys(data).sort()) {
      if (keys !== undefined && !keys.includes(key)) continue;
      out.push({
        text: data[key]!,
        // A key of an env-mapped ConfigMap is a variable; a mounted file is free text.
        wholeValueIsHost: via !== 'volume' && ADDRESS_NAME.test(key),
        evidence: {
          ref: { kind: 'ConfigMap', namespace: w.namespace, name },
          path: `data[${JSON.stringify(key)}]`,
        },
        inferredFrom: 'configmap',
        what: `ConfigMap ${name} key ${key} (${via})`,
      });
    }
  };
  const containers: [string, k8s.V1Container[]][] = [
    ['containers', spec.containers],
    ['initContainers', spec.initContainers ?? []],
  ];
  for (const [field, list] of containers)
    list.forEach((c, ci) => {
      const at = `${field}[${ci}]`;
      (c.env ?? []).forEach((e, ei) => {
        if (e.value !== undefined)
          out.push({
            text: e.value,
            wholeValueIsHost: ADDRESS_NAME.test(e.name),
            evidence: wev(`${at}.env[${ei}].value`, e.name),
            inferredFrom: 'env',
            what: `env ${e.name}`,
          });
        const ref = e.valueFrom?.configMapKeyRef;
        if (ref?.name !== undefined) {
          const text = configMapData(inv, w.namespace, ref.name)[ref.key];
          if (text !== undefined)
            out.push({
              text,
              wholeValueIsHost: ADDRESS_NAME.test(e.name),
              evidence: {
                ref: { kind: 'ConfigMap', namespace: w.namespace, name: ref.name },
                path: `data[${JSON.stringify(ref.key)}]`,
              },
              inferredFrom: 'configmap',
              what: `env ${e.name} from ConfigMap ${ref.name}`,
            });
        }
      });
      for (const ef of c.envFrom ?? [])
        if (ef.configMapRef?.name !== undefined) fromConfigMap(ef.configMapRef.name, undefined, 'envFrom');
      for (const [argField, args] of [
        ['command', c.command ?? []],
        ['args', c.args ?? []],
      ] as const)
        args.forEach((a, ai) => {
          const flag = /^--?([a-z0-9-]+)=/i.exec(a);
          out.push({
            text: a,
            wholeValueIsHost: flag !== null && ADDRESS_NAME.test(flag[1]!.replace(/-/g, '_')),
            // The argument itself may carry a credential (a DSN with a password): cite it by position only.
            evidence: wev(`${at}.${argField}[${ai}]`),
            inferredFrom: 'args',
            what: `${argField}[${ai}]`,
          });
        });
      const probe = c.readinessProbe;
      const probeHost = probe?.httpGet?.host ?? probe?.tcpSocket?.host;
      if (probeHost !== undefined && probeHost !== '') {
        const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port;
        out.push({
          text: typeof port === 'number' ? `${probeHost}:${port}` : probeHost,
          wholeValueIsHost: true,
          evidence: wev(
            `${at}.readinessProbe.${probe?.httpGet !== undefined ? 'httpGet' : 'tcpSocket'}.host`,
            probeHost,
          ),
          inferredFrom: 'readiness-probe',
          what: 'the readiness probe',
        });
      }
    });
  for (const v of spec.volumes ?? [])
    if (v.configMap?.name !== undefined) fromConfigMap(v.configMap.name, undefined, 'volume');
  return out;
}

function tlsOf(scheme: string | undefined): TlsState {
  if (scheme === undefined) return 'unknown';
  if (/^(https|grpcs|wss|rediss|amqps)$/.test(scheme)) return 'unknown';
  if (/^(http|ws|grpc)$/.test(scheme)) return 'none';
  return 'unknown';
}

/**
 * Workload → Service flows for every Service a workload names. The flow carries the place it was found and how
 * (`dependency`); a readiness probe aimed at the Service makes the dependency fail-closed: when the Service is
 * down the caller's pods turn unready and leave their own Services.
 */
export function addApplicationFlows(
  b: ModelBuilder,
  inv: Inventory,
  workloads: readonly WorkloadRecord[],
  serviceId: (namespace: string, name: string) => string,
  selectedBy: (serviceId: string) => readonly WorkloadRecord[],
): void {
  const services = indexServices(inv);
  for (const w of workloads) {
    if (!b.has(w.id)) continue;
    for (const m of mentionsOf(inv, w)) {
      for (const a of addressesIn(m.text, m.wholeValueIsHost)) {
        const svc = serviceOfHost(a.host, w.namespace, services);
        if (svc === undefined) continue;
        const ns = svc.object.metadata.namespace ?? 'default';
        const to = serviceId(ns, svc.object.metadata.name);
        // A workload naming its own Service (a peer list, its advertised address) is not a call to another.
        if (selectedBy(to).some((x) => x.id === w.id)) continue;
        const ports = svc.object.spec?.ports ?? [];
        const port =
          a.port ??
          (a.scheme !== undefined ? SCHEME_PORTS[a.scheme] : undefined) ??
          (ports.length === 1 ? ports[0]!.port : undefined);
        const how =
          a.host === svc.object.spec?.clusterIP
            ? `the Service's cluster IP in ${m.what}`
            : `the Service's DNS name in ${m.what}`;
        b.addFlow({
          from: w.id,
          to,
          protocol: a.scheme ?? (ports.find((p) => p.port === port)?.protocol ?? 'TCP').toLowerCase(),
          ...(port === undefined ? {} : { port }),
          tls: tlsOf(a.scheme),
          authn: 'unknown',
          purpose: m.inferredFrom === 'readiness-probe' ? 'readiness probe' : APPLICATION_CALL,
          dependency: { inferredFrom: m.inferredFrom, failClosed: m.inferredFrom === 'readiness-probe' },
          evidence: [ev('flow', [m.evidence], `inferred from ${how}`)],
        });
      }
    }
  }
}

/**
 * Declared intent: an ingress rule of a NetworkPolicy that names its peers by pod (and namespace) labels says
 * which workloads are meant to call the ones it selects. Rules open to everyone (`{}` peers, ipBlocks) name no one.
 */
export function addPolicyIntentFlows(
  b: ModelBuilder,
  inv: Inventory,
  workloads: readonly WorkloadRecord[],
): void {
  const nsLabels = new Map(
    inv.ofKind('Namespace').map((n) => [n.object.metadata.name, n.object.metadata.labels ?? {}]),
  );
  const labelsOfNs = (ns: string): Record<string, string> => ({
    'kubernetes.io/metadata.name': ns,
    ...(nsLabels.get(ns) ?? {}),
  });
  const selects = (sel: k8s.V1LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean =>
    selectorMatches(sel, labels);
  const named = (sel: k8s.V1LabelSelector | undefined): boolean =>
    sel !== undefined &&
    (Object.keys(sel.matchLabels ?? {}).length > 0 || (sel.matchExpressions ?? []).length > 0);
  // Workloads by namespace, so a rule looks only at the namespaces its peers select (linear at 10,000 namespaces).
  const byNamespace = new Map<string, WorkloadRecord[]>();
  for (const w of workloads) {
    const l = byNamespace.get(w.namespace);
    if (l === undefined) byNamespace.set(w.namespace, [w]);
    else l.push(w);
  }
  const namespaces = [...byNamespace.keys()].sort();
  for (const p of inv.ofKind('NetworkPolicy')) {
    const ns = p.object.metadata.namespace ?? 'default';
    const spec = p.object.spec;
    if (spec === undefined) continue;
    const targets = (byNamespace.get(ns) ?? []).filter((w) => selects(spec.podSelector, w.labels));
    if (targets.length === 0) continue;
    (spec.ingress ?? []).forEach((rule, ri) => {
      // The stored object is the API's JSON (`from`), not the client library's renamed field (`_from`).
      const peers = (rule as { from?: k8s.V1NetworkPolicyPeer[] }).from ?? [];
      peers.forEach((peer, pi) => {
        if (peer.ipBlock !== undefined || !named(peer.podSelector)) return;
        const peerNamespaces =
          peer.namespaceSelector === undefined
            ? [ns]
            : namespaces.filter((n) => selects(peer.namespaceSelector, labelsOfNs(n)));
        const sources = peerNamespaces.flatMap((n) =>
          (byNamespace.get(n) ?? []).filter((w) => selects(peer.podSelector, w.labels)),
        );
        const ports = (rule.ports ?? []).map((x) => (typeof x.port === 'number' ? x.port : undefined));
        for (const from of sources)
          for (const to of targets)
            for (const port of ports.length > 0 ? ports : [undefined]) {
              if (from.id === to.id) continue;
              b.addFlow({
                from: from.id,
                to: to.id,
                protocol: 'tcp',
                ...(port === undefined ? {} : { port }),
                tls: 'unknown',
                authn: 'unknown',
                purpose: `allowed by NetworkPolicy ${ns}/${p.object.metadata.name}`,
                dependency: { inferredFrom: 'network-policy', failClosed: false },
                evidence: [
                  ev(
                    'flow',
                    [
                      {
                        ref: { kind: 'NetworkPolicy', namespace: ns, name: p.object.metadata.name },
                        path: `spec.ingress[${ri}].from[${pi}]`,
                        source: p.source,
                      },
                    ],
                    'declared intent: the policy names this caller (whether it is enforced is a separate question)',
                  ),
                ],
              });
            }
      });
    });
  }
}
