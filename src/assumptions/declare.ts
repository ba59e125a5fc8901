// Writes the declared threat model from the observed one (`ktm init`) and brings it up to date (`ktm model update`),
// keeping everything the teams wrote: owners, notes, assumptions and YAML comments.
import { Document, isMap, isScalar, isSeq, parseDocument, YAMLSeq, type YAMLMap } from 'yaml';
import type { Inventory } from '../collect/inventory.js';
import type { Component, Flow, Model } from '../model/types.js';
import { KtmError } from '../errors.js';
import { withEndLine, type DeclaredAssumption } from './threat-model-file.js';

type Starter = DeclaredAssumption;

function declaredFlow(f: Flow): Record<string, unknown> {
  return {
    from: f.from,
    to: f.to,
    ...(f.protocol ? { protocol: f.protocol } : {}),
    ...(f.port === undefined ? {} : { port: f.port }),
    tls: f.tls,
    authn: f.authn,
    purpose: f.purpose,
  };
}

function declaredComponent(c: Component, flows: readonly Flow[]): Record<string, unknown> {
  const deps = [...new Set(flows.filter((f) => f.from === c.id).map((f) => f.to))].sort();
  return { id: c.id, zone: c.zone, ...(deps.length > 0 ? { dependsOn: deps } : {}) };
}

/** The built-in assumptions that apply to this cluster, phrased as what a team would assume. */
export function starterAssumptions(inventory: Inventory, model: Model): Starter[] {
  const out: Starter[] = [
    {
      id: 'network-policies-enforced',
      text: 'The network plugin enforces our NetworkPolicies.',
      topic: 'networking',
      zone: 'container',
      check: { builtin: 'network-policies-enforced' },
    },
    {
      id: 'secrets-encrypted-at-rest',
      text: 'Secrets are encrypted at rest in etcd with a KMS provider.',
      topic: 'cryptography',
      zone: 'master-data',
      check: { builtin: 'secrets-encrypted-at-rest', params: { kms: true } },
    },
    {
      id: 'control-plane-tls-verified',
      text: 'Every control-plane connection uses TLS and verifies its peer.',
      topic: 'cryptography',
      zone: 'api-server',
      check: { builtin: 'control-plane-tls-verified' },
    },
    {
      id: 'apiserver-etcd-mutual-tls',
      text: 'kube-apiserver and etcd authenticate each other with certificates.',
      topic: 'authentication',
      zone: 'master-data',
      check: { builtin: 'apiserver-etcd-mutual-tls' },
    },
    {
      id: 'audit-logging-30-days',
      text: 'User actions are audited and the audit log is kept at least 30 days.',
      topic: 'logging',
      zone: 'api-server',
      check: { builtin: 'audit-logging', params: { days: 30 } },
    },
    {
      id: 'no-node-escape',
      text: 'No workload can break out to its node.',
      topic: 'multi-tenancy',
      zone: 'container',
      check: { builtin: 'no-node-escape', params: { zone: 'container' } },
    },
    {
      id: 'no-credentials-in-environment',
      text: 'No workload carries credentials in environment variables.',
      topic: 'secrets-management',
      zone: 'container',
      check: { builtin: 'no-credentials-in-environment', params: {} },
    },
    {
      id: 'no-path-container-to-master-data',
      text: 'Nothing in a container can reach etcd data.',
      topic: 'multi-tenancy',
      zone: 'container',
      check: { builtin: 'no-path', params: { from: 'container', to: 'master-data' } },
    },
  ];
  const exposed = [
    ...new Set(model.flows.filter((f) => f.from === 'external:internet').map((f) => f.to)),
  ].sort();
  out.push({
    id: 'internet-exposure',
    text: 'The Internet reaches only the entry points we published.',
    topic: 'exposure',
    zone: 'internet',
    check: { builtin: 'internet-reaches-only', params: { components: exposed } },
  });
  for (const np of inventory.ofKind('NetworkPolicy')) {
    const sel = np.object.spec?.podSelector;
    const all =
      sel === undefined ||
      (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0);
    const ns = np.object.metadata.namespace;
    if (!all || ns === undefined || out.some((a) => a.id === `default-deny-${ns}`)) continue;
    out.push({
      id: `default-deny-${ns}`.slice(0, 100),
      text: `Namespace ${ns} denies ingress by default.`,
      topic: 'networking',
      check: { builtin: 'namespace-default-deny', params: { namespace: ns } },
    });
  }
  for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'] as const) {
    for (const cfg of inventory.ofKind(kind)) {
      for (const w of cfg.object.webhooks ?? []) {
        const id = `webhook-${w.name}`
          .toLowerCase()
          .replace(/[^a-z0-9-]+/g, '-')
          .slice(0, 100);
        if (out.some((a) => a.id === id)) continue;
        out.push({
          id,
          text: `Admission webhook ${w.name} fails closed: a write it cannot check is refused.`,
          topic: 'failure-modes',
          check: { builtin: 'webhook-failure-policy', params: { webhook: w.name, expect: 'closed' } },
        });
      }
    }
  }
  return out;
}

/** threatmodel.yaml prefilled from the observed model: zones (owners to fill in), components, flows, starter assumptions. */
export function initThreatModel(
  inventory: Inventory,
  model: Model,
  schemaPath = './threatmodel.schema.json',
): string {
  const doc = new Document({
    apiVersion: 'ktm.dev/v1alpha1',
    kind: 'ThreatModel',
    metadata: { name: inventory.cluster.name, cluster: inventory.cluster.name },
    zones: model.zones.map((z) => {
      const controls = z.controls
        .filter((c) => c.status !== 'unknown' && c.status !== 'absent')
        .map((c) => ({ kind: c.kind, status: c.status }));
      return {
        id: z.id,
        name: z.name,
        ...(z.parent === undefined ? {} : { parent: z.parent }),
        ...(controls.length > 0 ? { controls } : {}),
      };
    }),
    components: model.components.map((c) => declaredComponent(c, model.flows)),
    flows: model.flows.map(declaredFlow),
    assumptions: starterAssumptions(inventory, model),
  });
  doc.commentBefore =
    ` yaml-language-server: $schema=${schemaPath}\n` +
    ' ktm threat model: the data flow, trust zones and assumptions your teams declare.\n' +
    ' Written by `ktm init` from the observed cluster; `ktm assess --model` checks it, `ktm model update` refreshes it.\n' +
    ' Fill in `owner` for each zone, edit the assumptions to say what your teams rely on.';
  const zones = doc.get('zones');
  if (isSeq(zones)) {
    for (const z of zones.items) {
      if (!isMap(z)) continue;
      const name = z.items.find((pair) => isScalar(pair.key) && pair.key.value === 'name');
      if (name !== undefined && isScalar(name.value))
        name.value.comment = ' owner: TEAM (fill in the team owning this zone)';
    }
  }
  return withEndLine(doc.toString({ lineWidth: 120 }));
}

export interface UpdateSummary {
  readonly addedComponents: number;
  readonly vanishedComponents: number;
  readonly addedFlows: number;
  readonly vanishedFlows: number;
}

const flowKeyOf = (m: Record<string, unknown>): string => {
  const port = m['port'];
  return `${String(m['from'])}->${String(m['to'])}${typeof port === 'number' ? `:${port}` : ''}`;
};

/**
 * Writes observed facts back into threatmodel.yaml: new components and flows appended with `status: new`, ones no
 * longer observed marked `status: vanished` (never deleted), ones observed again lose the mark. Everything else —
 * owners, notes, assumptions, comments, key order — is left as the team wrote it.
 */
export function updateThreatModel(
  text: string,
  file: string,
  model: Model,
): { text: string; summary: UpdateSummary } {
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length > 0)
    throw new KtmError(
      doc.errors[0]!.message.split('\n')[0] ?? 'invalid YAML',
      file,
      'fix the YAML, then run again',
    );
  let addedComponents = 0;
  let vanishedComponents = 0;
  let addedFlows = 0;
  let vanishedFlows = 0;

  const seqOf = (key: string): YAMLSeq => {
    const node = doc.get(key);
    if (isSeq(node)) return node;
    const seq = new YAMLSeq();
    doc.set(key, seq);
    return seq;
  };
  const mark = (m: YAMLMap, present: boolean): boolean => {
    const status = m.get('status');
    if (present && status === 'vanished') m.delete('status');
    if (!present && status !== 'vanished') {
      m.set('status', 'vanished');
      return true;
    }
    return false;
  };

  const components = seqOf('components');
  const observed = new Map(model.components.map((c) => [c.id, c]));
  const declaredIds = new Set<string>();
  for (const item of components.items) {
    if (!isMap(item)) continue;
    const id = String(item.get('id'));
    declaredIds.add(id);
    if (mark(item, observed.has(id))) vanishedComponents++;
  }
  for (const c of model.components) {
    if (declaredIds.has(c.id)) continue;
    components.add(doc.createNode({ ...declaredComponent(c, model.flows), status: 'new' }));
    addedComponents++;
  }

  const flows = seqOf('flows');
  const observedFlows = new Map(
    model.flows.map((f) => [flowKeyOf(f as unknown as Record<string, unknown>), f]),
  );
  const declaredFlows = new Set<string>();
  for (const item of flows.items) {
    if (!isMap(item)) continue;
    const key = flowKeyOf(item.toJSON() as Record<string, unknown>);
    declaredFlows.add(key);
    if (mark(item, observedFlows.has(key))) vanishedFlows++;
  }
  for (const [key, f] of observedFlows) {
    if (declaredFlows.has(key)) continue;
    flows.add(doc.createNode({ ...declaredFlow(f), status: 'new' }));
    addedFlows++;
  }
  return {
    text: withEndLine(doc.toString({ lineWidth: 120 })),
    summary: { addedComponents, vanishedComponents, addedFlows, vanishedFlows },
  };
}
