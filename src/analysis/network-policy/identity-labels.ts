// Labels the network plugins give every pod besides its own (namespace, service account, namespace labels), so their selectors can name them.
import type { Labels } from './label-selector.js';

/** Cilium: https://docs.cilium.io/en/stable/security/policy/kubernetes/#namespaces and #serviceaccounts. */
export const CILIUM_NAMESPACE = 'io.kubernetes.pod.namespace';
export const CILIUM_NAMESPACE_LABELS = 'io.cilium.k8s.namespace.labels.';
export const CILIUM_SERVICE_ACCOUNT = 'io.cilium.k8s.policy.serviceaccount';
/** Calico: https://docs.tigera.io/calico/latest/reference/resources/networkpolicy#selectors. */
export const CALICO_NAMESPACE = 'projectcalico.org/namespace';
export const CALICO_ORCHESTRATOR = 'projectcalico.org/orchestrator';
export const CALICO_SERVICE_ACCOUNT = 'projectcalico.org/serviceaccount';
export const CALICO_NAMESPACE_LABELS = 'pcns.';
/** The label Calico gives every namespace with its name (namespaceSelector: projectcalico.org/name == 'x'). */
export const CALICO_NAMESPACE_NAME = 'projectcalico.org/name';

/**
 * The plugin labels among `wanted` (the keys some selector reads) for a pod of `namespace` running as
 * `serviceAccount`; labels no selector reads are not added, so classes stay as few as before.
 */
export function identityLabels(
  wanted: ReadonlySet<string>,
  namespace: string,
  namespaceLabels: Labels,
  serviceAccount: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of wanted) {
    if (k === CILIUM_NAMESPACE || k === CALICO_NAMESPACE) out[k] = namespace;
    else if (k === CILIUM_SERVICE_ACCOUNT || k === CALICO_SERVICE_ACCOUNT) out[k] = serviceAccount;
    else if (k === CALICO_ORCHESTRATOR) out[k] = 'k8s';
    else {
      const prefix = k.startsWith(CILIUM_NAMESPACE_LABELS)
        ? CILIUM_NAMESPACE_LABELS
        : k.startsWith(CALICO_NAMESPACE_LABELS)
          ? CALICO_NAMESPACE_LABELS
          : undefined;
      if (prefix === undefined) continue;
      const key = k.slice(prefix.length);
      const v = Object.prototype.hasOwnProperty.call(namespaceLabels, key) ? namespaceLabels[key] : undefined;
      if (v !== undefined) out[k] = v;
    }
  }
  return out;
}

/** Whether a label key is one identityLabels can supply. */
export function isIdentityKey(k: string): boolean {
  return (
    k === CILIUM_NAMESPACE ||
    k === CALICO_NAMESPACE ||
    k === CILIUM_SERVICE_ACCOUNT ||
    k === CALICO_SERVICE_ACCOUNT ||
    k === CALICO_ORCHESTRATOR ||
    k.startsWith(CILIUM_NAMESPACE_LABELS) ||
    k.startsWith(CALICO_NAMESPACE_LABELS)
  );
}
