// Ingress and OpenShift Route objects: the {ingress-controller} may reach the pods their Services select, on the Services' target ports.
import type { Inventory, KubeObject } from '../../collect/inventory.js';
import { EMPTY, portRange, union, type ConnSet } from './conn-set.js';
import type { Endpoint } from './endpoints.js';
import { matches, selectorFromLabels, type Selector } from './label-selector.js';

/** The namespace netpol-analyzer gives its stand-in ingress-controller pod (a namespace with no policies). */
export const INGRESS_CONTROLLER_NAMESPACE = 'ingress-controller-ns';

interface ServicePortLike {
  name?: string;
  port?: number;
  targetPort?: number | string;
  protocol?: string;
}

interface ServiceInfo {
  readonly namespace: string;
  readonly name: string;
  readonly selector: Selector;
  readonly ports: readonly ServicePortLike[];
}

/** A backend: service name and the port the Ingress/Route asks for (number, name, or undefined for every port). */
interface Backend {
  readonly namespace: string;
  readonly service: string;
  readonly port: number | string | undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? (v as unknown[]) : [];
}

export function services(inv: Inventory): ServiceInfo[] {
  const out: ServiceInfo[] = [];
  for (const it of inv.ofKind('Service')) {
    const o = it.object as unknown as KubeObject;
    const spec = isRecord(o['spec']) ? o['spec'] : {};
    // A Service without a selector has hand-made endpoints: no pods to follow.
    if (!isRecord(spec['selector'])) continue;
    const sel: Record<string, string> = {};
    for (const [k, v] of Object.entries(spec['selector'])) if (typeof v === 'string') sel[k] = v;
    out.push({
      namespace: o.metadata.namespace ?? 'default',
      name: o.metadata.name,
      selector: selectorFromLabels(sel),
      ports: arr(spec['ports']).filter(isRecord),
    });
  }
  return out;
}

function backends(inv: Inventory): Backend[] {
  const out: Backend[] = [];
  for (const it of inv.ofKind('Ingress')) {
    const o = it.object as unknown as KubeObject;
    const ns = o.metadata.namespace ?? 'default';
    const spec = isRecord(o['spec']) ? o['spec'] : {};
    const add = (b: unknown): void => {
      if (!isRecord(b) || !isRecord(b['service'])) return;
      const svc = b['service'];
      const port = isRecord(svc['port']) ? svc['port'] : {};
      if (typeof svc['name'] !== 'string') return;
      out.push({
        namespace: ns,
        service: svc['name'],
        port:
          typeof port['name'] === 'string' && port['name'] !== ''
            ? port['name']
            : typeof port['number'] === 'number'
              ? port['number']
              : undefined,
      });
    };
    add(spec['defaultBackend']);
    for (const rule of arr(spec['rules']))
      if (isRecord(rule) && isRecord(rule['http']))
        for (const p of arr(rule['http']['paths'])) if (isRecord(p)) add(p['backend']);
  }
  for (const it of inv.ofKind('Route')) {
    const o = it.object;
    const ns = o.metadata.namespace ?? 'default';
    const spec = isRecord(o['spec']) ? o['spec'] : {};
    const tp = isRecord(spec['port']) ? spec['port']['targetPort'] : undefined;
    const port = typeof tp === 'number' || typeof tp === 'string' ? tp : undefined;
    for (const to of [spec['to'], ...arr(spec['alternateBackends'])]) {
      if (!isRecord(to) || typeof to['name'] !== 'string') continue;
      if (typeof to['kind'] === 'string' && to['kind'] !== '' && to['kind'] !== 'Service') continue;
      out.push({ namespace: ns, service: to['name'], port });
    }
  }
  return out;
}

/**
 * For each endpoint a Service behind an Ingress or Route selects: the TCP ports the controller may use. As
 * netpol-analyzer does, a target port counts only when the pod declares it as a containerPort (a named
 * targetPort is looked up among the pod's ports).
 */
export function ingressExposure(inv: Inventory, endpoints: readonly Endpoint[]): Map<number, ConnSet> {
  const svcs = new Map<string, ServiceInfo>();
  for (const s of services(inv)) svcs.set(`${s.namespace}/${s.name}`, s);
  const byNs = new Map<string, number[]>();
  endpoints.forEach((e, i) => {
    const l = byNs.get(e.namespace);
    if (l === undefined) byNs.set(e.namespace, [i]);
    else l.push(i);
  });
  const out = new Map<number, ConnSet>();
  for (const b of backends(inv)) {
    const svc = svcs.get(`${b.namespace}/${b.service}`);
    if (svc === undefined) continue;
    const wanted: (number | string)[] = [];
    for (const sp of svc.ports) {
      // targetPort defaults to port.
      const target =
        sp.targetPort !== undefined && sp.targetPort !== 0 && sp.targetPort !== '' ? sp.targetPort : sp.port;
      if (target === undefined) continue;
      if (b.port === undefined) wanted.push(target);
      else if (
        (sp.name !== undefined && sp.name !== '' && sp.name === b.port) ||
        sp.port === b.port ||
        sp.targetPort === b.port
      ) {
        wanted.push(target);
        break;
      }
    }
    for (const i of byNs.get(b.namespace) ?? []) {
      const e = endpoints[i]!;
      if (!matches(svc.selector, e.labels)) continue;
      let conns = out.get(i) ?? EMPTY;
      for (const w of wanted) {
        let num: number | undefined;
        if (typeof w === 'number') num = w;
        else if (/^\d+$/.test(w)) num = Number(w);
        else {
          const cp = e.ports.find((p) => p.name === w);
          // Only TCP ports are reachable through an Ingress or Route.
          num = cp?.protocol === 'TCP' ? cp.port : undefined;
        }
        if (num === undefined) continue;
        if (e.ports.some((p) => p.port === num)) conns = union(conns, portRange('TCP', num, num));
      }
      out.set(i, conns);
    }
  }
  return out;
}

/** Service selectors, so class folding keeps the label keys they read. */
export function serviceSelectors(inv: Inventory): Selector[] {
  return services(inv).map((s) => s.selector);
}
