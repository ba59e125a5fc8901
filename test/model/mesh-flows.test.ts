// Service-mesh data flow: Istio and Linkerd resources as flow sources, mesh mTLS on flows, and the cascade along them.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/collect/load.js';
import { Inventory, type KubeObject } from '../../src/collect/inventory.js';
import { inventoryKind, resourceTypeOfKind } from '../../src/collect/resource-types.js';
import { deriveModel } from '../../src/model/index.js';
import type { Flow, Model } from '../../src/model/types.js';
import { computeCascade } from '../../src/analysis/cascade.js';
import { renderDataflowDot } from '../../src/report/diagrams/dot.js';
import { renderDataflowMermaid } from '../../src/report/diagrams/mermaid.js';
import { dotToSvg } from '../../src/report/diagrams/svg.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/model');
const ISTIO = path.join(FIXTURES, 'mesh-istio.yaml');
const LINKERD = path.join(FIXTURES, 'mesh-linkerd.yaml');

const calls = (m: Model): string[] =>
  m.flows
    .filter((f) => f.dependency !== undefined)
    .map(
      (f) =>
        `${f.from} -> ${f.to} ${f.protocol}/${f.port ?? '?'} ${f.dependency!.inferredFrom}${(f.dependency!.alsoFrom ?? []).map((x) => `+${x}`).join('')}`,
    )
    .sort();

const flow = (m: Model, from: string, to: string): Flow => {
  const f = m.flows.find((x) => x.from === from && x.to === to && x.dependency !== undefined);
  if (f === undefined) throw new Error(`no flow ${from} -> ${to}`);
  return f;
};

/** The inventory with some objects changed or dropped (`edit` returns undefined to drop). */
function edited(inv: Inventory, edit: (o: KubeObject) => KubeObject | undefined): Inventory {
  return new Inventory({
    cluster: inv.cluster,
    coverage: inv.coverage,
    items: inv.items.flatMap((i) => {
      const object = edit(i.object);
      return object === undefined ? [] : [{ ...i, object }];
    }),
  });
}

const withSpec = (o: KubeObject, spec: Record<string, unknown>): KubeObject => ({ ...o, spec });

describe('service-mesh kinds are recognised', () => {
  it('files Istio and Linkerd kinds that share a name with another API under their own kind', () => {
    expect(inventoryKind('networking.istio.io/v1', 'Gateway')).toBe('IstioGateway');
    expect(inventoryKind('gateway.networking.k8s.io/v1', 'Gateway')).toBe('Gateway');
    expect(inventoryKind('security.istio.io/v1', 'AuthorizationPolicy')).toBe('IstioAuthorizationPolicy');
    expect(inventoryKind('policy.linkerd.io/v1alpha1', 'AuthorizationPolicy')).toBe(
      'LinkerdAuthorizationPolicy',
    );
    expect(inventoryKind('policy.linkerd.io/v1beta3', 'HTTPRoute')).toBe('LinkerdHTTPRoute');
    expect(inventoryKind('gateway.networking.k8s.io/v1', 'HTTPRoute')).toBe('HTTPRoute');
    for (const kind of [
      'VirtualService',
      'DestinationRule',
      'ServiceEntry',
      'PeerAuthentication',
      'ServiceProfile',
    ])
      expect(resourceTypeOfKind(kind)?.optional, kind).toBe(true);
  });

  it('reports the mesh kinds of a manifest folder as read', async () => {
    const inv = await loadInventory({ kind: 'paths', paths: [ISTIO] });
    const state = (kind: string) => inv.coverage.resources.find((r) => r.kind === kind);
    expect(state('VirtualService')).toMatchObject({ state: 'read', count: 3 });
    expect(state('IstioGateway')).toMatchObject({ state: 'read', count: 1 });
    expect(state('Gateway')).toMatchObject({ state: 'not-collected', count: 0 });
  });
});

describe('Istio', () => {
  let inv: Inventory;
  let model: Model;
  beforeAll(async () => {
    inv = await loadInventory({ kind: 'paths', paths: [ISTIO] });
    model = deriveModel(inv);
  });

  it('draws VirtualService routes, ServiceEntry egress and AuthorizationPolicy intent, each with how it was inferred', () => {
    expect(calls(model)).toEqual([
      'mesh:istio -> external:address:cards.example.net tls/443 istio-serviceentry',
      'mesh:istio -> service:shop/payments tcp/9090 istio-virtualservice',
      'workload:istio-system/Deployment/istio-ingressgateway -> service:shop/web http/80 istio-virtualservice',
      'workload:shop/Deployment/orders -> workload:shop/Deployment/payments tcp/9090 istio-authorization-policy',
      'workload:shop/Deployment/web -> service:shop/orders http/8080 env+istio-virtualservice',
    ]);
  });

  it('a route bound to a Gateway comes from the gateway proxy, with the VirtualService file:line as evidence', () => {
    const f = flow(model, 'workload:istio-system/Deployment/istio-ingressgateway', 'service:shop/web');
    expect(f.evidence[0]!.evidence[0]).toMatchObject({
      ref: { kind: 'VirtualService', namespace: 'shop', name: 'storefront' },
      path: 'spec.http[0].route[0].destination',
      source: { file: ISTIO, line: 143 },
    });
    expect(f.evidence[0]!.note).toContain('the caller is the proxy of Gateway istio-system/public');
    const https = model.flows.find(
      (x) => x.from === 'external:internet' && x.to === f.from && x.port === 443,
    )!;
    expect([https.protocol, https.tls]).toEqual(['https', 'verified']);
  });

  it('a route bound to the mesh with no known caller is drawn from any sidecar, and says so', () => {
    const f = flow(model, 'mesh:istio', 'service:shop/payments');
    expect(f.evidence[0]!.note).toContain('no caller of them is known');
    expect(model.components.find((c) => c.id === 'mesh:istio')?.kind).toEqual({
      type: 'mesh',
      mesh: 'istio',
    });
  });

  it('a call found in env vars and in a VirtualService is one flow carrying both, with the subset’s DestinationRule', () => {
    const f = flow(model, 'workload:shop/Deployment/web', 'service:shop/orders');
    const refs = f.evidence
      .filter((e) => e.attribute === 'flow')
      .flatMap((e) => e.evidence.map((x) => `${x.ref.kind}/${x.ref.name} ${x.path ?? ''}`));
    expect(refs).toEqual([
      'Deployment/web spec.template.spec.containers[0].env[0].value',
      'VirtualService/orders spec.http[0].route[0].destination',
      'DestinationRule/orders spec.subsets[0]',
    ]);
    expect(
      model.flows.filter((x) => x.from === 'workload:shop/Deployment/web' && x.to === 'service:shop/orders'),
    ).toHaveLength(1);
  });

  it('PeerAuthentication STRICT gives mutual TLS and certificate authentication; PERMISSIVE also accepts plaintext', () => {
    const strict = flow(model, 'workload:shop/Deployment/web', 'service:shop/orders');
    expect([strict.tls, strict.authn, strict.authnModes]).toEqual(['mutual', 'certificate', undefined]);
    expect(strict.evidence.find((e) => e.attribute === 'authn')!.evidence[0]).toMatchObject({
      ref: { kind: 'PeerAuthentication', name: 'default' },
      path: 'spec.mtls.mode',
      value: 'STRICT',
    });

    const permissive = deriveModel(
      edited(inv, (o) =>
        o.kind === 'PeerAuthentication' ? withSpec(o, { mtls: { mode: 'PERMISSIVE' } }) : o,
      ),
    );
    const p = flow(permissive, 'workload:shop/Deployment/web', 'service:shop/orders');
    expect([p.tls, p.authn, p.authnModes]).toEqual(['mutual', 'none', ['certificate', 'none']]);

    // No PeerAuthentication: Istio's default is PERMISSIVE, and the note says it is the default.
    const none = deriveModel(edited(inv, (o) => (o.kind === 'PeerAuthentication' ? undefined : o)));
    const n = flow(none, 'workload:shop/Deployment/web', 'service:shop/orders');
    expect([n.tls, n.authn]).toEqual(['mutual', 'none']);
    expect(n.evidence.find((e) => e.attribute === 'authn')!.note).toContain('default PERMISSIVE');
  });

  it('a workload-level PeerAuthentication overrides the namespace one, and a DISABLE DestinationRule sends plaintext', () => {
    const workloadPermissive = deriveModel(
      new Inventory({
        cluster: inv.cluster,
        coverage: inv.coverage,
        items: [
          ...inv.items,
          {
            object: {
              apiVersion: 'security.istio.io/v1',
              kind: 'PeerAuthentication',
              metadata: { name: 'orders-permissive', namespace: 'shop' },
              spec: { selector: { matchLabels: { app: 'orders' } }, mtls: { mode: 'PERMISSIVE' } },
            },
            source: { file: 'extra.yaml', line: 1 },
          },
        ],
      }),
    );
    expect(flow(workloadPermissive, 'workload:shop/Deployment/web', 'service:shop/orders').authn).toBe(
      'none',
    );
    expect(flow(workloadPermissive, 'mesh:istio', 'service:shop/payments').authn).toBe('certificate');

    const disabled = deriveModel(
      edited(inv, (o) =>
        o.kind === 'DestinationRule'
          ? withSpec(o, {
              host: 'orders',
              trafficPolicy: { tls: { mode: 'DISABLE' } },
              subsets: [{ name: 'v1' }],
            })
          : o,
      ),
    );
    const d = flow(disabled, 'workload:shop/Deployment/web', 'service:shop/orders');
    expect([d.tls, d.authn]).toEqual(['none', 'none']);
    expect(d.evidence.find((e) => e.attribute === 'tls')!.note).toContain('the STRICT receiver refuses it');
  });

  it('zone controls count mesh mTLS: the gateway proxy’s flow into namespace shop is mutual TLS with certificates', () => {
    const boundary = (m: Model) =>
      m.zones
        .find((z) => z.id === 'namespace:shop')!
        .boundaryFlows.find((b) =>
          b.flow.startsWith('workload:istio-system/Deployment/istio-ingressgateway->'),
        )!;
    expect(boundary(model)).toMatchObject({
      direction: 'inbound',
      controls: ['tls:mutual', 'authn:certificate'],
    });
    const permissive = deriveModel(
      edited(inv, (o) =>
        o.kind === 'PeerAuthentication' ? withSpec(o, { mtls: { mode: 'PERMISSIVE' } }) : o,
      ),
    );
    expect(boundary(permissive).controls).toEqual(['tls:mutual', 'authn:none']);
  });

  it('a caller without a sidecar keeps unknown TLS, with a note that STRICT refuses its plaintext', () => {
    const unmeshed = deriveModel(
      edited(inv, (o) =>
        o.kind === 'Deployment' && o.metadata.name === 'web'
          ? {
              ...o,
              spec: {
                ...(o['spec'] as Record<string, unknown>),
                template: {
                  ...(o['spec'] as { template: Record<string, unknown> }).template,
                  metadata: { labels: { app: 'web', 'sidecar.istio.io/inject': 'false' } },
                },
              },
            }
          : o,
      ),
    );
    const f = flow(unmeshed, 'workload:shop/Deployment/web', 'service:shop/orders');
    expect([f.tls, f.authn]).toEqual(['none', 'unknown']);
    expect(f.evidence.find((e) => e.attribute === 'authn')!.note).toContain('STRICT');
  });

  it('pods opt in with sidecar.istio.io/inject=true, but not in a namespace labelled istio-injection=disabled', () => {
    const optIn = (nsInjection: string) =>
      deriveModel(
        edited(inv, (o) => {
          if (o.kind === 'Namespace' && o.metadata.name === 'shop')
            return { ...o, metadata: { ...o.metadata, labels: { 'istio-injection': nsInjection } } };
          if (o.kind === 'Deployment' && (o.metadata.name === 'web' || o.metadata.name === 'orders')) {
            const spec = o['spec'] as { template: { metadata: { labels: Record<string, string> } } };
            const labels = { ...spec.template.metadata.labels, 'sidecar.istio.io/inject': 'true' };
            return { ...o, spec: { ...spec, template: { ...spec.template, metadata: { labels } } } };
          }
          return o;
        }),
      );
    const call = (m: Model) => flow(m, 'workload:shop/Deployment/web', 'service:shop/orders');
    const optedIn = call(optIn('unset'));
    expect(optedIn.tls).toBe('mutual');
    expect(optedIn.evidence.find((e) => e.attribute === 'tls')!.evidence[0]).toMatchObject({
      ref: { kind: 'Deployment', name: 'orders' },
      path: 'spec.template.metadata.labels["sidecar.istio.io/inject"]',
      value: 'true',
    });
    // In a namespace that disables injection neither end has a sidecar: the env URL's plain http stays.
    expect(call(optIn('disabled')).tls).toBe('none');
  });

  it('what-if follows mesh flows: a stopped web fails its Service and degrades the gateway proxy routing to it', () => {
    const r = computeCascade(model, inv, 'workload:shop/Deployment/web');
    expect(r.fails.map((f) => f.component)).toEqual(['service:shop/web']);
    const gw = r.degraded.find(
      (d) => d.component === 'workload:istio-system/Deployment/istio-ingressgateway',
    )!;
    expect(gw.reason).toContain('VirtualService shop/storefront');
    const stopPayments = computeCascade(model, inv, 'workload:shop/Deployment/payments');
    expect(stopPayments.degraded.map((d) => d.component).sort()).toEqual([
      'mesh:istio',
      'workload:shop/Deployment/orders',
    ]);
  });

  it('escapes a hostile ServiceEntry host in every diagram format', async () => {
    const hostile = 'evil.example"];x[label=<img src=x onerror=alert(1)>';
    const m = deriveModel(
      edited(inv, (o) =>
        o.kind === 'ServiceEntry'
          ? withSpec(o, { hosts: [hostile], ports: [{ number: 80, protocol: 'HTTP', name: 'http' }] })
          : o,
      ),
    );
    const ext = m.components.find((c) => c.id === `external:address:${hostile}`)!;
    expect(ext.name).toBe(hostile);
    const dot = renderDataflowDot(m, { detail: true });
    const mermaid = renderDataflowMermaid(m, { detail: true });
    // DOT: the quote and angle brackets are escaped inside one quoted label; Mermaid: entity codes only.
    expect(dot).not.toContain(hostile);
    expect(dot).toContain('label="evil.example\\"];x[label=\\<img src=x onerror=alert(1)\\>"');
    expect(mermaid).not.toContain('<img');
    expect(mermaid).not.toContain('"];x');
    const svg = await dotToSvg(dot);
    expect(svg).not.toContain('<img');
    expect(svg).toContain('evil.example&quot;];x[label=&lt;img');
  });
});

describe('Linkerd', () => {
  let inv: Inventory;
  let model: Model;
  beforeAll(async () => {
    inv = await loadInventory({ kind: 'paths', paths: [LINKERD] });
    model = deriveModel(inv);
  });

  it('ServiceProfiles are evidence of the dependency: merged into a known call, else from any proxy', () => {
    expect(calls(model)).toEqual([
      'mesh:linkerd -> service:books/books tcp/7002 linkerd-serviceprofile',
      'workload:books/Deployment/webapp -> service:books/authors http/7001 env+linkerd-serviceprofile',
      'workload:books/Deployment/webapp -> workload:books/Deployment/authors tcp/7001 linkerd-authorization',
    ]);
    const f = flow(model, 'workload:books/Deployment/webapp', 'service:books/authors');
    const profile = f.evidence.find((e) => e.evidence[0]?.ref.kind === 'ServiceProfile')!;
    expect(profile.evidence[0]).toMatchObject({
      ref: { name: 'authors.books.svc.cluster.local' },
      path: 'spec.routes',
      source: { file: LINKERD, line: 94 },
    });
    expect(profile.note).toContain('retried: GET /authors.json; timeouts: GET /authors.json 300ms');
  });

  it('meshed pods talk mTLS; authentication is certificate only when the Server’s authorizations require an identity', () => {
    const f = flow(model, 'workload:books/Deployment/webapp', 'service:books/authors');
    expect([f.tls, f.authn]).toEqual(['mutual', 'certificate']);
    expect(f.evidence.find((e) => e.attribute === 'authn')!.evidence.map((e) => e.ref.kind)).toEqual([
      'Server',
      'LinkerdAuthorizationPolicy',
    ]);
    const open = deriveModel(edited(inv, (o) => (o.kind === 'LinkerdAuthorizationPolicy' ? undefined : o)));
    const g = flow(open, 'workload:books/Deployment/webapp', 'service:books/authors');
    expect([g.tls, g.authn, g.authnModes]).toEqual(['mutual', 'none', ['certificate', 'none']]);
    // The books pods opt out of injection: no mesh TLS is claimed for calls to them.
    expect(flow(model, 'mesh:linkerd', 'service:books/books').tls).toBe('unknown');
  });

  it('what-if: a stopped authors degrades webapp through the mesh-evidenced call', () => {
    const r = computeCascade(model, inv, 'workload:books/Deployment/authors');
    expect(r.fails.map((f) => f.component)).toEqual(['service:books/authors']);
    expect(r.degraded.map((d) => d.component)).toEqual(['workload:books/Deployment/webapp']);
  });
});
