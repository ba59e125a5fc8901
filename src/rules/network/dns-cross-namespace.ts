// Rule dns-cross-namespace (informational): cluster DNS answers every pod about every namespace's Services and pods.
import { defineRule } from '../framework/define-rule.js';
import { objectEvidence } from '../framework/evidence.js';
import { rec } from './support/network-analyses.js';

/** The server blocks of a Corefile that configure the kubernetes plugin, with the plugin's own block text. */
function kubernetesBlocks(corefile: string): string[] {
  const out: string[] = [];
  const re = /^\s*kubernetes\b[^{\n]*(\{[^}]*\})?/gm;
  for (const m of corefile.matchAll(re)) out.push(m[0]);
  return out;
}

export default defineRule({
  meta: {
    id: 'dns-cross-namespace',
    aliases: ['TOB-K8S-032'],
    sources: ['TOB-K8S-032'],
    tier: 'core',
    inputs: { kinds: ['ConfigMap', 'Deployment'] },
    title: 'Cluster DNS discloses services across namespaces',
    description:
      "Cluster DNS answers any pod's queries about any namespace: Service names, their cluster IPs and, with " +
      '`pods insecure`, a name for any IP address whether or not a pod has it. The 2019 audit (TOB-K8S-032) noted ' +
      'that this lets a tenant map the whole cluster, which is by design for Kubernetes DNS. Informational: the ' +
      'finding records that names are not a boundary, so namespaces must be isolated by policy, not obscurity.',
    zone: 'Container',
    stride: ['information-disclosure'],
    likelihood: 'low',
    impact: 'low',
    variants: {
      'cross-namespace': { title: 'the kubernetes plugin serves every namespace to every pod' },
      'pods-insecure': { title: '`pods insecure` answers pod A records without checking the pod exists' },
    },
    detection:
      'Reads the CoreDNS Corefile (ConfigMap kube-system/coredns, or rke2-coredns-rke2-coredns). Reports ' +
      'cross-namespace when a kubernetes plugin block has no `namespaces` restriction, and pods-insecure when it ' +
      'sets `pods insecure` (the kubeadm default). Unverifiable when a CoreDNS or kube-dns Deployment is in the ' +
      'input but its configuration is not.',
    falsePositives:
      'Cross-namespace discovery is what Kubernetes DNS is for; restricting it breaks Services used across ' +
      'namespaces. Treat the finding as a statement about isolation, not as a defect to fix at any cost.',
    remediation: {
      shortTerm:
        'Set `pods verified` (or `pods disabled`) in the Corefile, and use NetworkPolicy so that knowing a ' +
        "Service's name does not give access to it.",
      longTerm:
        'Treat names and IPs as public inside the cluster: isolate tenants with NetworkPolicy, separate clusters ' +
        'for hostile tenants, or a DNS policy plugin (e.g. CoreDNS firewall) where discovery must be limited.',
    },
    references: [
      'https://github.com/kubernetes/kubernetes/issues/81137',
      'https://coredns.io/plugins/kubernetes/',
      'https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/',
    ],
    messages: {
      crossNamespace: 'cluster DNS ({{configMap}}) answers every pod about the Services of every namespace',
      podsInsecure: 'cluster DNS ({{configMap}}) answers pod A records for any address (`pods insecure`)',
    },
  },
  check(ctx) {
    const inv = ctx.inventory;
    const maps = inv
      .ofKind('ConfigMap')
      .filter(
        (m) =>
          m.object.metadata.namespace === 'kube-system' &&
          /coredns/.test(m.object.metadata.name) &&
          typeof rec(m.object.data)['Corefile'] === 'string',
      );
    for (const m of maps) {
      const ref = { kind: 'ConfigMap', namespace: 'kube-system', name: m.object.metadata.name };
      ctx.examined(ref);
      const corefile = rec(m.object.data)['Corefile'] as string;
      const blocks = kubernetesBlocks(corefile);
      const name = `kube-system/${m.object.metadata.name}`;
      const open = blocks.find((b) => !/^\s*namespaces\s/m.test(b));
      if (open !== undefined)
        ctx.report({
          messageId: 'crossNamespace',
          data: { configMap: name },
          subject: ref,
          variant: 'cross-namespace',
          evidence: [objectEvidence(m, 'data.Corefile', open.split('\n')[0]?.trim() ?? 'kubernetes')],
        });
      if (blocks.some((b) => /^\s*pods\s+insecure\b/m.test(b)))
        ctx.report({
          messageId: 'podsInsecure',
          data: { configMap: name },
          subject: ref,
          variant: 'pods-insecure',
          evidence: [objectEvidence(m, 'data.Corefile', 'pods insecure')],
        });
    }
    if (maps.length > 0) return;
    const dns = inv
      .ofKind('Deployment')
      .find(
        (d) =>
          d.object.metadata.namespace === 'kube-system' &&
          /^(coredns|kube-dns)/.test(d.object.metadata.name ?? ''),
      );
    if (dns !== undefined)
      ctx.unverifiable({
        subject: { kind: 'Deployment', namespace: 'kube-system', name: dns.object.metadata.name ?? '' },
        missing:
          'the CoreDNS configuration (ConfigMap kube-system/coredns) was not collected: include it in the manifests or collect live',
      });
  },
});
