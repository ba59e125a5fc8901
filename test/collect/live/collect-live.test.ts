// collectLive against a local HTTP server that replays recorded, realistic API responses, because no API server can run here.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectLive } from '../../../src/collect/live/collect-live.js';
import { PARTIAL_METADATA_ACCEPT } from '../../../src/collect/live/list-resource.js';
import { RESOURCE_TYPES, resourceId } from '../../../src/collect/resource-types.js';
import { KtmError } from '../../../src/errors.js';
import { DEFAULT_LIMITS } from '../../../src/collect/limits.js';
import type { SourceReadResult } from '../../../src/collect/source.js';
import type { Progress } from '../../../src/collect/source.js';
import { FakeApiServer, fixture, ok, status, writeKubeconfig } from './fake-api-server.js';

const FAST_RETRY = { attempts: 4, baseDelayMs: 20, maxDelayMs: 2000 };
/** Values that occur only inside the fixtures' Secret data, stringData and last-applied annotation. */
const SECRET_VALUES = [
  'aHVudGVyMi1QTEFJTlRFWFQ=',
  'PLAINTEXT-TOKEN-VALUE',
  'LS0tLS1CRUdJTi1QUklWQVRFLUtFWS1QTEFJTlRFWFQ=',
  'hunter2',
];

let api: FakeApiServer;
let kubeconfig: string;

beforeEach(async () => {
  api = await FakeApiServer.start();
  kubeconfig = await writeKubeconfig(api.url);
  api
    .route('/api/v1/pods', (req) => {
      const token = req.query.get('continue');
      if (token === null) return ok('pods-page-1.json');
      const page1 = JSON.parse(fixture('pods-page-1.json')) as { metadata: { continue: string } };
      const page2 = JSON.parse(fixture('pods-page-2.json')) as { metadata: { continue: string } };
      if (token === page1.metadata.continue) return ok('pods-page-2.json');
      if (token === page2.metadata.continue) return ok('pods-page-3.json');
      return status(400, 'status-404.json');
    })
    .route('/api/v1/secrets', () => ok('secrets-partial.json'))
    .route('/api/v1/nodes', () => ok('nodes.json'))
    .route('/api/v1/namespaces', () => ok('namespaces.json'))
    .route('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', () => ok('crds.json'))
    .route('/apis/certificates.k8s.io/v1/certificatesigningrequests', () =>
      status(403, 'status-403-certificatesigningrequests.json'),
    )
    .route('/api/v1/namespaces/kube-system/configmaps/kubeadm-config', () =>
      ok('configmap-kubeadm-config.json'),
    )
    .route('/api/v1/namespaces/kube-system/configmaps/kube-proxy', () => ok('configmap-kube-proxy.json'))
    .route('/api/v1/namespaces/kube-system/configmaps/kubelet-config', () =>
      status(404, 'status-404-configmap.json'),
    );
});

afterEach(async () => {
  await api.close();
});

function coverageOf(result: SourceReadResult, kind: string) {
  return result.coverage.resources.find((r) => r.kind === kind);
}
/** An API group serving one version, as /apis lists it. */
function group(name: string, version: string) {
  return {
    name,
    versions: [{ groupVersion: `${name}/${version}`, version }],
    preferredVersion: { groupVersion: `${name}/${version}`, version },
  };
}

/** Discovery (/apis) lists the recorded groups and these. */
function serveGroups(groups: readonly unknown[]): FakeApiServer {
  const apis = JSON.parse(fixture('apis.json')) as { groups: unknown[] };
  return api.route('/apis', () => ({ status: 200, body: { ...apis, groups: [...apis.groups, ...groups] } }));
}

/** A List answer of one page. */
function list(apiVersion: string, kind: string, items: unknown[]) {
  return {
    status: 200,
    body: { apiVersion, kind: `${kind}List`, metadata: { resourceVersion: '7' }, items },
  };
}
function itemsOf(result: SourceReadResult, kind: string) {
  return result.items.filter((i) => i.object.kind === kind).map((i) => i.object);
}

describe('collectLive', () => {
  it('reads every page with continue tokens, asking for 500 objects a page', async () => {
    const result = await collectLive({ kubeconfig, retry: FAST_RETRY });
    const podRequests = api.requestsTo('/api/v1/pods');
    expect(podRequests).toHaveLength(3);
    expect(podRequests.every((r) => r.query.get('limit') === '500')).toBe(true);
    expect(podRequests[0]!.query.get('continue')).toBeNull();
    expect(podRequests[1]!.query.get('continue')).toBe(
      (JSON.parse(fixture('pods-page-1.json')) as { metadata: { continue: string } }).metadata.continue,
    );
    const pods = itemsOf(result, 'Pod');
    expect(pods.map((p) => p.metadata.name).sort()).toEqual([
      'cart-7d9c5b6f8-4xkzq',
      'cart-7d9c5b6f8-9wlmn',
      'checkout-5c8f7b9d4-2hjkl',
      'web-6b7c8d9e0-abcde',
      'web-6b7c8d9e0-fghij',
    ]);
    expect(coverageOf(result, 'Pod')).toEqual({ resource: 'pods', kind: 'Pod', state: 'read', count: 5 });
    // List items lack apiVersion and kind; ktm sets them. Timestamps stay strings; managedFields are dropped.
    expect(pods[0]!.apiVersion).toBe('v1');
    expect(typeof pods[0]!.metadata.creationTimestamp).toBe('string');
    expect('managedFields' in pods[0]!.metadata).toBe(false);
    // Every request carried the kubeconfig user's token.
    expect(api.requests.every((r) => r.headers.authorization === 'Bearer lab-reader-token')).toBe(true);
  });

  it('gives every resource type exactly one coverage entry and records the server version', async () => {
    const result = await collectLive({ kubeconfig, retry: FAST_RETRY });
    expect(result.coverage.mode).toBe('live');
    expect(result.coverage.resources.map((r) => r.resource)).toEqual(RESOURCE_TYPES.map(resourceId));
    expect(result.cluster).toMatchObject({
      name: 'lab',
      server: api.url,
      serverVersion: { major: '1', minor: '30', gitVersion: 'v1.30.4', platform: 'linux/amd64' },
    });
    expect(result.coverage.facts).toContainEqual({ fact: 'server-version', state: 'read' });
    expect(coverageOf(result, 'Node')).toMatchObject({ state: 'read', count: 3 });
    expect(coverageOf(result, 'NetworkPolicy')).toMatchObject({ state: 'read', count: 0 });
  });

  it('marks a 403 type forbidden with the API message and still reads the others', async () => {
    const result = await collectLive({ kubeconfig, retry: FAST_RETRY });
    const csr = coverageOf(result, 'CertificateSigningRequest')!;
    expect(csr.state).toBe('forbidden');
    expect(csr.reason).toContain('cannot list resource "certificatesigningrequests"');
    expect(itemsOf(result, 'CertificateSigningRequest')).toHaveLength(0);
    const read = result.coverage.resources.filter((r) => r.state === 'read').map((r) => r.kind);
    expect(read).toEqual(
      expect.arrayContaining(['Pod', 'Node', 'Namespace', 'Secret', 'ClusterRole', 'Deployment']),
    );
  });

  it('reports unserved optional APIs as not-served: absent from /apis (never requested) or 404', async () => {
    api.route('/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies', () =>
      status(404, 'status-404.json'),
    );
    const result = await collectLive({ kubeconfig, retry: FAST_RETRY });
    for (const kind of ['Gateway', 'HTTPRoute', 'AdminNetworkPolicy', 'PodSecurityPolicy'])
      expect(coverageOf(result, kind)).toMatchObject({ state: 'not-served', count: 0 });
    expect(coverageOf(result, 'PodSecurityPolicy')!.reason).toBe(
      'policy/v1beta1 not served by this API server',
    );
    expect(api.requests.some((r) => r.path.startsWith('/apis/gateway.networking.k8s.io'))).toBe(false);
    const vap = coverageOf(result, 'ValidatingAdmissionPolicy')!;
    expect(vap.state).toBe('not-served');
    expect(api.requestsTo('/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies')).toHaveLength(
      1,
    );
  });

  it('records a proxy’s HTML 404 for a type discovery lists as a failed gap, not as not-served', async () => {
    api.route('/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies', () => ({
      status: 404,
      body: '<html><body><h1>404 Not Found</h1>nginx</body></html>',
      headers: { 'Content-Type': 'text/html' },
    }));
    const result = await collectLive({ kubeconfig, retry: FAST_RETRY });
    expect(coverageOf(result, 'ValidatingAdmissionPolicy')).toMatchObject({
      state: 'failed',
      count: 0,
      reason:
        "HTTP 404 without a Kubernetes Status (text/html): not the API server's answer; a proxy in the way?",
    });
  });

  it('stops a list whose server repeats the same continue token (a page loop) and marks the type failed', async () => {
    let calls = 0;
    api.route('/api/v1/serviceaccounts', () => {
      calls++;
      return {
        status: 200,
        body: {
          kind: 'ServiceAccountList',
          apiVersion: 'v1',
          metadata: { continue: 'same-token-every-time' },
          items: [{ metadata: { name: `sa-${calls}`, namespace: 'default' } }],
        },
      };
    });
    const result = await collectLive({ kubeconfig, retry: FAST_RETRY });
    expect(calls).toBe(2);
    expect(coverageOf(result, 'ServiceAccount')).toMatchObject({
      state: 'failed',
      reason:
        'the API server repeated a continue token after 2 objects (a page loop); the list is incomplete',
    });
    // The other types are still read.
    expect(coverageOf(result, 'Pod')).toMatchObject({ state: 'read' });
  });

  it("reads Calico's policies from projectcalico.org/v3, drops the CRD view of the same objects, and a forbidden Cilium type is a gap", async () => {
    const policy = (name: string) => ({
      metadata: { name, namespace: 'shop' },
      spec: { selector: "app == 'web'", ingress: [{ action: 'Allow' }] },
    });
    serveGroups([
      group('projectcalico.org', 'v3'),
      group('crd.projectcalico.org', 'v1'),
      group('cilium.io', 'v2'),
    ])
      .route('/apis/projectcalico.org/v3/networkpolicies', () =>
        list('projectcalico.org/v3', 'NetworkPolicy', [policy('allow-web')]),
      )
      .route('/apis/crd.projectcalico.org/v1/networkpolicies', () =>
        list('crd.projectcalico.org/v1', 'NetworkPolicy', [policy('default.allow-web')]),
      )
      .route('/apis/cilium.io/v2/ciliumclusterwidenetworkpolicies', () =>
        list('cilium.io/v2', 'CiliumClusterwideNetworkPolicy', []),
      )
      .route('/apis/cilium.io/v2/ciliumnetworkpolicies', () => ({
        status: 403,
        body: {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          message: 'ciliumnetworkpolicies.cilium.io is forbidden',
          reason: 'Forbidden',
          code: 403,
        },
      }));
    const result = await collectLive({ kubeconfig, retry: FAST_RETRY });
    expect(itemsOf(result, 'CalicoNetworkPolicy').map((o) => `${o.apiVersion} ${o.metadata.name}`)).toEqual([
      'projectcalico.org/v3 allow-web',
    ]);
    // The Kubernetes NetworkPolicy kind stays Kubernetes'.
    expect(itemsOf(result, 'NetworkPolicy').every((o) => o.apiVersion === 'networking.k8s.io/v1')).toBe(true);
    const byId = new Map(result.coverage.resources.map((r) => [r.resource, r]));
    expect(byId.get('networkpolicies.projectcalico.org')).toMatchObject({ state: 'read', count: 1 });
    expect(byId.get('networkpolicies.crd.projectcalico.org')).toMatchObject({
      state: 'not-collected',
      reason: 'read as networkpolicies.projectcalico.org',
    });
    expect(byId.get('ciliumnetworkpolicies.cilium.io')?.state).toBe('forbidden');
    expect(byId.get('ciliumclusterwidenetworkpolicies.cilium.io')).toMatchObject({ state: 'read', count: 0 });
  });

  it("reads Istio types where served (an older version too), files Istio's Gateway as IstioGateway, and absent Linkerd types are not-served", async () => {
    serveGroups([group('networking.istio.io', 'v1beta1'), group('security.istio.io', 'v1')])
      .route('/apis/networking.istio.io/v1beta1/virtualservices', () =>
        list('networking.istio.io/v1beta1', 'VirtualService', [
          { metadata: { name: 'orders', namespace: 'shop' }, spec: { hosts: ['orders'] } },
        ]),
      )
      .route('/apis/networking.istio.io/v1beta1/gateways', () =>
        list('networking.istio.io/v1beta1', 'Gateway', [
          {
            metadata: { name: 'public', namespace: 'istio-system' },
            spec: { selector: { istio: 'ingressgateway' } },
          },
        ]),
      )
      .route('/apis/networking.istio.io/v1beta1/destinationrules', () =>
        list('networking.istio.io/v1beta1', 'DestinationRule', []),
      )
      .route('/apis/networking.istio.io/v1beta1/serviceentries', () =>
        list('networking.istio.io/v1beta1', 'ServiceEntry', []),
      )
      .route('/apis/security.istio.io/v1/peerauthentications', () =>
        list('security.istio.io/v1', 'PeerAuthentication', [
          { metadata: { name: 'default', namespace: 'istio-system' }, spec: { mtls: { mode: 'STRICT' } } },
        ]),
      )
      .route('/apis/security.istio.io/v1/authorizationpolicies', () =>
        list('security.istio.io/v1', 'AuthorizationPolicy', []),
      );
    const result = await collectLive({ kubeconfig, retry: FAST_RETRY });
    expect(itemsOf(result, 'VirtualService').map((o) => o.metadata.name)).toEqual(['orders']);
    expect(itemsOf(result, 'IstioGateway').map((o) => o.metadata.name)).toEqual(['public']);
    expect(itemsOf(result, 'Gateway')).toEqual([]);
    expect(itemsOf(result, 'PeerAuthentication')).toHaveLength(1);
    const byId = new Map(result.coverage.resources.map((r) => [r.resource, r]));
    expect(byId.get('virtualservices.networking.istio.io')).toMatchObject({ state: 'read', count: 1 });
    expect(byId.get('gateways.networking.istio.io')).toMatchObject({ state: 'read', count: 1 });
    expect(byId.get('authorizationpolicies.security.istio.io')).toMatchObject({ state: 'read', count: 0 });
    for (const id of [
      'serviceprofiles.linkerd.io',
      'servers.policy.linkerd.io',
      'httproutes.policy.linkerd.io',
    ])
      expect(byId.get(id)?.state, id).toBe('not-served');
  });

  it('retries a 429, waiting as long as Retry-After says, then reads the list', async () => {
    api.route('/apis/apps/v1/deployments', (_req, n) =>
      n === 0
        ? status(429, 'status-429.json', { 'Retry-After': '1' })
        : {
            status: 200,
            body: {
              kind: 'DeploymentList',
              apiVersion: 'apps/v1',
              metadata: {},
              items: [{ metadata: { name: 'web', namespace: 'blog' }, spec: { replicas: 2 } }],
            },
          },
    );
    const result = await collectLive({ kubeconfig, retry: FAST_RETRY });
    const calls = api.requestsTo('/apis/apps/v1/deployments');
    expect(calls).toHaveLength(2);
    // The base backoff is 20 ms; only honouring Retry-After explains a wait of about a second.
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(950);
    expect(coverageOf(result, 'Deployment')).toMatchObject({ state: 'read', count: 1 });
  });

  it('retries 5xx with backoff, a bounded number of times, then reports the type failed', async () => {
    api.route('/apis/batch/v1/jobs', () => ({
      status: 503,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        message: 'etcdserver: leader changed',
        code: 503,
      },
    }));
    const result = await collectLive({
      kubeconfig,
      retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 100 },
    });
    expect(api.requestsTo('/apis/batch/v1/jobs')).toHaveLength(3);
    expect(coverageOf(result, 'Job')).toMatchObject({
      state: 'failed',
      reason: 'HTTP 503: etcdserver: leader changed',
    });
    expect(coverageOf(result, 'CronJob')).toMatchObject({ state: 'read' });
  });

  it('asks for Secrets as PartialObjectMetadataList and keeps metadata only', async () => {
    const result = await collectLive({ kubeconfig, retry: FAST_RETRY });
    const [secretRequest] = api.requestsTo('/api/v1/secrets');
    expect(secretRequest!.headers.accept).toBe(PARTIAL_METADATA_ACCEPT);
    expect(secretRequest!.headers.accept).toContain('as=PartialObjectMetadataList;v=v1;g=meta.k8s.io');
    const secrets = itemsOf(result, 'Secret');
    expect(secrets).toHaveLength(3);
    for (const s of secrets) {
      expect(Object.keys(s).sort()).toEqual(expect.arrayContaining(['apiVersion', 'kind', 'metadata']));
      expect(s.apiVersion).toBe('v1');
      expect(s.kind).toBe('Secret');
      expect('data' in s || 'stringData' in s).toBe(false);
    }
    const byName = new Map(secrets.map((s) => [s.metadata.name, s]));
    expect(byName.get('legacy-ci-token')!['type']).toBe('kubernetes.io/service-account-token');
    expect(byName.get('sh.helm.release.v1.ingress-nginx.v1')!['type']).toBe('helm.sh/release.v1');
    // The last-applied annotation embedded the data; it is gone, the other metadata stays.
    expect(byName.get('db-credentials')!.metadata.annotations).toEqual({});
    const everything = JSON.stringify(result);
    for (const v of SECRET_VALUES) expect(everything).not.toContain(v);
  });

  it('drops data and stringData when the server ignores the Accept header and returns full Secrets', async () => {
    api.route('/api/v1/secrets', () => ok('secrets-full-with-data.json'));
    const result = await collectLive({ kubeconfig, retry: FAST_RETRY });
    const secrets = itemsOf(result, 'Secret');
    expect(secrets.map((s) => [s.metadata.name, s['type']])).toEqual([
      ['db-credentials', 'Opaque'],
      ['tls-web', 'kubernetes.io/tls'],
    ]);
    const everything = JSON.stringify(result);
    for (const v of SECRET_VALUES) expect(everything).not.toContain(v);
    expect(everything).not.toMatch(/"stringData"/);
    for (const s of secrets)
      expect(Object.keys(s).sort()).toEqual(['apiVersion', 'kind', 'metadata', 'type']);
  });

  it('reads only the wanted ConfigMaps by name, plus --configmap ones; a 404 is simply absent', async () => {
    api.route('/api/v1/namespaces/shop/configmaps/app-settings', () => ({
      status: 200,
      body: {
        kind: 'ConfigMap',
        apiVersion: 'v1',
        metadata: { name: 'app-settings', namespace: 'shop' },
        data: { mode: 'prod' },
      },
    }));
    const result = await collectLive({ kubeconfig, retry: FAST_RETRY, configmaps: ['shop/app-settings'] });
    expect(api.requestsTo('/api/v1/configmaps')).toHaveLength(0);
    const names = itemsOf(result, 'ConfigMap')
      .map((c) => `${c.metadata.namespace}/${c.metadata.name}`)
      .sort();
    expect(names).toEqual(['kube-system/kube-proxy', 'kube-system/kubeadm-config', 'shop/app-settings']);
    expect(coverageOf(result, 'ConfigMap')).toMatchObject({ state: 'read', count: 3 });
    await expect(collectLive({ kubeconfig, configmaps: ['no-slash'] })).rejects.toThrow(KtmError);
  });

  it('keeps only names and groups of CustomResourceDefinitions', async () => {
    const result = await collectLive({ kubeconfig, retry: FAST_RETRY });
    const [crd] = itemsOf(result, 'CustomResourceDefinition');
    expect(crd!['spec']).toEqual({
      group: 'cert-manager.io',
      names: {
        plural: 'certificates',
        singular: 'certificate',
        kind: 'Certificate',
        listKind: 'CertificateList',
        shortNames: ['cert', 'certs'],
      },
      scope: 'Namespaced',
    });
    expect('status' in crd!).toBe(false);
  });

  it('continues an expired list with the inconsistent continue token of the 410 Status', async () => {
    api.route('/api/v1/pods', (req) =>
      req.query.get('continue') === null
        ? ok('pods-page-1.json')
        : req.query.get('continue')!.includes('LTE')
          ? ok('pods-page-3.json')
          : status(410, 'status-410-expired.json'),
    );
    const result = await collectLive({ kubeconfig, retry: FAST_RETRY });
    expect(coverageOf(result, 'Pod')).toMatchObject({ state: 'read', count: 3 });
    expect(result.diagnostics.some((d) => d.where === 'pods' && d.message.includes('newer'))).toBe(true);
  });

  it('selects the --context and uses its cluster and user', async () => {
    const elsewhere = await writeKubeconfig(api.url, 'elsewhere');
    const result = await collectLive({ kubeconfig: elsewhere, context: 'lab', retry: FAST_RETRY });
    expect(result.cluster.name).toBe('lab');
    expect(api.requests.length).toBeGreaterThan(40);
    expect(api.requests.every((r) => r.headers.authorization === 'Bearer lab-reader-token')).toBe(true);
    // Without --context the current context (a closed port) is used: one clear error, no retries for a refused connection.
    await expect(collectLive({ kubeconfig: elsewhere, retry: FAST_RETRY })).rejects.toThrow(
      /cannot reach the API server/,
    );
  });

  it('names a missing context or kubeconfig file in a KtmError', async () => {
    const missingContext = await collectLive({ kubeconfig, context: 'prod' }).catch((e: unknown) => e);
    expect(missingContext).toBeInstanceOf(KtmError);
    expect((missingContext as KtmError).line()).toBe(
      "--context: context 'prod' not found in the kubeconfig (known contexts: elsewhere, lab)",
    );
    const missingFile = await collectLive({ kubeconfig: '/nonexistent/kubeconfig' }).catch((e: unknown) => e);
    expect(missingFile).toBeInstanceOf(KtmError);
    expect((missingFile as KtmError).line()).toContain('/nonexistent/kubeconfig: kubeconfig file not found');
  });

  it('stops at the timeout and returns what was complete, the unfinished types failed (timed out)', async () => {
    api.route('/api/v1/pods', () => 'hang');
    const started = Date.now();
    const result = await collectLive({ kubeconfig, retry: FAST_RETRY, timeoutMs: 1500 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(coverageOf(result, 'Pod')).toMatchObject({ state: 'failed', count: 0 });
    expect(coverageOf(result, 'Pod')!.reason).toMatch(/^timed out/);
    expect(itemsOf(result, 'Pod')).toHaveLength(0);
    expect(coverageOf(result, 'Node')).toMatchObject({ state: 'read', count: 3 });
    expect(result.diagnostics.some((d) => d.where === '--timeout')).toBe(true);
  });

  it('with kubeletConfig reads each node configz; a forbidden node is a forbidden fact', async () => {
    api
      .route('/api/v1/nodes/lab-worker-1/proxy/configz', () => ok('configz-lab-worker-1.json'))
      .route('/api/v1/nodes/lab-cp-1/proxy/configz', () => ok('configz-lab-cp-1.json'))
      .route('/api/v1/nodes/lab-worker-2/proxy/configz', () => status(403, 'status-403-configz.json'));
    const result = await collectLive({ kubeconfig, retry: FAST_RETRY, kubeletConfig: true });
    const configz = itemsOf(result, 'KubeletConfigz');
    expect(configz.map((c) => c.metadata.name)).toEqual(['lab-cp-1', 'lab-worker-1']);
    expect(configz[0]).toMatchObject({
      apiVersion: 'ktm.dev/v1alpha1',
      kind: 'KubeletConfigz',
      kubeletconfig: { readOnlyPort: 10255, authorization: { mode: 'AlwaysAllow' } },
    });
    const facts = result.coverage.facts.filter((f) => f.fact === 'kubelet-config');
    expect(facts.map((f) => [f.subject, f.state])).toEqual([
      ['lab-cp-1', 'read'],
      ['lab-worker-1', 'read'],
      ['lab-worker-2', 'forbidden'],
    ]);
    expect(facts[2]!.reason).toContain('nodes/proxy');
  });

  it('counts each configz answer against the input limits like a list response', async () => {
    // A kubelet (or whatever answers on the node proxy) returning a huge body: every list response of this
    // fake cluster is under 10 kB, one configz answer is about 200 kB.
    const huge = JSON.stringify({ kubeletconfig: { readOnlyPort: 0, padding: 'x'.repeat(200_000) } });
    api
      .route('/api/v1/nodes/lab-worker-1/proxy/configz', () => ok('configz-lab-worker-1.json'))
      .route('/api/v1/nodes/lab-cp-1/proxy/configz', () => ({ status: 200, body: huge }))
      .route('/api/v1/nodes/lab-worker-2/proxy/configz', () => ok('configz-lab-worker-1.json'));
    const limits = { ...DEFAULT_LIMITS, maxFileBytes: 100_000 };
    const err = await collectLive({ kubeconfig, retry: FAST_RETRY, kubeletConfig: true, limits }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KtmError);
    expect((err as KtmError).line()).toMatch(
      /lab-cp-1\/proxy\/configz.*more than 100,000 bytes in one API response \(the --max-file-bytes limit\)/,
    );
    // The same run without the configz answers stays within that limit.
    await expect(collectLive({ kubeconfig, retry: FAST_RETRY, limits })).resolves.toBeDefined();
  });

  it('without kubeletConfig asks no node proxy and records one not-collected fact', async () => {
    const result = await collectLive({ kubeconfig, retry: FAST_RETRY });
    expect(api.requests.some((r) => r.path.includes('/proxy/'))).toBe(false);
    const facts = result.coverage.facts.filter((f) => f.fact === 'kubelet-config');
    expect(facts).toHaveLength(1);
    expect(facts[0]).toMatchObject({ state: 'not-collected' });
    expect(facts[0]!.reason).toContain('--kubelet-config');
  });

  it('reports progress: types done, objects read, elapsed', async () => {
    const seen: Progress[] = [];
    await collectLive({ kubeconfig, retry: FAST_RETRY, onProgress: (p) => seen.push(p) });
    const last = seen.at(-1)!;
    expect(last.typesDone).toBe(RESOURCE_TYPES.length);
    expect(last.typesTotal).toBe(RESOURCE_TYPES.length);
    expect(last.objects).toBeGreaterThanOrEqual(5 + 3 + 8 + 3);
    expect(seen.every((p, i) => i === 0 || p.elapsedMs >= seen[i - 1]!.elapsedMs)).toBe(true);
  });

  it('lists a few resource types at once (4), never more', async () => {
    api.latencyMs = 40;
    const result = await collectLive({ kubeconfig, retry: FAST_RETRY });
    expect(api.peakInFlight).toBe(4);
    expect(result.coverage.resources).toHaveLength(RESOURCE_TYPES.length);
  });
});
