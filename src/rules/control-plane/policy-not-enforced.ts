// Rule policy-not-enforced: NetworkPolicies, Pod Security labels or PodSecurityPolicies that nothing enforces.
import { refOf, type InventoryItem } from '../../collect/inventory.js';
import {
  CALICO_POLICY_KINDS,
  CILIUM_POLICY_KINDS,
  policyPluginRuns,
} from '../../analysis/network-policy/plugin-policies.js';
import { MANAGED_PROVIDERS } from '../../collect/settings/managed-settings.js';
import type { Evidence } from '../../types.js';
import { defineRule } from '../framework/define-rule.js';
import { objectEvidence } from '../framework/evidence.js';
import { parseList, settingEvidence } from '../framework/setting-values.js';
import { REACHABILITY_KINDS } from '../framework/inputs.js';

const PSA_LABEL = /^pod-security\.kubernetes\.io\/(enforce|warn|audit)$/;

/** Namespaces → the NetworkPolicies declared in them, sorted. */
function policiesByNamespace(items: readonly InventoryItem[]): Map<string, InventoryItem[]> {
  const out = new Map<string, InventoryItem[]>();
  for (const item of items) {
    const ns = item.object.metadata.namespace ?? '';
    const list = out.get(ns);
    if (list === undefined) out.set(ns, [item]);
    else list.push(item);
  }
  // Sorted by namespace, and by name inside one: evidence lists do not depend on the input's order.
  for (const list of out.values())
    list.sort((a, b) => a.object.metadata.name.localeCompare(b.object.metadata.name));
  return new Map([...out.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

export default defineRule({
  meta: {
    id: 'policy-not-enforced',
    aliases: ['TOB-K8S-TM01'],
    sources: ['TOB-K8S-TM01'],
    tier: 'seed',
    inputs: { kinds: [...REACHABILITY_KINDS, 'PodSecurityPolicy'] },
    title: 'Policies are declared but nothing enforces them',
    description:
      'A policy object is a statement of intent; the 2019 threat model warned that policies may not be applied ' +
      '(TOB-K8S-TM01). NetworkPolicies are enforced by the network plugin alone: on flannel, kubenet or a cloud ' +
      'VPC plugin without its policy agent they are inert while the namespaces that declare them believe they ' +
      'are isolated. Pod Security labels do nothing when the PodSecurity admission plugin is off, and ' +
      'PodSecurityPolicies do nothing when their admission plugin is not enabled or was removed (1.25).',
    zone: 'Container',
    stride: ['elevation-of-privilege', 'tampering', 'information-disclosure'],
    likelihood: 'medium',
    impact: 'high',
    variants: {
      'network-policy-inert': { title: 'NetworkPolicies on a network plugin that does not enforce them' },
      'plugin-policy-inert': {
        title: 'Cilium or Calico policies on a cluster whose network plugin does not read them',
      },
      'pod-security-inert': { title: 'Pod Security labels with the PodSecurity admission plugin off' },
      'psp-inert': { title: 'PodSecurityPolicies that no admission plugin applies', impact: 'medium' },
    },
    detection:
      'Identifies the network plugin from DaemonSets, Deployments, pods and ConfigMaps (src/analysis/network-plugin.ts). ' +
      'For every namespace with NetworkPolicies (and every AdminNetworkPolicy), fails when the plugin does not ' +
      'enforce policy and is unverifiable when no plugin was recognised. For every Cilium policy ' +
      '(CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy) and Calico policy (NetworkPolicy, GlobalNetworkPolicy of ' +
      'projectcalico.org), fails when the cluster runs another plugin (only Cilium reads Cilium policies, only ' +
      'Calico or Canal reads Calico policies) or its own plugin enforces nothing, unverifiable when detection cannot ' +
      'tell. For namespaces labelled ' +
      'pod-security.kubernetes.io/*, fails when kube-apiserver --disable-admission-plugins lists PodSecurity or ' +
      'the version is older than 1.23. For PodSecurityPolicy objects, fails from 1.25 on or when ' +
      '--enable-admission-plugins lacks PodSecurityPolicy.',
    falsePositives:
      'A policy engine ktm does not recognise (a custom eBPF agent, a host firewall) may enforce the policies: the ' +
      'result is then unverifiable, not a failure. Managed providers always run PodSecurity admission.',
    remediation: {
      shortTerm:
        'Install a network plugin or policy agent that enforces NetworkPolicy (Calico, Cilium, Antrea, the ' +
        "provider's network-policy add-on) and test a default-deny policy; remove PodSecurity from " +
        '--disable-admission-plugins; replace PodSecurityPolicies with Pod Security labels.',
      longTerm:
        'Test enforcement continuously (a canary pod that must be blocked), treat the network plugin as a ' +
        'security component owned by the platform team, and record in the threat model which controls each ' +
        'namespace relies on.',
    },
    references: [
      'https://github.com/kubernetes/kubernetes/issues/81146',
      'https://kubernetes.io/docs/concepts/services-networking/network-policies/#prerequisites',
      'https://kubernetes.io/docs/concepts/security/pod-security-admission/',
      'https://kubernetes.io/docs/concepts/security/pod-security-policy/',
    ],
    messages: {
      inert:
        'namespace {{namespace}} declares {{count}} NetworkPolicies ({{names}}) but the network plugin {{plugin}} does not enforce them',
      anpInert:
        'AdminNetworkPolicy {{name}} is declared but the network plugin {{plugin}} does not enforce it',
      pluginInert: '{{kind}} {{name}} is a {{family}} policy but {{reason}}: nothing enforces it',
      psaInert: 'namespace {{namespace}} is labelled for Pod Security ({{labels}}) but {{reason}}',
      pspInert: 'PodSecurityPolicy {{name}} is not applied: {{reason}}',
    },
  },
  check(ctx) {
    const inv = ctx.inventory;
    const byNamespace = policiesByNamespace(inv.ofKind('NetworkPolicy' as string));
    const anps = [...inv.ofKind('AdminNetworkPolicy'), ...inv.ofKind('BaselineAdminNetworkPolicy')];
    const plugin = ctx.analyses.networkPlugin();
    if (byNamespace.size > 0 || anps.length > 0) {
      const pluginEvidence: readonly Evidence[] = plugin.evidence;
      const unknown =
        'no network plugin was recognised from DaemonSets, Deployments or pods: include the kube-system workloads in the input, or accept this result with an exception naming the plugin';
      for (const [namespace, items] of byNamespace) {
        const subject = { kind: 'Namespace', name: namespace };
        ctx.examined(subject);
        const names = items.map((i) => i.object.metadata.name).sort();
        const evidence = [...items.map((i) => objectEvidence(i)), ...pluginEvidence];
        if (plugin.enforces === 'no')
          ctx.report({
            messageId: 'inert',
            data: { namespace, count: names.length, names: names.join(', '), plugin: plugin.plugin },
            subject,
            variant: 'network-policy-inert',
            evidence,
          });
        else if (plugin.enforces === 'unknown')
          ctx.unverifiable({
            subject,
            variant: 'network-policy-inert',
            missing:
              plugin.plugin === 'unknown'
                ? unknown
                : `the network plugin ${plugin.plugin} may or may not enforce NetworkPolicy (${plugin.detected.map((d) => d.reason).join('; ')})`,
            evidence,
          });
      }
      for (const item of anps) {
        const o = item.object;
        const subject = { kind: o.kind, name: o.metadata.name };
        ctx.examined(subject);
        if (plugin.enforces === 'no')
          ctx.report({
            messageId: 'anpInert',
            data: { name: o.metadata.name, plugin: plugin.plugin },
            subject,
            variant: 'network-policy-inert',
            evidence: [objectEvidence(item), ...pluginEvidence],
          });
        else if (plugin.enforces === 'unknown')
          ctx.unverifiable({
            subject,
            variant: 'network-policy-inert',
            missing: unknown,
            evidence: [objectEvidence(item)],
          });
      }
    }

    for (const [family, kinds] of [
      ['cilium', CILIUM_POLICY_KINDS],
      ['calico', CALICO_POLICY_KINDS],
    ] as const) {
      const items = kinds.flatMap((k) => inv.ofKind(k));
      if (items.length === 0) continue;
      const runs = policyPluginRuns(family, plugin);
      const own = runs === 'yes' && plugin.enforces === 'no';
      const reason = own
        ? `the network plugin ${plugin.plugin} enforces no policy (${plugin.detected.map((d) => d.reason).join('; ')})`
        : `the cluster runs ${plugin.plugin}, which does not read them`;
      for (const item of items) {
        const o = item.object;
        const subject = refOf(o);
        const name = `${o.metadata.namespace === undefined ? '' : `${o.metadata.namespace}/`}${o.metadata.name}`;
        ctx.examined(subject);
        if (runs === 'no' || own)
          ctx.report({
            messageId: 'pluginInert',
            data: { kind: o.kind, name, family: family === 'cilium' ? 'Cilium' : 'Calico', reason },
            subject,
            variant: 'plugin-policy-inert',
            evidence: [objectEvidence(item), ...plugin.evidence],
          });
        else if (runs === 'unknown')
          ctx.unverifiable({
            subject,
            variant: 'plugin-policy-inert',
            missing:
              plugin.plugin === 'unknown'
                ? `no network plugin was recognised, so whether ${family === 'cilium' ? 'Cilium' : 'Calico'} runs is unknown: include the kube-system workloads in the input`
                : `the network plugin ${plugin.plugin} may or may not read ${o.kind} (${plugin.detected.map((d) => d.reason).join('; ')})`,
            evidence: [objectEvidence(item)],
          });
      }
    }

    const apiservers = ctx.component('kube-apiserver');
    const managed =
      apiservers.managed.length > 0 ||
      (inv.cluster.provider !== undefined && MANAGED_PROVIDERS.has(inv.cluster.provider));
    const minor = ctx.minorVersion;

    const labelled = inv
      .ofKind('Namespace')
      .filter((n) => Object.keys(n.object.metadata?.labels ?? {}).some((l) => PSA_LABEL.test(l)));
    if (labelled.length > 0 && !managed) {
      const off = apiservers.visible
        .map((s) => ({ s, setting: s.get('disable-admission-plugins') }))
        .filter(({ setting }) => parseList(setting.value).includes('PodSecurity'));
      for (const item of labelled) {
        const namespace = item.object.metadata?.name ?? '';
        const subject = { kind: 'Namespace', name: namespace };
        ctx.examined(subject);
        const labels = Object.entries(item.object.metadata?.labels ?? {})
          .filter(([k]) => PSA_LABEL.test(k))
          .map(([k, v]) => `${k}=${v}`)
          .join(', ');
        const nsEvidence = objectEvidence(item, 'metadata.labels', labels);
        if (minor !== undefined && minor < 23)
          ctx.report({
            messageId: 'psaInert',
            data: {
              namespace,
              labels,
              reason: `Kubernetes 1.${minor} does not run Pod Security admission by default (beta and on from 1.23)`,
            },
            subject,
            variant: 'pod-security-inert',
            evidence: [nsEvidence],
          });
        else if (off.length > 0)
          ctx.report({
            messageId: 'psaInert',
            data: { namespace, labels, reason: 'kube-apiserver disables the PodSecurity admission plugin' },
            subject,
            variant: 'pod-security-inert',
            evidence: [nsEvidence, ...off.map(({ s, setting }) => settingEvidence(setting, s))],
          });
        else if (apiservers.visible.length === 0)
          ctx.unverifiable({
            subject,
            variant: 'pod-security-inert',
            missing:
              'kube-apiserver settings not collected, so whether PodSecurity admission runs is unknown: rerun against a live cluster or with --node-files for a control-plane node',
            evidence: [nsEvidence],
          });
      }
    }

    for (const item of inv.ofKind('PodSecurityPolicy')) {
      const name = item.object.metadata.name;
      const subject = { kind: 'PodSecurityPolicy', name };
      ctx.examined(subject);
      if (minor !== undefined && minor >= 25) {
        ctx.report({
          messageId: 'pspInert',
          data: {
            name,
            reason: `PodSecurityPolicy was removed in Kubernetes 1.25 and this cluster runs 1.${minor}`,
          },
          subject,
          variant: 'psp-inert',
          evidence: [objectEvidence(item)],
        });
        continue;
      }
      if (managed) continue;
      const without = apiservers.visible.filter(
        (s) => !parseList(s.get('enable-admission-plugins').value).includes('PodSecurityPolicy'),
      );
      if (without.length > 0)
        ctx.report({
          messageId: 'pspInert',
          data: {
            name,
            reason: 'kube-apiserver --enable-admission-plugins does not include PodSecurityPolicy',
          },
          subject,
          variant: 'psp-inert',
          evidence: [
            objectEvidence(item),
            ...without.map((s) => settingEvidence(s.get('enable-admission-plugins'), s)),
          ],
        });
      else if (apiservers.visible.length === 0)
        ctx.unverifiable({
          subject,
          variant: 'psp-inert',
          missing:
            'kube-apiserver settings and the server version were not collected: whether PodSecurityPolicy is applied is unknown',
          evidence: [objectEvidence(item)],
        });
    }
  },
});
