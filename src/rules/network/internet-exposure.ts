// Rule internet-exposure: workloads reachable from outside the cluster (load balancers, node ports, Ingresses, Gateway routes, hostPorts).
import type { InventoryItem, KubeObject } from '../../collect/inventory.js';
import { TEMPLATE_KINDS, type Endpoint } from '../../analysis/network-policy/endpoints.js';
import { matches, selectorFromLabels } from '../../analysis/network-policy/label-selector.js';
import { refToString, type Evidence, type Ref } from '../../types.js';
import { defineRule } from '../framework/define-rule.js';
import { objectEvidence } from '../framework/evidence.js';
import { rec, workloadRef } from './support/network-analyses.js';
import { WORKLOAD_KINDS } from '../framework/inputs.js';

type Route = 'load-balancer' | 'node-port' | 'ingress' | 'gateway-route' | 'host-port';

const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute'];

/** Annotations that make a cloud load balancer internal (reachable from the VPC only). */
const INTERNAL_LB: readonly (readonly [string, RegExp])[] = [
  ['service.beta.kubernetes.io/aws-load-balancer-internal', /^(true|0\.0\.0\.0\/0)$/i],
  ['service.beta.kubernetes.io/aws-load-balancer-scheme', /^internal$/i],
  ['networking.gke.io/load-balancer-type', /^internal$/i],
  ['cloud.google.com/load-balancer-type', /^internal$/i],
  ['service.beta.kubernetes.io/azure-load-balancer-internal', /^true$/i],
  ['service.beta.kubernetes.io/oci-load-balancer-internal', /^true$/i],
];
const INTERNAL_INGRESS: readonly (readonly [string, RegExp])[] = [
  ['alb.ingress.kubernetes.io/scheme', /^internal$/i],
  ['kubernetes.io/ingress.class', /^gce-internal$/i],
];

function internal(o: KubeObject, list: readonly (readonly [string, RegExp])[]): boolean {
  const a = o.metadata.annotations ?? {};
  return list.some(([k, re]) => typeof a[k] === 'string' && re.test(a[k]));
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? (v as unknown[]) : [];
}

const nsOf = (o: KubeObject): string => o.metadata.namespace ?? 'default';

export default defineRule({
  meta: {
    id: 'internet-exposure',
    aliases: [],
    sources: ['TOB-K8S-TM threat actors'],
    tier: 'extended',
    inputs: { kinds: [...WORKLOAD_KINDS, 'Service', 'Ingress', 'Gateway', 'HTTPRoute'] },
    title: 'A workload is reachable from the Internet',
    description:
      "The 2019 threat model's first actor is the external attacker without access: what it can reach is what " +
      'the cluster exposes. LoadBalancer and NodePort Services, Ingresses, Gateway API routes and container ' +
      'hostPorts carry traffic from outside the cluster to pods; each exposed workload is an entry point of the ' +
      'attack graph (ENDPOINT_EXPLOIT), and exposure without TLS also leaks what crosses it.',
    zone: 'Internet',
    stride: ['spoofing', 'information-disclosure', 'elevation-of-privilege'],
    likelihood: 'high',
    impact: 'medium',
    attack: ['ENDPOINT_EXPLOIT'],
    variants: {
      'load-balancer': { title: 'selected by a LoadBalancer Service' },
      'node-port': { title: 'selected by a NodePort Service', likelihood: 'medium' },
      ingress: { title: 'a backend of an Ingress' },
      'gateway-route': { title: 'a backend of a Gateway API route' },
      'host-port': { title: 'a container hostPort', likelihood: 'medium' },
      'no-tls': { title: 'an Ingress or Gateway listener without TLS' },
    },
    detection:
      'Follows each LoadBalancer and NodePort Service (LoadBalancers annotated internal for AWS, GCP, Azure and ' +
      'OCI are skipped), each Ingress backend (default backend and rules; alb scheme internal and gce-internal ' +
      'skipped) and each HTTPRoute/GRPCRoute/TLSRoute/TCPRoute/UDPRoute backendRef of kind Service to the ' +
      'Service, then to the workloads whose pod labels its selector matches (pods or pod templates, reported ' +
      'on the owning workload); a Service selecting nothing is reported itself. Containers declaring a hostPort ' +
      'are reported on their workload. no-tls: an Ingress without spec.tls, a Gateway listener of protocol HTTP ' +
      'or TCP.',
    falsePositives:
      'Whether a NodePort or hostPort is reachable from the Internet depends on node addresses and firewalls ' +
      'ktm does not see; a Gateway may be internal. Ingress controllers that redirect HTTP to HTTPS with a ' +
      'certificate configured elsewhere (cloud load balancer, cert in annotations) show as no-tls.',
    remediation: {
      shortTerm:
        'Expose only what must be public: use ClusterIP Services behind one Ingress or Gateway, restrict ' +
        'loadBalancerSourceRanges, remove hostPorts, and add TLS to every Ingress and Gateway listener.',
      longTerm:
        'Keep an inventory of intended entry points (the data-flow model), put them behind authentication and ' +
        'a WAF, and enforce with admission policy that only approved namespaces may create LoadBalancer or ' +
        'NodePort Services.',
    },
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types',
      'https://kubernetes.io/docs/concepts/services-networking/ingress/#tls',
      'https://gateway-api.sigs.k8s.io/',
    ],
    messages: {
      exposed: '{{workload}} is reachable from outside the cluster through {{via}}',
      serviceOnly:
        'Service {{service}} of type {{type}} is reachable from outside the cluster (it selects no pod in the input)',
      noTls: '{{object}} serves plain HTTP: {{why}}',
    },
  },
  check(ctx) {
    const inv = ctx.inventory;
    const set = ctx.analyses.endpoints();
    const byNs = new Map<string, Endpoint[]>();
    for (const e of set.endpoints) {
      const l = byNs.get(e.namespace) ?? [];
      l.push(e);
      byNs.set(e.namespace, l);
    }
    const found = new Map<string, { ref: Ref; variant: Route; via: string[]; evidence: Evidence[] }>();
    const add = (ref: Ref, variant: Route, via: string, ev: Evidence): void => {
      const key = `${refToString(ref)}#${variant}`;
      const f = found.get(key) ?? { ref, variant, via: [], evidence: [] };
      if (!f.via.includes(via)) f.via.push(via);
      if (f.evidence.length < 6) f.evidence.push(ev);
      found.set(key, f);
    };
    const workloadsOf = (svc: InventoryItem): Ref[] => {
      const sel = rec(rec(svc.object['spec'])['selector']);
      const labels: Record<string, string> = {};
      for (const [k, v] of Object.entries(sel)) if (typeof v === 'string') labels[k] = v;
      // A Service without a selector has hand-made endpoints: no pods to follow.
      if (Object.keys(labels).length === 0) return [];
      const s = selectorFromLabels(labels);
      const seen = new Map<string, Ref>();
      for (const e of byNs.get(nsOf(svc.object)) ?? [])
        if (matches(s, e.labels)) seen.set(refToString(workloadRef(e.workload)), workloadRef(e.workload));
      return [...seen.values()];
    };
    const service = (ns: string, name: string): InventoryItem | undefined => {
      const found =
        inv.get('Service', ns, name) ?? (ns === 'default' ? inv.get('Service', undefined, name) : undefined);
      return found as InventoryItem | undefined;
    };
    const viaBackend = (svcNs: string, svcName: string, variant: Route, via: string, ev: Evidence): void => {
      const svc = service(svcNs, svcName);
      if (svc === undefined) return;
      for (const w of workloadsOf(svc)) add(w, variant, via, ev);
    };

    for (const svc of inv.ofKind('Service')) {
      const o = svc.object as unknown as KubeObject;
      const type = rec(o['spec'])['type'];
      if (type !== 'LoadBalancer' && type !== 'NodePort') continue;
      if (type === 'LoadBalancer' && internal(o, INTERNAL_LB)) continue;
      const variant: Route = type === 'LoadBalancer' ? 'load-balancer' : 'node-port';
      const ref: Ref = { kind: 'Service', namespace: nsOf(o), name: o.metadata.name };
      const ev = objectEvidence(svc, 'spec.type', type);
      const ws = workloadsOf(svc as unknown as InventoryItem);
      if (ws.length === 0)
        ctx.report({
          messageId: 'serviceOnly',
          data: { service: `${ref.namespace ?? ''}/${ref.name}`, type },
          subject: ref,
          variant,
          evidence: [ev],
        });
      for (const w of ws) add(w, variant, `${type} Service ${ref.namespace ?? ''}/${ref.name}`, ev);
    }

    for (const ing of inv.ofKind('Ingress')) {
      const o = ing.object as unknown as KubeObject;
      const ns = nsOf(o);
      const ref: Ref = { kind: 'Ingress', namespace: ns, name: o.metadata.name };
      ctx.examined(ref);
      if (internal(o, INTERNAL_INGRESS)) continue;
      const spec = rec(o['spec']);
      const via = `Ingress ${ns}/${o.metadata.name}`;
      const def = rec(rec(spec['defaultBackend'])['service'])['name'];
      if (typeof def === 'string')
        viaBackend(ns, def, 'ingress', via, objectEvidence(ing, 'spec.defaultBackend.service.name', def));
      arr(spec['rules']).forEach((r, i) => {
        arr(rec(rec(r)['http'])['paths']).forEach((p, j) => {
          const name = rec(rec(rec(p)['backend'])['service'])['name'];
          if (typeof name === 'string')
            viaBackend(
              ns,
              name,
              'ingress',
              via,
              objectEvidence(ing, `spec.rules[${i}].http.paths[${j}].backend.service.name`, name),
            );
        });
      });
      if (arr(spec['tls']).length === 0)
        ctx.report({
          messageId: 'noTls',
          data: { object: via, why: 'it has no spec.tls' },
          subject: ref,
          variant: 'no-tls',
          evidence: [objectEvidence(ing, 'spec.tls', 'absent')],
        });
    }

    for (const kind of ROUTE_KINDS)
      for (const route of inv.ofKind(kind)) {
        const o = route.object;
        const ns = nsOf(o);
        const via = `${kind} ${ns}/${o.metadata.name}`;
        arr(rec(o['spec'])['rules']).forEach((r, i) => {
          arr(rec(r)['backendRefs']).forEach((b, j) => {
            const br = rec(b);
            const k = br['kind'] ?? 'Service';
            const group = br['group'] ?? '';
            if (k !== 'Service' || group !== '' || typeof br['name'] !== 'string') return;
            const bns = typeof br['namespace'] === 'string' ? br['namespace'] : ns;
            viaBackend(
              bns,
              br['name'],
              'gateway-route',
              via,
              objectEvidence(route, `spec.rules[${i}].backendRefs[${j}].name`, br['name']),
            );
          });
        });
      }

    for (const gw of inv.ofKind('Gateway')) {
      const o = gw.object;
      const ref: Ref = { kind: 'Gateway', namespace: nsOf(o), name: o.metadata.name };
      ctx.examined(ref);
      const plain = arr(rec(o['spec'])['listeners'])
        .map((l, i) => ({ l: rec(l), i }))
        .filter(({ l }) => l['protocol'] === 'HTTP' || l['protocol'] === 'TCP');
      if (plain.length === 0) continue;
      ctx.report({
        messageId: 'noTls',
        data: {
          object: `Gateway ${ref.namespace ?? ''}/${ref.name}`,
          why: `${plain.length === 1 ? 'listener' : 'listeners'} ${plain.map(({ l }) => (typeof l['name'] === 'string' ? l['name'] : '?')).join(', ')} ${plain.length === 1 ? 'uses' : 'use'} ${String(plain[0]?.l['protocol'])}`,
        },
        subject: ref,
        variant: 'no-tls',
        evidence: plain.map(({ l, i }) =>
          objectEvidence(gw, `spec.listeners[${i}].protocol`, String(l['protocol'])),
        ),
      });
    }

    // hostPort: on the top-level workload (a pod owned by a controller is reported through its controller).
    for (const kind of ['Pod', ...TEMPLATE_KINDS]) {
      for (const it of inv.ofKind(kind)) {
        const o = it.object;
        if ((o.metadata.ownerReferences ?? []).some((r) => r.controller === true && r.kind !== 'Node'))
          continue;
        const spec = rec(o['spec']);
        const podSpec =
          kind === 'Pod'
            ? spec
            : kind === 'CronJob'
              ? rec(rec(rec(rec(spec['jobTemplate'])['spec'])['template'])['spec'])
              : rec(rec(spec['template'])['spec']);
        const base =
          kind === 'Pod'
            ? 'spec'
            : kind === 'CronJob'
              ? 'spec.jobTemplate.spec.template.spec'
              : 'spec.template.spec';
        const ref: Ref = { kind, namespace: nsOf(o), name: o.metadata.name };
        arr(podSpec['containers']).forEach((c, i) => {
          arr(rec(c)['ports']).forEach((p, j) => {
            const hp = rec(p)['hostPort'];
            if (typeof hp === 'number' && hp > 0)
              add(
                ref,
                'host-port',
                `hostPort ${String(hp)}`,
                objectEvidence(it, `${base}.containers[${i}].ports[${j}].hostPort`, String(hp)),
              );
          });
        });
      }
    }

    for (const f of [...found.values()].sort(
      (a, b) => refToString(a.ref).localeCompare(refToString(b.ref)) || a.variant.localeCompare(b.variant),
    ))
      ctx.report({
        messageId: 'exposed',
        data: { workload: `${f.ref.kind} ${f.ref.namespace ?? ''}/${f.ref.name}`, via: f.via.join(', ') },
        subject: f.ref,
        variant: f.variant,
        evidence: f.evidence,
      });
  },
});
