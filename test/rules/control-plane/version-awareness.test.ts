// Kubernetes version awareness: the same manifests judged under the defaults and removals of the detected version.
import { describe, expect, it } from 'vitest';
import type { InventoryItem, ServerVersion } from '../../../src/collect/inventory.js';
import { deriveSettings } from '../../../src/collect/settings/derive-settings.js';
import plaintextListener from '../../../src/rules/control-plane/plaintext-listener.js';
import policyNotEnforced from '../../../src/rules/control-plane/policy-not-enforced.js';
import weakTls from '../../../src/rules/control-plane/weak-tls.js';
import type { AnyRule } from '../../../src/rules/framework/define-rule.js';
import { runRules } from '../../../src/rules/framework/run-rules.js';
import { fakeInventory, item, obj } from '../framework/fake-inventory.js';

/** A kube-apiserver mirror pod with no --insecure-port and no --tls-min-version: the version's defaults decide. */
const apiserver = item(
  obj('Pod', 'kube-apiserver-cp1', 'kube-system', {
    metadata: {
      name: 'kube-apiserver-cp1',
      namespace: 'kube-system',
      labels: { component: 'kube-apiserver', tier: 'control-plane' },
      annotations: { 'kubernetes.io/config.mirror': 'x', 'kubernetes.io/config.source': 'file' },
    },
    spec: {
      nodeName: 'cp1',
      containers: [
        {
          name: 'kube-apiserver',
          command: [
            'kube-apiserver',
            '--authorization-mode=Node,RBAC',
            '--enable-admission-plugins=NodeRestriction,PodSecurityPolicy',
            '--tls-cert-file=/pki/apiserver.crt',
            '--tls-private-key-file=/pki/apiserver.key',
            '--kubelet-certificate-authority=/pki/ca.crt',
          ],
        },
      ],
    },
  }),
);
const psp = item(
  obj('PodSecurityPolicy', 'restricted', undefined, { apiVersion: 'policy/v1beta1', spec: {} }),
);

function variants(rule: AnyRule, minor: number, extra: InventoryItem[] = []): string[] {
  const serverVersion: ServerVersion = { major: '1', minor: String(minor), gitVersion: `v1.${minor}.0` };
  const items = [apiserver, ...extra];
  const settings = deriveSettings({ items, nodeFiles: [], serverVersion });
  const run = runRules(fakeInventory(items, settings, { serverVersion }), [rule]);
  return run.findings.filter((f) => f.status === 'fail').map((f) => f.variant ?? '');
}

describe('version awareness', () => {
  it('reports the apiserver insecure port by default before 1.20 only (removed in 1.24)', () => {
    expect(variants(plaintextListener, 18)).toContain('apiserver-insecure-port');
    expect(variants(plaintextListener, 24)).not.toContain('apiserver-insecure-port');
  });

  it('reports an unset minimum TLS version only where the Go runtime still accepted TLS 1.0', () => {
    expect(variants(weakTls, 27)).toContain('min-tls-version');
    expect(variants(weakTls, 30)).not.toContain('min-tls-version');
  });

  it('reports PodSecurityPolicies as inert once they were removed (1.25)', () => {
    expect(variants(policyNotEnforced, 24, [psp])).not.toContain('psp-inert');
    expect(variants(policyNotEnforced, 25, [psp])).toContain('psp-inert');
  });
});
