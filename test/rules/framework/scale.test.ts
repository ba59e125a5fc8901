// Scale: every registered rule over the reference cluster size (5,000 nodes, 150,000 pods, 10,000 namespaces and policies).
import { describe, expect, it } from 'vitest';
import type { InventoryItem } from '../../../src/collect/inventory.js';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RULES } from '../../../src/rules/registry.js';
import { annotationExceptions } from '../../../src/rules/framework/exceptions.js';
import { runRules } from '../../../src/rules/framework/run-rules.js';
import { fakeInventory, fakeSettings, item, obj } from './fake-inventory.js';

/** The control-plane and node rules (this test's scope; every area measures its own rules). */
const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/rules');
const MINE = new Set(
  ['control-plane', 'node'].flatMap((area) =>
    readdirSync(path.join(SRC, area)).map((f) => path.basename(f, '.ts')),
  ),
);
const RULES_HERE = RULES.filter((r) => MINE.has(r.meta.id));

const NODES = 5_000;
const PODS = 150_000;
const NAMESPACES = 10_000;

function cluster() {
  const items: InventoryItem[] = [];
  for (let n = 0; n < NODES; n++)
    items.push(
      item(
        obj('Node', `node-${n}`, undefined, {
          metadata: {
            name: `node-${n}`,
            // Half the nodes accept the read-only-port risk through the annotation.
            ...(n % 2 === 0
              ? {
                  annotations: {
                    'ktm.dev/exceptions': 'kubelet-unauthenticated#read-only-port: legacy monitoring, OPS-7',
                  },
                }
              : {}),
          },
        }),
      ),
    );
  for (let ns = 0; ns < NAMESPACES; ns++) {
    items.push(item(obj('Namespace', `ns-${ns}`)));
    items.push(
      item(
        obj('NetworkPolicy', 'default-deny', `ns-${ns}`, {
          spec: { podSelector: {}, policyTypes: ['Ingress'] },
        }),
      ),
    );
  }
  for (let p = 0; p < PODS; p++) {
    const ns = `ns-${p % NAMESPACES}`;
    items.push(
      item(
        obj('Pod', `pod-${p}`, ns, {
          spec: {
            nodeName: `node-${p % NODES}`,
            containers: [{ name: 'app', image: 'example.com/app:1' }],
            volumes: p % 50 === 0 ? [{ name: 'logs', hostPath: { path: '/var/log' } }] : [],
          },
        }),
      ),
    );
  }
  items.push(
    item(
      obj('DaemonSet', 'calico-node', 'kube-system', {
        apiVersion: 'apps/v1',
        spec: {
          template: {
            spec: { containers: [{ name: 'calico-node', image: 'docker.io/calico/node:v3.28.1' }] },
          },
        },
      }),
    ),
  );
  const settings = [
    ...[0, 1, 2].map((i) =>
      fakeSettings(
        'kube-apiserver',
        { 'audit-log-path': '/var/log/kubernetes/audit/audit.log', 'authorization-mode': 'Node,RBAC' },
        {
          ref: { kind: 'Pod', namespace: 'kube-system', name: `kube-apiserver-node-${i}` },
          node: `node-${i}`,
        },
      ),
    ),
    ...Array.from({ length: NODES }, (_, n) =>
      fakeSettings(
        'kubelet',
        {
          'anonymous-auth': 'false',
          'authorization-mode': 'Webhook',
          'read-only-port': '10255',
          'client-ca-file': '/ca.crt',
        },
        { ref: { kind: 'Node', name: `node-${n}` }, node: `node-${n}` },
      ),
    ),
  ];
  return fakeInventory(items, settings);
}

describe('rules at the reference scale', () => {
  it('run in seconds, with annotation exceptions indexed', () => {
    const inv = cluster();
    const start = performance.now();
    const ann = annotationExceptions(inv, RULES);
    const run = runRules(inv, RULES_HERE, { exceptions: ann.exceptions });
    const ms = performance.now() - start;
    for (const rule of RULES_HERE) {
      const t = performance.now();
      runRules(inv, [rule]);
      console.log(`  ${rule.meta.id}: ${(performance.now() - t).toFixed(0)} ms`);
    }
    console.log(
      `${RULES_HERE.length} rules over ${inv.items.length} objects: ${ms.toFixed(0)} ms, ${run.findings.length} findings, ${run.suppressed.length} suppressed`,
    );
    expect(run.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(run.suppressed.length).toBe(NODES / 2);
    expect(run.findings.filter((f) => f.variant === 'read-only-port')).toHaveLength(NODES / 2);
    expect(ms).toBeLessThan(30_000);
  });
});
