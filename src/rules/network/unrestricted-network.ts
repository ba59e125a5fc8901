// Rule unrestricted-network: namespaces and workloads no NetworkPolicy selects, policies that select nothing, open metadata egress.
import { plural } from '../../text/plural.js';
import type { KubeObject } from '../../collect/inventory.js';
import { resourceState } from '../../collect/coverage.js';
import { CALICO_NETWORK_POLICY } from '../../collect/resource-types.js';
import { CALICO_POLICY_KINDS, CILIUM_POLICY_KINDS } from '../../analysis/network-policy/plugin-policies.js';
import { namespaceLabels, type WorkloadRef } from '../../analysis/network-policy/endpoints.js';
import { isEmpty, formatConns } from '../../analysis/network-policy/conn-set.js';
import {
  labelSelectorSchema,
  matches,
  parseSelector,
  type Labels,
} from '../../analysis/network-policy/label-selector.js';
import type { Evidence, Ref } from '../../types.js';
import { cloudOf, collectNodes } from '../../model/nodes.js';
import { defineRule } from '../framework/define-rule.js';
import { objectEvidence } from '../framework/evidence.js';
import { rec, workloadRef } from './support/network-analyses.js';
import { REACHABILITY_KINDS } from '../framework/inputs.js';

/** The cloud metadata service (AWS, GCP, Azure, OpenStack and most others answer on this link-local address). */
const METADATA = '169.254.169.254/32';

/** Namespaces that hold no workloads by design (they carry cluster-info and node leases). */
const EMPTY_BY_DESIGN = new Set(['kube-public', 'kube-node-lease']);

/**
 * Namespaced policy kinds that isolate pods: Cilium's and Calico's (evaluated by the reachability engine when their
 * plugin runs) and Antrea's (`NetworkPolicy` of crd.antrea.io, not evaluated).
 */
const PLUGIN_POLICY_KINDS = ['CiliumNetworkPolicy', CALICO_NETWORK_POLICY, 'NetworkPolicy'];
/** Cluster-wide plugin policies: they cover a namespace without workloads when their selector selects every pod. */
const CLUSTER_POLICY_KINDS = [
  'CiliumClusterwideNetworkPolicy',
  'GlobalNetworkPolicy',
  'ClusterNetworkPolicy',
];

function selectorMatches(raw: unknown, labels: Labels): boolean {
  const parsed = labelSelectorSchema.safeParse(raw ?? {});
  return parsed.success && matches(parseSelector(parsed.data), labels);
}

/** Whether a cluster-wide policy selects every pod: an empty endpointSelector / selector. */
function selectsEverything(o: KubeObject): boolean {
  const spec = rec(o['spec']);
  const sel = spec['endpointSelector'] ?? spec['podSelector'];
  if (typeof spec['selector'] === 'string') return spec['selector'].trim() === 'all()';
  const s = rec(sel);
  const labels = rec(s['matchLabels']);
  const exprs = s['matchExpressions'];
  return (
    sel !== undefined && Object.keys(labels).length === 0 && (!Array.isArray(exprs) || exprs.length === 0)
  );
}

export default defineRule({
  meta: {
    id: 'unrestricted-network',
    aliases: ['CIS-5.3.2'],
    sources: ['CIS 5.3'],
    tier: 'extended',
    inputs: {
      kinds: [...REACHABILITY_KINDS],
      absence: ['NetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy'],
    },
    title: 'Pods accept traffic from any other pod',
    description:
      'Kubernetes networking is flat: until a NetworkPolicy selects a pod, every pod of every namespace may ' +
      'connect to it and it may connect anywhere, including the cloud metadata service that hands out node ' +
      'credentials. One compromised pod then reaches every other workload, across every trust zone. A policy ' +
      'whose selector matches no pod protects nothing while suggesting it does.',
    zone: 'Container',
    stride: ['elevation-of-privilege', 'information-disclosure'],
    likelihood: 'medium',
    impact: 'medium',
    attack: ['ENDPOINT_EXPLOIT', 'CLOUD_METADATA_CREDS'],
    variants: {
      'no-policy': { title: 'a namespace or workload selected by no NetworkPolicy' },
      'dangling-policy': { title: 'a NetworkPolicy whose pod selector matches no pod', likelihood: 'low' },
      'metadata-egress': { title: 'egress to the cloud metadata address is allowed', impact: 'high' },
      'metadata-egress-no-cloud': {
        title: 'egress to 169.254.169.254 is allowed, but no cloud provider was detected',
        likelihood: 'low',
        impact: 'low',
      },
    },
    detection:
      'Uses the reachability engine (src/analysis/network-policy/). no-policy: a namespace (Namespace objects ' +
      'and namespaces of workloads, except kube-public and kube-node-lease) with no NetworkPolicy, no plugin ' +
      'policy (CiliumNetworkPolicy, Calico/Antrea NetworkPolicy) and no cluster-wide policy covering it ' +
      '(an AdminNetworkPolicy or BaselineAdminNetworkPolicy subject; a CiliumClusterwideNetworkPolicy or Calico ' +
      'GlobalNetworkPolicy that the engine applies to one of its workloads, or that selects every pod); in ' +
      'namespaces that do have Kubernetes, Cilium or Calico policies, each workload whose pods no policy isolates ' +
      'for ingress (a Cilium policy in default deny, any Calico policy). Policies of a plugin the cluster does not ' +
      'run protect nothing and are not counted. dangling-policy: a NetworkPolicy with a non-empty podSelector that selects no pod or ' +
      'pod template of the input (an empty selector applies to future pods and is never dangling). ' +
      'metadata-egress: per namespace, the workloads allowed by the declared policies to open connections to ' +
      "169.254.169.254, when a cloud provider is detected (the cluster's provider or a node's providerID); " +
      'unverifiable when only rules ktm cannot decide, such as Cilium FQDN or L7 rules, may allow it; without a ' +
      'cloud, a single informational metadata-egress-no-cloud finding says how many namespaces would be ' +
      'exposed if the nodes do run in a cloud. Whether the plugin enforces policies at all is the ' +
      'policy-not-enforced rule.',
    falsePositives:
      'Antrea policies, which ktm does not evaluate, count as covering their namespace, but their workload-level ' +
      'coverage is not checked. metadata-egress does not matter on nodes without a metadata ' +
      'service (bare metal) or where the cloud blocks it for pods (GKE Workload Identity metadata server, IMDSv2 ' +
      'with hop limit 1 answers only host-network pods).',
    remediation: {
      shortTerm:
        'Add a default-deny NetworkPolicy (podSelector: {}, policyTypes [Ingress, Egress]) to every namespace, ' +
        'then allow the flows each workload needs; deny egress to 169.254.169.254/32 with an ipBlock except; fix ' +
        'or delete policies whose selectors match nothing.',
      longTerm:
        'Derive policies from the data-flow model (ktm model) per trust zone, enforce cluster-wide defaults with ' +
        'AdminNetworkPolicy, and block metadata access at the node (IMDSv2 hop limit 1, workload identity).',
    },
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies',
      'https://network-policy-api.sigs.k8s.io/api-overview/',
      'https://www.cisecurity.org/benchmark/kubernetes',
    ],
    messages: {
      namespace:
        'namespace {{namespace}} has no network policy: every pod may reach its pods and they may reach anything',
      workload:
        '{{workload}} is selected by no NetworkPolicy of namespace {{namespace}} (nor by a Cilium or Calico policy that isolates it): it accepts traffic from any pod',
      dangling:
        'NetworkPolicy {{policy}} selects no pod: its podSelector {{selector}} matches nothing in namespace {{namespace}}',
      metadata:
        '{{workloads}} of namespace {{namespace}} may connect to the cloud metadata address 169.254.169.254 ({{conns}}), e.g. {{example}}',
      metadataNoCloud:
        'no cloud provider detected (no cluster provider, no node providerID): if the nodes run in a cloud, workloads of {{namespaces}} may reach its metadata service at 169.254.169.254, e.g. namespace {{example}}',
    },
  },
  check(ctx) {
    const inv = ctx.inventory;
    const r = ctx.analyses.reachability();
    const set = ctx.analyses.endpoints();
    const byNamespace = new Map<string, WorkloadRef[]>();
    for (const w of r.workloads) {
      const l = byNamespace.get(w.namespace) ?? [];
      l.push(w);
      byNamespace.set(w.namespace, l);
    }
    const namespaces = new Set<string>([
      ...inv.ofKind('Namespace').map((n) => n.object.metadata.name),
      ...byNamespace.keys(),
    ]);
    // Policies of a plugin the cluster does not run protect nothing (policy-not-enforced reports them).
    const inert = new Set(
      r.inertPluginPolicies.map((i) => `${i.ref.kind}/${i.ref.namespace ?? ''}/${i.ref.name}`),
    );
    const isInert = (o: KubeObject): boolean =>
      inert.has(`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    const k8sPolicyNs = new Set<string>();
    const pluginPolicyNs = new Set<string>();
    /** Namespaces with Cilium or Calico policies, which the engine evaluates (Antrea's it does not). */
    const evaluatedPluginNs = new Set<string>();
    for (const kind of PLUGIN_POLICY_KINDS)
      for (const it of inv.ofKind(kind)) {
        if (isInert(it.object)) continue;
        const ns = it.object.metadata.namespace ?? 'default';
        if (kind === 'NetworkPolicy' && (it.object.apiVersion ?? '').startsWith('networking.k8s.io/'))
          k8sPolicyNs.add(ns);
        else pluginPolicyNs.add(ns);
        if (kind !== 'NetworkPolicy') evaluatedPluginNs.add(ns);
      }
    const admin = ['AdminNetworkPolicy', 'BaselineAdminNetworkPolicy'].flatMap((k) => inv.ofKind(k));
    const clusterWide = CLUSTER_POLICY_KINDS.flatMap((k) => inv.ofKind(k)).filter(
      (it) => !isInert(it.object) && selectsEverything(it.object),
    );
    const namespaceRef = (ns: string): Ref => ({ kind: 'Namespace', name: ns });
    // Plugin policies that could not be read (forbidden, failed) may cover any namespace or workload.
    const unreadKinds = [...CILIUM_POLICY_KINDS, ...CALICO_POLICY_KINDS].filter((k) => {
      const st = resourceState(inv.coverage, k)?.state;
      return st === 'forbidden' || st === 'failed';
    });
    const unread =
      unreadKinds.length === 0
        ? undefined
        : `${unreadKinds.join(', ')} could not be read (forbidden or failed): such a policy may cover it`;
    const nsItem = (ns: string) => inv.get('Namespace', undefined, ns);

    for (const ns of [...namespaces].sort()) {
      if (EMPTY_BY_DESIGN.has(ns) && !byNamespace.has(ns)) continue;
      ctx.examined(namespaceRef(ns));
      if (k8sPolicyNs.has(ns) || pluginPolicyNs.has(ns)) continue;
      const labels = namespaceLabels(set, ns);
      const byAdmin = admin.find((it) => {
        const subject = rec(rec(it.object['spec'])['subject']);
        if (subject['namespaces'] !== undefined) return selectorMatches(subject['namespaces'], labels);
        const pods = rec(subject['pods']);
        return pods['namespaceSelector'] !== undefined && selectorMatches(pods['namespaceSelector'], labels);
      });
      if (byAdmin !== undefined) continue;
      // A cluster-wide policy (ANP, CiliumClusterwideNetworkPolicy, GlobalNetworkPolicy) the engine evaluated
      // covers the namespace when it applies to one of its workloads; without workloads, when it selects every pod.
      const ws = byNamespace.get(ns) ?? [];
      if (ws.length > 0 ? ws.some((w) => r.covered(w, 'ingress')) : clusterWide.length > 0) continue;
      const item = nsItem(ns);
      const evidence: Evidence[] = [
        item === undefined
          ? {
              ref: namespaceRef(ns),
              value: `${plural(byNamespace.get(ns)?.length ?? 0, 'workload')}, no NetworkPolicy`,
            }
          : objectEvidence(item, 'metadata.name', ns),
        ...(byNamespace.get(ns) ?? [])
          .slice(0, 3)
          .map((w): Evidence => ({ ref: workloadRef(w), value: 'selected by no policy' })),
      ];
      if (unread !== undefined) {
        ctx.unverifiable({ subject: namespaceRef(ns), variant: 'no-policy', missing: unread, evidence });
        continue;
      }
      ctx.report({
        messageId: 'namespace',
        data: { namespace: ns },
        subject: namespaceRef(ns),
        variant: 'no-policy',
        evidence,
      });
    }

    for (const w of r.workloads) {
      if (!k8sPolicyNs.has(w.namespace) && !evaluatedPluginNs.has(w.namespace)) continue;
      const ref = workloadRef(w);
      ctx.examined(ref);
      if (r.isolated(w, 'ingress')) continue;
      const item = inv.get(w.kind, w.namespace, w.name);
      if (unread !== undefined) {
        ctx.unverifiable({ subject: ref, variant: 'no-policy', missing: unread });
        continue;
      }
      ctx.report({
        messageId: 'workload',
        data: { workload: `${w.kind} ${w.namespace}/${w.name}`, namespace: w.namespace },
        subject: ref,
        variant: 'no-policy',
        evidence: [
          item === undefined
            ? { ref, value: 'selected by no NetworkPolicy' }
            : objectEvidence(item, 'metadata.labels', JSON.stringify(item.object.metadata.labels ?? {})),
        ],
      });
    }

    const subjects = new Map(r.policies.map((p) => [`${p.ref.namespace ?? ''}/${p.ref.name}`, p.subjects]));
    for (const it of inv.ofKind('NetworkPolicy')) {
      const o = it.object;
      if (!(o.apiVersion ?? '').startsWith('networking.k8s.io/')) continue;
      const sel = rec(rec(o['spec'])['podSelector']);
      const empty =
        Object.keys(rec(sel['matchLabels'])).length === 0 &&
        !(Array.isArray(sel['matchExpressions']) && sel['matchExpressions'].length > 0);
      const ns = o.metadata.namespace ?? 'default';
      const n =
        subjects.get(`${o.metadata.namespace ?? ''}/${o.metadata.name}`) ??
        subjects.get(`${ns}/${o.metadata.name}`);
      if (empty || n === undefined || n > 0) continue;
      const selector = JSON.stringify(sel);
      ctx.report({
        messageId: 'dangling',
        data: { policy: `${ns}/${o.metadata.name}`, selector, namespace: ns },
        subject: { kind: 'NetworkPolicy', namespace: ns, name: o.metadata.name },
        variant: 'dangling-policy',
        evidence: [objectEvidence(it, 'spec.podSelector', selector)],
      });
    }

    const cloud = cloudOf(ctx.inventory, collectNodes(ctx.inventory, []));
    const withoutCloud: { ns: string; evidence: Evidence }[] = [];
    for (const [ns, ws] of [...byNamespace.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const open = ws
        .map((w) => ({ w, c: r.allowedToAddress(w, METADATA, 'declared') }))
        .filter((x) => x.c !== undefined && !isEmpty(x.c));
      if (open.length === 0) {
        // An FQDN or L7 rule may open the address at run time: that is not decided either way.
        const maybe = r.hasUndecidable
          ? ws.filter((w) => !isEmpty(r.undecidableToAddress(w, METADATA, 'declared')))
          : [];
        if (maybe.length > 0)
          ctx.unverifiable({
            subject: namespaceRef(ns),
            variant: 'metadata-egress',
            missing: `${maybe.length} workload(s) may reach 169.254.169.254 depending on rules ktm cannot decide (${r.undecidableReasons.join('; ')}), e.g. ${maybe[0]!.kind} ${maybe[0]!.name}`,
            evidence: maybe.slice(0, 5).map((w): Evidence => ({
              ref: workloadRef(w),
              path: 'egress',
              value: '169.254.169.254: undecidable',
            })),
          });
        continue;
      }
      const first = open[0]!;
      if (cloud === undefined) {
        withoutCloud.push({
          ns,
          evidence: {
            ref: workloadRef(first.w),
            path: 'egress',
            value: `169.254.169.254: ${first.c === undefined ? '' : formatConns(first.c)}`,
          },
        });
        continue;
      }
      ctx.report({
        messageId: 'metadata',
        data: {
          workloads: plural(open.length, 'workload'),
          namespace: ns,
          conns: first.c === undefined ? '' : formatConns(first.c),
          example: `${first.w.kind} ${first.w.name}`,
        },
        subject: namespaceRef(ns),
        variant: 'metadata-egress',
        evidence: open.slice(0, 5).map((x): Evidence => ({
          ref: workloadRef(x.w),
          path: 'egress',
          value: `169.254.169.254: ${x.c === undefined ? '' : formatConns(x.c)}`,
        })),
      });
    }
    if (withoutCloud.length > 0)
      ctx.report({
        messageId: 'metadataNoCloud',
        data: { namespaces: plural(withoutCloud.length, 'namespace'), example: withoutCloud[0]!.ns },
        subject: { kind: 'Cluster', name: inv.cluster.name },
        variant: 'metadata-egress-no-cloud',
        evidence: withoutCloud.slice(0, 5).map((x) => x.evidence),
      });
  },
});
