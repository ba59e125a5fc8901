// Built-in verifications and CEL assumptions: each outcome (confirmed, contradicted, unverifiable) with its evidence.
import { describe, expect, it } from 'vitest';
import { Inventory, type InventoryItem, type KubeObject } from '../../src/collect/inventory.js';
import type { ComponentSettings, Setting } from '../../src/collect/settings/types.js';
import type { NodeFileSet } from '../../src/collect/node-files/types.js';
import type { Model } from '../../src/model/types.js';
import { evaluateAssumptions, validateCheck } from '../../src/assumptions/evaluate.js';
import type { AssumptionContext, PolicyEnforcement } from '../../src/assumptions/context.js';
import type { DeclaredAssumption } from '../../src/assumptions/threat-model-file.js';
import { parseThreatModel } from '../../src/assumptions/threat-model-file.js';
import { KtmError } from '../../src/errors.js';

const item = (o: KubeObject): InventoryItem => ({ object: o, source: { file: 'test.yaml', line: 1 } });

function apiserver(flags: Record<string, string>): ComponentSettings {
  const ref = { kind: 'Pod', namespace: 'kube-system', name: 'kube-apiserver-cp' };
  const get = (name: string): Setting => ({
    name,
    value: flags[name],
    origin: name in flags ? 'flag' : 'default',
    evidence: {
      ref,
      path: 'spec.containers[0].command',
      ...(flags[name] === undefined ? {} : { value: flags[name] }),
    },
  });
  return {
    component: 'kube-apiserver',
    node: 'cp',
    ref,
    visibility: 'visible',
    get,
    isSet: (n) => n in flags,
    explicit: () => Object.keys(flags).sort().map(get),
  };
}

function nodeFiles(providers: string[]): NodeFileSet {
  return {
    node: 'cp',
    root: '/tmp/cp',
    staticPods: [],
    kubeconfigs: [],
    auditPolicies: [],
    encryptionConfigs: [
      { path: '/etc/kubernetes/enc.yaml', resources: [{ resources: ['secrets'], providers }] },
    ],
  };
}

const denyAll: KubeObject = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'default-deny', namespace: 'payments' },
  spec: { podSelector: {}, policyTypes: ['Ingress'] },
};
const webhook: KubeObject = {
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingWebhookConfiguration',
  metadata: { name: 'policy' },
  webhooks: [{ name: 'policy.example.com', failurePolicy: 'Ignore' }],
};

const emptyModel: Model = {
  components: [],
  flows: [],
  zones: [],
  reachability: { state: 'not-computed', reason: 'test' },
  notes: [],
};
const model: Model = {
  ...emptyModel,
  components: [
    {
      id: 'workload:shop/Deployment/web',
      name: 'web',
      kind: {
        type: 'workload',
        owner: 'Deployment',
        namespace: 'shop',
        name: 'web',
        pods: 2,
        roles: [],
        serviceAccount: 'web',
      },
      zone: 'ns:shop',
      nodes: ['w1'],
      refs: [],
      listens: [],
    },
    {
      id: 'kube-apiserver',
      name: 'kube-apiserver',
      kind: { type: 'control-plane', process: 'kube-apiserver', managed: false, observed: true },
      zone: 'api-server',
      nodes: ['cp'],
      refs: [],
      listens: [],
    },
    {
      id: 'etcd:cp',
      name: 'etcd',
      kind: { type: 'control-plane', process: 'etcd', managed: false, observed: true },
      zone: 'master-data',
      nodes: ['cp'],
      refs: [],
      listens: [],
    },
  ],
  flows: [
    {
      id: 'a',
      from: 'workload:shop/Deployment/web',
      to: 'kube-apiserver',
      protocol: 'https',
      port: 6443,
      tls: 'verified',
      authn: 'token',
      purpose: 'api',
      evidence: [],
    },
    {
      id: 'b',
      from: 'kube-apiserver',
      to: 'etcd:cp',
      protocol: 'https',
      port: 2379,
      tls: 'unverified',
      authn: 'none',
      purpose: 'storage',
      evidence: [],
    },
  ],
};

function ctx(
  opts: {
    items?: KubeObject[];
    settings?: ComponentSettings[];
    nodeFiles?: NodeFileSet[];
    enforcement?: PolicyEnforcement;
    model?: Model;
  } = {},
): AssumptionContext {
  const inventory = new Inventory({
    cluster: { name: 'test' },
    items: (opts.items ?? []).map(item),
    coverage: { mode: 'manifests', resources: [], facts: [] },
    settings: opts.settings ?? [],
    nodeFiles: opts.nodeFiles ?? [],
  });
  return {
    inventory,
    model: opts.model ?? model,
    findings: [],
    ...(opts.enforcement ? { policyEnforcement: opts.enforcement } : {}),
  };
}

const a = (id: string, check: DeclaredAssumption['check']): DeclaredAssumption => ({ id, text: id, check });
const one = (c: AssumptionContext, check: DeclaredAssumption['check']) =>
  evaluateAssumptions([a('x', check)], c)[0]!;

describe('built-in verifications', () => {
  const calico: PolicyEnforcement = { enforces: 'yes', plugin: 'calico', evidence: [] };
  const flannel: PolicyEnforcement = {
    enforces: 'no',
    plugin: 'flannel',
    evidence: [{ ref: { kind: 'DaemonSet', namespace: 'kube-flannel', name: 'kube-flannel-ds' } }],
  };
  const check = { builtin: 'namespace-default-deny', params: { namespace: 'payments' } };

  it('namespace-default-deny follows the policy and its enforcement', () => {
    expect(one(ctx({ items: [denyAll], enforcement: calico }), check).result).toBe('confirmed');
    const inert = one(ctx({ items: [denyAll], enforcement: flannel }), check);
    expect(inert.result).toBe('contradicted');
    expect(inert.message).toContain('flannel does not enforce');
    expect(one(ctx({ items: [], enforcement: calico }), check).result).toBe('contradicted');
    const unknown = one(ctx({ items: [denyAll] }), check);
    expect(unknown.result).toBe('unverifiable');
    expect(unknown.missing).toContain('network plugin');
    expect(
      one(ctx({ items: [denyAll], enforcement: calico }), {
        builtin: 'namespace-default-deny',
        params: { namespace: 'payments', direction: 'egress' },
      }).result,
    ).toBe('contradicted');
  });

  it('secrets-encrypted-at-rest reads the flag and the provider order', () => {
    const flag = { 'encryption-provider-config': '/etc/kubernetes/enc.yaml' };
    const c = { builtin: 'secrets-encrypted-at-rest', params: { kms: true } };
    expect(one(ctx({ settings: [apiserver({})] }), c).result).toBe('contradicted');
    expect(one(ctx({ settings: [apiserver(flag)] }), c).result).toBe('unverifiable');
    expect(
      one(ctx({ settings: [apiserver(flag)], nodeFiles: [nodeFiles(['identity', 'aescbc'])] }), c).message,
    ).toContain('first provider for secrets is identity');
    expect(one(ctx({ settings: [apiserver(flag)], nodeFiles: [nodeFiles(['aescbc'])] }), c).result).toBe(
      'contradicted',
    );
    expect(
      one(ctx({ settings: [apiserver(flag)], nodeFiles: [nodeFiles(['kms:v2', 'identity'])] }), c).result,
    ).toBe('confirmed');
    const none = one(ctx(), c);
    expect(none.result).toBe('unverifiable');
    expect(none.missing).toContain('--node-files');
  });

  it('audit-logging checks policy, backend and retention', () => {
    const c = { builtin: 'audit-logging', params: { days: 30 } };
    expect(one(ctx({ settings: [apiserver({})] }), c).result).toBe('contradicted');
    const short = one(
      ctx({
        settings: [
          apiserver({
            'audit-policy-file': '/p.yaml',
            'audit-log-path': '/var/log/a.log',
            'audit-log-maxage': '7',
          }),
        ],
      }),
      c,
    );
    expect(short.result).toBe('contradicted');
    expect(short.message).toContain('7 days');
    expect(
      one(
        ctx({
          settings: [
            apiserver({
              'audit-policy-file': '/p.yaml',
              'audit-log-path': '/var/log/a.log',
              'audit-log-maxage': '30',
            }),
          ],
        }),
        c,
      ).result,
    ).toBe('confirmed');
  });

  it('webhook-failure-policy compares Fail/Ignore with the expectation', () => {
    expect(
      one(ctx({ items: [webhook] }), {
        builtin: 'webhook-failure-policy',
        params: { webhook: 'policy.example.com', expect: 'open' },
      }).result,
    ).toBe('confirmed');
    const closed = one(ctx({ items: [webhook] }), {
      builtin: 'webhook-failure-policy',
      params: { webhook: 'policy.example.com', expect: 'closed' },
    });
    expect(closed.result).toBe('contradicted');
    expect(closed.evidence[0]?.path).toBe('webhooks[0].failurePolicy');
  });

  it('depends-only-on and apiserver-etcd-mutual-tls read the flows', () => {
    expect(
      one(ctx(), {
        builtin: 'depends-only-on',
        params: { component: 'workload:shop/Deployment/web', dependencies: ['kube-apiserver'] },
      }).result,
    ).toBe('confirmed');
    expect(
      one(ctx(), { builtin: 'depends-only-on', params: { component: 'kube-apiserver', dependencies: [] } })
        .message,
    ).toContain('etcd:cp');
    expect(one(ctx(), { builtin: 'apiserver-etcd-mutual-tls' }).result).toBe('contradicted');
    expect(one(ctx({ model: emptyModel }), { builtin: 'apiserver-etcd-mutual-tls' }).result).toBe(
      'unverifiable',
    );
  });

  it('RBAC and path questions are unverifiable without the privilege graph', () => {
    const r = one(ctx(), { builtin: 'no-path', params: { from: 'container', to: 'master-data' } });
    expect(r.result).toBe('unverifiable');
  });
});

describe('CEL assumptions', () => {
  it('confirms a true expression and contradicts a false one with evidence', () => {
    expect(one(ctx(), { cel: 'flows.all(f, f.tls != "none")' }).result).toBe('confirmed');
    const r = one(ctx(), {
      cel: 'flows.all(f, f.tls == "verified" || f.tls == "mutual")',
      evidence: 'flows.filter(f, f.tls == "unverified").map(f, f.from + " -> " + f.to)',
    });
    expect(r.result).toBe('contradicted');
    expect(r.evidence.map((e) => e.ref.name)).toEqual(['kube-apiserver -> etcd:cp']);
  });

  it('compares numbers from the view with integer literals', () => {
    expect(one(ctx(), { cel: 'flows.exists(f, f.port == 6443)' }).result).toBe('confirmed');
  });

  it('reports an expression that fails or is not boolean as unverifiable', () => {
    expect(one(ctx(), { cel: 'flows.nothing' }).result).toBe('unverifiable');
    expect(one(ctx(), { cel: 'size(flows)' }).result).toBe('unverifiable');
  });

  it('cannot change the view another assumption sees', () => {
    const results = evaluateAssumptions(
      [a('one', { cel: 'size(components) == 3' }), a('two', { cel: 'size(components) == 3' })],
      ctx(),
    );
    expect(results.map((r) => r.result)).toEqual(['confirmed', 'confirmed']);
  });
});

describe('checks are validated when the file is read', () => {
  const file = (check: string) => `apiVersion: ktm.dev/v1alpha1
kind: ThreatModel
metadata: { name: lab }
assumptions:
  - id: one
    text: something
    check:
${check}
`;
  const err = (text: string) => {
    try {
      parseThreatModel(text, 'tm.yaml', validateCheck);
    } catch (e) {
      if (e instanceof KtmError) return e.line();
    }
    return 'no error';
  };
  it('names an unknown builtin and lists the known ones', () => {
    expect(err(file('      builtin: nonsense'))).toMatch(
      /^tm\.yaml:8:16: assumptions\[0\]\.check\.builtin: unknown built-in verification 'nonsense' \(known: .*namespace-default-deny/,
    );
  });
  it('points at a bad parameter', () => {
    expect(err(file('      builtin: audit-logging\n      params: { days: "thirty" }'))).toMatch(
      /^tm\.yaml:9:\d+: assumptions\[0\]\.check\.params\.days: audit-logging: Invalid input: expected number/,
    );
  });
  it('reports CEL syntax errors', () => {
    expect(err(file('      cel: "flows.all(f, "'))).toMatch(
      /^tm\.yaml:8:12: assumptions\[0\]\.check\.cel: CEL: /,
    );
  });
});
