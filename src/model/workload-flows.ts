// Workloads, Services, Ingresses, Gateways, webhooks and aggregated APIs, and the flows that reach or leave pods.
import { byCodeUnit } from './order.js';
import type * as k8s from '@kubernetes/client-node';
import type { Inventory, InventoryItem, KubeObject } from '../collect/inventory.js';
import type { Evidence, Source } from '../types.js';
import { addApplicationFlows, addPolicyIntentFlows } from './app-flows.js';
import { ev, sourceEvidence, type ModelBuilder } from './builder.js';
import { addMeshFlows } from './mesh-flows.js';
import { addInternet, APISERVER, INTERNET } from './control-plane.js';
import { egressVerdict } from './egress-policy.js';
import { baseRoles, controlPlaneProcessOfPod, isKubeProxy, networkPluginOf } from './roles.js';
import { isTruthySetting, lookupSetting, settingsFor } from './settings-lookup.js';
import type { TlsState, WorkloadRole } from './types.js';
import { groupWorkloads, serviceSelects, type WorkloadRecord } from './workloads.js';
import { arrayOf, isRecord, num, str } from './untyped.js';

export const METADATA = 'external:cloud-metadata';
const METADATA_IP = '169.254.169.254';

export function serviceId(namespace: string, name: string): string {
  return `service:${namespace}/${name}`;
}

export function namespaceZone(namespace: string): string {
  return `namespace:${namespace}`;
}

interface ServiceRef {
  readonly namespace: string;
  readonly name: string;
}

function workloadEvidence(w: WorkloadRecord, path?: string, value?: string): Evidence {
  return {
    ref: w.ref,
    ...(path === undefined ? {} : { path: `${w.specPath}.${path}` }),
    ...(value === undefined ? {} : { value }),
    source: w.source,
  };
}

/** Resolves a Service targetPort (number or container port name) against a workload's containers. */
function resolveTargetPort(
  w: WorkloadRecord,
  target: number | string | undefined,
  fallback: number,
): number | undefined {
  if (target === undefined) return fallback;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const c of w.spec?.containers ?? [])
    for (const p of c.ports ?? []) if (p.name === target) return p.containerPort;
  return undefined;
}

export function addWorkloads(b: ModelBuilder, inv: Inventory, cloud: string | undefined): void {
  const workloads = groupWorkloads(inv).filter((w) => {
    if (isKubeProxy(w)) return false;
    // Mirror pods of control-plane static pods are control-plane components, not workloads.
    if (w.owner === 'Pod' && controlPlaneProcessOfPod(w.labels, w.name, w.namespace) !== undefined)
      return false;
    return true;
  });
  const byNamespace = new Map<string, WorkloadRecord[]>();
  for (const w of workloads) {
    const list = byNamespace.get(w.namespace) ?? [];
    list.push(w);
    byNamespace.set(w.namespace, list);
  }
  const services = [...inv.ofKind('Service')].sort((a, c) =>
    byCodeUnit(
      serviceId(a.object.metadata.namespace ?? 'default', a.object.metadata.name),
      serviceId(c.object.metadata.namespace ?? 'default', c.object.metadata.name),
    ),
  );
  const selected = new Map<string, WorkloadRecord[]>();
  for (const s of services) {
    const ns = s.object.metadata.namespace ?? 'default';
    const sel = s.object.spec?.selector;
    selected.set(
      serviceId(ns, s.object.metadata.name),
      (byNamespace.get(ns) ?? []).filter((w) => serviceSelects(sel, w.labels)),
    );
  }

  // Webhook and aggregated API backends get their roles before workload components are created.
  const extraRoles = new Map<string, Set<WorkloadRole>>();
  const markService = (ref: ServiceRef, role: WorkloadRole): void => {
    for (const w of selected.get(serviceId(ref.namespace, ref.name)) ?? []) {
      const set = extraRoles.get(w.id) ?? new Set<WorkloadRole>();
      set.add(role);
      extraRoles.set(w.id, set);
    }
  };
  const webhookConfigs = [
    ...inv.ofKind('ValidatingWebhookConfiguration').map((c) => ({
      item: c,
      hooks: c.object.webhooks ?? [],
    })),
    ...inv.ofKind('MutatingWebhookConfiguration').map((c) => ({
      item: c,
      hooks: c.object.webhooks ?? [],
    })),
  ];
  for (const c of webhookConfigs)
    for (const h of c.hooks)
      if (h.clientConfig.service)
        markService(
          { namespace: h.clientConfig.service.namespace, name: h.clientConfig.service.name },
          'admission-webhook',
        );
  for (const a of inv.ofKind('APIService')) {
    const svc = a.object.spec?.service;
    if (svc?.namespace !== undefined && svc.name !== undefined)
      markService({ namespace: svc.namespace, name: svc.name }, 'aggregated-api');
  }

  const saAutomount = new Map<string, boolean | undefined>();
  for (const sa of inv.ofKind('ServiceAccount'))
    saAutomount.set(
      `${sa.object.metadata.namespace ?? ''}/${sa.object.metadata.name}`,
      sa.object.automountServiceAccountToken,
    );

  for (const w of workloads) {
    const roles = [...new Set([...baseRoles(w), ...(extraRoles.get(w.id) ?? [])])].sort();
    const plugin = networkPluginOf(w);
    const containerPorts: { port: number; protocol: string; name: string }[] = [];
    for (const c of w.spec?.containers ?? [])
      for (const p of c.ports ?? [])
        containerPorts.push({
          port: p.containerPort,
          protocol: (p.protocol ?? 'TCP').toLowerCase(),
          name: p.name ?? '',
        });
    b.addComponent({
      id: w.id,
      name: `${w.namespace}/${w.name}`,
      kind: {
        type: 'workload',
        owner: w.owner,
        namespace: w.namespace,
        name: w.name,
        pods: w.pods.length,
        roles,
        serviceAccount: w.spec?.serviceAccountName ?? 'default',
        ...(plugin === undefined ? {} : { plugin }),
      },
      // Network plugin agents program the node's network: they belong to the Worker zone, as kube-proxy does.
      zone: plugin !== undefined ? 'worker' : namespaceZone(w.namespace),
      nodes: [...w.nodes].sort(),
      refs: [w.ref],
      listens: containerPorts
        .sort((a, c) => a.port - c.port || byCodeUnit(a.protocol, c.protocol))
        .map((p) => ({
          port: p.port,
          protocol: p.protocol,
          tls: 'unknown',
          authn: 'unknown',
          open: 'yes',
          purpose: p.name === '' ? 'container port' : `container port ${p.name}`,
          evidence: [ev('port', [workloadEvidence(w, 'containers[].ports')])],
        })),
    });
  }

  // Services and the workloads they select.
  for (const s of services) {
    const ns = s.object.metadata.namespace ?? 'default';
    const id = serviceId(ns, s.object.metadata.name);
    const type = s.object.spec?.type ?? 'ClusterIP';
    const ports = s.object.spec?.ports ?? [];
    b.addComponent({
      id,
      name: `${ns}/${s.object.metadata.name}`,
      kind: { type: 'service', namespace: ns, name: s.object.metadata.name, serviceType: type },
      zone: namespaceZone(ns),
      nodes: [],
      refs: [{ kind: 'Service', namespace: ns, name: s.object.metadata.name }],
      listens: ports.map((p, i) => ({
        port: p.port,
        protocol: (p.protocol ?? 'TCP').toLowerCase(),
        tls: 'unknown',
        authn: 'unknown',
        open: 'yes',
        purpose: p.name ? `service port ${p.name}` : 'service port',
        evidence: [ev('port', [sourceEvidence(s, `spec.ports[${i}].port`, String(p.port))])],
      })),
    });
    for (const w of selected.get(id) ?? []) {
      ports.forEach((p, i) => {
        const target = resolveTargetPort(w, p.targetPort, p.port);
        b.addFlow({
          from: id,
          to: w.id,
          protocol: (p.protocol ?? 'TCP').toLowerCase(),
          ...(target === undefined ? {} : { port: target }),
          tls: 'unknown',
          authn: 'unknown',
          purpose: 'service traffic to its pods',
          evidence: [
            ev('flow', [sourceEvidence(s, 'spec.selector')], 'the selector matches the pod template labels'),
            ev('port', [sourceEvidence(s, `spec.ports[${i}].targetPort`)]),
            ev('tls', [], 'application protocol: TLS is not visible in the configuration'),
          ],
        });
      });
    }
    if (type === 'ExternalName' && s.object.spec?.externalName) {
      const ext = `external:address:${s.object.spec.externalName}`;
      b.addComponent({
        id: ext,
        name: s.object.spec.externalName,
        kind: { type: 'external', actor: 'external-address', address: s.object.spec.externalName },
        zone: 'internet',
        nodes: [],
        refs: [],
        listens: [],
      });
      b.addFlow({
        from: id,
        to: ext,
        protocol: 'dns-cname',
        tls: 'unknown',
        authn: 'unknown',
        purpose: 'ExternalName alias',
        evidence: [ev('flow', [sourceEvidence(s, 'spec.externalName', s.object.spec.externalName)])],
      });
    }
    if (type === 'LoadBalancer' || type === 'NodePort') {
      addInternet(b);
      const ranges = s.object.spec?.loadBalancerSourceRanges ?? [];
      ports.forEach((p, i) => {
        const port = type === 'NodePort' ? p.nodePort : p.port;
        b.addFlow({
          from: INTERNET,
          to: id,
          protocol: (p.protocol ?? 'TCP').toLowerCase(),
          ...(port === undefined ? {} : { port }),
          tls: 'unknown',
          authn: 'unknown',
          purpose: type === 'LoadBalancer' ? 'exposed through a load balancer' : 'exposed on every node port',
          evidence: [
            ev(
              'flow',
              [sourceEvidence(s, 'spec.type', type)],
              ranges.length > 0
                ? `restricted to ${ranges.join(', ')}`
                : type === 'NodePort'
                  ? 'reachable wherever node addresses are'
                  : undefined,
            ),
            ev('port', [sourceEvidence(s, `spec.ports[${i}].${type === 'NodePort' ? 'nodePort' : 'port'}`)]),
          ],
        });
      });
    }
  }

  // hostPorts: the node's address forwards straight to the pod.
  for (const w of workloads) {
    (w.spec?.containers ?? []).forEach((c, ci) => {
      (c.ports ?? []).forEach((p, pi) => {
        if (p.hostPort === undefined || p.hostPort === 0) return;
        addInternet(b);
        b.addFlow({
          from: INTERNET,
          to: w.id,
          protocol: (p.protocol ?? 'TCP').toLowerCase(),
          port: p.hostPort,
          tls: 'unknown',
          authn: 'unknown',
          purpose: 'hostPort on the node address',
          evidence: [
            ev(
              'flow',
              [workloadEvidence(w, `containers[${ci}].ports[${pi}].hostPort`, String(p.hostPort))],
              'reachable wherever node addresses are',
            ),
          ],
        });
      });
    });
  }

  addApplicationFlows(b, inv, workloads, serviceId, (id) => selected.get(id) ?? []);
  addPolicyIntentFlows(b, inv, workloads);
  addMeshFlows(b, inv, workloads, serviceId, (id) => selected.get(id) ?? []);
  addIngresses(b, inv);
  addGateways(b, inv);
  addWebhooks(b, inv, webhookConfigs);
  addAggregatedApis(b, inv);
  addPodFlows(b, inv, workloads, saAutomount, cloud);
}

function ensureService(b: ModelBuilder, namespace: string, name: string): string {
  const id = serviceId(namespace, name);
  b.addComponent({
    id,
    name: `${namespace}/${name}`,
    kind: { type: 'service', namespace, name, serviceType: 'unknown' },
    zone: namespaceZone(namespace),
    nodes: [],
    refs: [{ kind: 'Service', namespace, name }],
    listens: [],
  });
  return id;
}

function addIngresses(b: ModelBuilder, inv: Inventory): void {
  for (const ing of inv.ofKind('Ingress')) {
    const ns = ing.object.metadata.namespace ?? 'default';
    const id = `ingress:${ns}/${ing.object.metadata.name}`;
    const tls = ing.object.spec?.tls ?? [];
    addInternet(b);
    b.addComponent({
      id,
      name: `${ns}/${ing.object.metadata.name}`,
      kind: { type: 'ingress', namespace: ns, name: ing.object.metadata.name },
      zone: namespaceZone(ns),
      nodes: [],
      refs: [{ kind: 'Ingress', namespace: ns, name: ing.object.metadata.name }],
      listens: [],
    });
    // With spec.tls the controller serves HTTPS (and usually redirects port 80); without it, plain HTTP only.
    b.addFlow(
      tls.length > 0
        ? {
            from: INTERNET,
            to: id,
            protocol: 'https',
            port: 443,
            tls: 'verified',
            authn: 'unknown',
            purpose: 'HTTPS ingress',
            evidence: [
              ev(
                'tls',
                [sourceEvidence(ing, 'spec.tls')],
                'served with the certificate in spec.tls; clients verify it',
              ),
            ],
          }
        : {
            from: INTERNET,
            to: id,
            protocol: 'http',
            port: 80,
            tls: 'none',
            authn: 'unknown',
            purpose: 'HTTP ingress',
            evidence: [ev('tls', [sourceEvidence(ing, 'spec.tls')], 'no spec.tls: plain HTTP')],
          },
    );
    const backends: { backend: k8s.V1IngressBackend; path: string }[] = [];
    if (ing.object.spec?.defaultBackend)
      backends.push({ backend: ing.object.spec.defaultBackend, path: 'spec.defaultBackend' });
    (ing.object.spec?.rules ?? []).forEach((r, ri) => {
      (r.http?.paths ?? []).forEach((p, pi) =>
        backends.push({ backend: p.backend, path: `spec.rules[${ri}].http.paths[${pi}].backend` }),
      );
    });
    for (const { backend, path } of backends) {
      if (backend.service === undefined) continue;
      const target = ensureService(b, ns, backend.service.name);
      const portName = backend.service.port?.name;
      // A named backend port is the Service's port of that name.
      const port =
        backend.service.port?.number ??
        (portName === undefined
          ? undefined
          : inv.get('Service', ns, backend.service.name)?.object.spec?.ports?.find((p) => p.name === portName)
              ?.port);
      b.addFlow({
        from: id,
        to: target,
        protocol: 'http',
        ...(port === undefined ? {} : { port }),
        tls: 'unknown',
        authn: 'unknown',
        purpose: 'ingress backend',
        evidence: [
          ev('flow', [sourceEvidence(ing, path)]),
          ev('tls', [], 'controller to backend: TLS depends on controller annotations (backend-protocol)'),
        ],
      });
    }
  }
}

/** Gateway API objects are not in the typed KindMap: read them through narrow guards. */
function addGateways(b: ModelBuilder, inv: Inventory): void {
  for (const gw of inv.ofKind('Gateway')) {
    const o: KubeObject = gw.object;
    const ns = o.metadata.namespace ?? 'default';
    const id = `gateway:${ns}/${o.metadata.name}`;
    addInternet(b);
    const spec = isRecord(o.spec) ? o.spec : {};
    const listeners = arrayOf(spec.listeners);
    b.addComponent({
      id,
      name: `${ns}/${o.metadata.name}`,
      kind: { type: 'gateway', namespace: ns, name: o.metadata.name },
      zone: namespaceZone(ns),
      nodes: [],
      refs: [{ kind: 'Gateway', namespace: ns, name: o.metadata.name }],
      listens: [],
    });
    listeners.forEach((l, i) => {
      const protocol = (str(l.protocol) ?? 'HTTP').toLowerCase();
      const port = num(l.port);
      const tls: TlsState =
        protocol === 'https' || protocol === 'tls' ? 'verified' : protocol === 'http' ? 'none' : 'unknown';
      b.addFlow({
        from: INTERNET,
        to: id,
        protocol,
        ...(port === undefined ? {} : { port }),
        tls,
        authn: 'unknown',
        purpose: `gateway listener ${str(l.name) ?? i}`,
        evidence: [ev('tls', [sourceEvidence(gw, `spec.listeners[${i}].protocol`, str(l.protocol) ?? '')])],
      });
    });
  }
  for (const route of [
    ...inv.ofKind('HTTPRoute'),
    ...inv.ofKind('GRPCRoute'),
    ...inv.ofKind('TLSRoute'),
    ...inv.ofKind('TCPRoute'),
  ]) {
    const o: KubeObject = route.object;
    const ns = o.metadata.namespace ?? 'default';
    const spec = isRecord(o.spec) ? o.spec : {};
    const parents = arrayOf(spec.parentRefs).filter((p) => (str(p.kind) ?? 'Gateway') === 'Gateway');
    arrayOf(spec.rules).forEach((r, ri) => {
      arrayOf(r.backendRefs).forEach((be, bi) => {
        if ((str(be.kind) ?? 'Service') !== 'Service') return;
        const name = str(be.name);
        if (name === undefined) return;
        const target = ensureService(b, str(be.namespace) ?? ns, name);
        const port = num(be.port);
        for (const p of parents) {
          const gwName = str(p.name);
          if (gwName === undefined) continue;
          const gwId = `gateway:${str(p.namespace) ?? ns}/${gwName}`;
          b.addFlow({
            from: gwId,
            to: target,
            protocol: o.kind === 'GRPCRoute' ? 'grpc' : o.kind === 'HTTPRoute' ? 'http' : 'tcp',
            ...(port === undefined ? {} : { port }),
            tls: 'unknown',
            authn: 'unknown',
            purpose: `${o.kind} ${ns}/${o.metadata.name}`,
            evidence: [ev('flow', [sourceEvidence(route, `spec.rules[${ri}].backendRefs[${bi}]`)])],
          });
        }
      });
    });
  }
}

function addWebhooks(
  b: ModelBuilder,
  inv: Inventory,
  configs: readonly {
    item: { readonly object: KubeObject; readonly source: Source };
    hooks: readonly (k8s.V1ValidatingWebhook | k8s.V1MutatingWebhook)[];
  }[],
): void {
  // Credentials the API server presents to webhooks come from --admission-control-config-file kubeconfigs.
  const apiS = settingsFor(inv, 'kube-apiserver');
  const acc = lookupSetting(apiS, 'kube-apiserver', 'admission-control-config-file');
  for (const { item, hooks } of configs) {
    hooks.forEach((h, i) => {
      const base = `webhooks[${i}].clientConfig`;
      const cc = h.clientConfig;
      let to: string;
      let port: number | undefined;
      if (cc.service) {
        to = ensureService(b, cc.service.namespace, cc.service.name);
        port = cc.service.port ?? 443;
      } else if (cc.url) {
        to = `external:address:${cc.url}`;
        let host = cc.url;
        try {
          const u = new URL(cc.url);
          host = u.host;
          port = u.port === '' ? 443 : Number(u.port);
        } catch (err) {
          // new URL throws a TypeError for a URL it cannot parse; the host stays the raw text.
          if (!(err instanceof TypeError)) throw err;
          port = undefined;
        }
        b.addComponent({
          id: to,
          name: host,
          kind: { type: 'external', actor: 'webhook-backend', address: cc.url },
          zone: 'internet',
          nodes: [],
          refs: [],
          listens: [],
        });
      } else return;
      const caBundle = cc.caBundle !== undefined && cc.caBundle !== '';
      const failurePolicy = h.failurePolicy ?? 'Fail';
      const timeoutSeconds = h.timeoutSeconds ?? 10;
      b.addFlow({
        from: APISERVER,
        to,
        protocol: 'https',
        ...(port === undefined ? {} : { port }),
        // The API server always verifies webhook certificates: against caBundle, else the system roots.
        tls: 'verified',
        authn: !acc.known ? 'unknown' : isTruthySetting(acc) ? 'unknown' : 'none',
        purpose: `admission webhook ${h.name}`,
        webhook: {
          configuration: { kind: item.object.kind, name: item.object.metadata.name },
          webhook: h.name,
          target: cc.service ? 'service' : 'url',
          caBundle,
          failurePolicy,
          timeoutSeconds,
        },
        evidence: [
          ev('flow', [sourceEvidence(item, cc.service ? `${base}.service` : `${base}.url`)]),
          ev(
            'tls',
            [sourceEvidence(item, `${base}.caBundle`)],
            caBundle
              ? 'verified against caBundle'
              : 'no caBundle: verified against the API server’s system roots',
          ),
          ev(
            'authn',
            acc.evidence,
            acc.known
              ? isTruthySetting(acc)
                ? `${acc.note}: credentials may be set there (not read)`
                : 'no admission kubeconfig: the API server presents no credentials'
              : acc.note,
          ),
        ],
      });
    });
  }
}

function addAggregatedApis(b: ModelBuilder, inv: Inventory): void {
  const apiS = settingsFor(inv, 'kube-apiserver');
  const proxyCert = lookupSetting(apiS, 'kube-apiserver', 'proxy-client-cert-file');
  for (const a of inv.ofKind('APIService')) {
    const svc = a.object.spec?.service;
    if (svc?.namespace === undefined || svc.name === undefined) continue;
    const to = ensureService(b, svc.namespace, svc.name);
    const skip = a.object.spec?.insecureSkipTLSVerify === true;
    const caBundle = (a.object.spec?.caBundle ?? '') !== '';
    b.addFlow({
      from: APISERVER,
      to,
      protocol: 'https',
      port: svc.port ?? 443,
      tls: skip ? 'unverified' : caBundle ? 'verified' : 'unknown',
      // The aggregator authenticates to extension servers with the front-proxy client certificate.
      authn: !proxyCert.known ? 'unknown' : isTruthySetting(proxyCert) ? 'certificate' : 'none',
      purpose: `aggregated API ${a.object.metadata.name}`,
      evidence: [
        ev('flow', [sourceEvidence(a, 'spec.service')]),
        ev(
          'tls',
          [
            sourceEvidence(
              a,
              skip ? 'spec.insecureSkipTLSVerify' : 'spec.caBundle',
              skip ? 'true' : undefined,
            ),
          ],
          skip
            ? 'insecureSkipTLSVerify: the serving certificate is not checked'
            : caBundle
              ? 'verified against caBundle'
              : 'no caBundle',
        ),
        ev('authn', proxyCert.evidence, proxyCert.note),
      ],
    });
  }
}

function addPodFlows(
  b: ModelBuilder,
  inv: Inventory,
  workloads: readonly WorkloadRecord[],
  saAutomount: ReadonlyMap<string, boolean | undefined>,
  cloud: string | undefined,
): void {
  const dns = workloads.find(
    (w) => b.components.get(w.id)?.kind.type === 'workload' && baseRoles(w).includes('cluster-dns'),
  );
  const dnsTarget =
    dns?.id ??
    (b.has(serviceId('kube-system', 'kube-dns')) ? serviceId('kube-system', 'kube-dns') : undefined);
  if (dnsTarget === undefined) b.note('no cluster DNS (CoreDNS) found: pods → cluster DNS flows not drawn');
  if (cloud !== undefined) {
    b.addComponent({
      id: METADATA,
      name: `cloud metadata ${METADATA_IP}`,
      kind: { type: 'external', actor: 'cloud-metadata', address: METADATA_IP },
      zone: 'internet',
      nodes: [],
      refs: [],
      listens: [
        {
          port: 80,
          protocol: 'http',
          tls: 'none',
          authn: 'none',
          open: 'yes',
          purpose: 'instance metadata and credentials',
          evidence: [],
        },
      ],
    });
  } else {
    b.note(
      'no cloud provider detected (cluster provider or nodes’ providerID): pods → cloud metadata flows not drawn',
    );
  }
  const policiesByNs = new Map<string, InventoryItem<k8s.V1NetworkPolicy>[]>();
  for (const p of inv.ofKind('NetworkPolicy')) {
    const ns = p.object.metadata.namespace ?? 'default';
    const list = policiesByNs.get(ns) ?? [];
    list.push(p);
    policiesByNs.set(ns, list);
  }
  for (const w of workloads) {
    if (!b.has(w.id) || w.spec === undefined) continue;
    const sa = w.spec.serviceAccountName ?? 'default';
    const saKey = `${w.namespace}/${sa}`;
    const podSetting = w.spec.automountServiceAccountToken;
    const saSetting = saAutomount.get(saKey);
    const projected = (w.spec.volumes ?? []).some((v) =>
      (v.projected?.sources ?? []).some((s) => s.serviceAccountToken !== undefined),
    );
    // automountServiceAccountToken defaults to true; the pod's field overrides the ServiceAccount's.
    const mounted = projected || (podSetting ?? saSetting ?? true);
    if (mounted) {
      const identity = `system:serviceaccount:${w.namespace}:${sa}`;
      b.addFlow({
        from: w.id,
        to: APISERVER,
        protocol: 'https',
        port: 443,
        tls: 'verified',
        authn: 'token',
        identity,
        purpose: 'in-cluster API access with the mounted service account token',
        evidence: [
          ev(
            'flow',
            [
              workloadEvidence(
                w,
                'automountServiceAccountToken',
                podSetting === undefined ? undefined : String(podSetting),
              ),
              ...(saSetting === undefined
                ? []
                : [
                    {
                      ref: { kind: 'ServiceAccount', namespace: w.namespace, name: sa },
                      path: 'automountServiceAccountToken',
                      value: String(saSetting),
                    },
                  ]),
            ],
            podSetting === undefined && saSetting === undefined
              ? 'token mounted by default'
              : projected
                ? 'projected service account token volume'
                : undefined,
          ),
          ev('tls', [], 'in-cluster clients verify the API server with the mounted ca.crt'),
          ev('identity', [workloadEvidence(w, 'serviceAccountName', sa)]),
        ],
      });
    }
    const dnsPolicy = w.spec.dnsPolicy ?? 'ClusterFirst';
    const hostNet = w.spec.hostNetwork === true;
    // ClusterFirst on the host network falls back to the node's resolver; ClusterFirstWithHostNet keeps cluster DNS.
    const usesClusterDns =
      dnsPolicy === 'ClusterFirstWithHostNet' || (dnsPolicy === 'ClusterFirst' && !hostNet);
    if (dnsTarget !== undefined && usesClusterDns && dnsTarget !== w.id) {
      b.addFlow({
        from: w.id,
        to: dnsTarget,
        protocol: 'dns',
        port: 53,
        tls: 'none',
        authn: 'none',
        purpose: 'name resolution',
        evidence: [
          ev(
            'flow',
            [workloadEvidence(w, 'dnsPolicy', dnsPolicy)],
            w.spec.dnsPolicy === undefined ? 'dnsPolicy defaults to ClusterFirst' : undefined,
          ),
        ],
      });
    }
    if (cloud !== undefined) {
      // hostNetwork pods are not subject to NetworkPolicy.
      const verdict = hostNet
        ? {
            verdict: 'allowed' as const,
            evidence: [workloadEvidence(w, 'hostNetwork', 'true')],
            note: 'host network: NetworkPolicy does not apply',
          }
        : egressVerdict(policiesByNs.get(w.namespace) ?? [], w.labels, METADATA_IP, 80);
      b.addFlow({
        from: w.id,
        to: METADATA,
        protocol: 'http',
        port: 80,
        tls: 'none',
        authn: 'none',
        policy: verdict.verdict,
        purpose: 'instance metadata (node credentials)',
        evidence: [
          ev('policy', verdict.evidence, verdict.note),
          ev('authn', [], 'IMDS answers without credentials (IMDSv2 asks only for a session token)'),
        ],
      });
    }
  }
}
