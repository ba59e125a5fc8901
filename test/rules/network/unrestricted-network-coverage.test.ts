// unrestricted-network when Cilium or Calico policies could not be read: a namespace without a visible policy is unverifiable, not a failure.
import { describe, expect, it } from 'vitest';
import { Inventory } from '../../../src/collect/inventory.js';
import { runRules } from '../../../src/rules/framework/run-rules.js';
import { RULES } from '../../../src/rules/registry.js';
import { item, obj } from '../framework/fake-inventory.js';
import { wholeClusterCoverage } from '../../helpers/whole-cluster-coverage.js';

const rule = RULES.find((r) => r.meta.id === 'unrestricted-network')!;

function inventory(ciliumState: 'read' | 'forbidden'): Inventory {
  return new Inventory({
    cluster: { name: 'live' },
    items: [item(obj('Namespace', 'shop')), item(obj('Pod', 'web', 'shop', { spec: { containers: [] } }))],
    coverage: {
      mode: 'live',
      // Every other kind read (none present), so only the Cilium policies' coverage varies.
      resources: wholeClusterCoverage().resources.map((r) =>
        r.kind === 'CiliumNetworkPolicy'
          ? { ...r, state: ciliumState, ...(ciliumState === 'forbidden' ? { reason: 'forbidden' } : {}) }
          : { ...r, count: r.kind === 'Namespace' || r.kind === 'Pod' ? 1 : 0 },
      ),
      facts: [],
    },
  });
}

describe('unrestricted-network and unread plugin policies', () => {
  it('fails a namespace with no policy when every policy kind was read, and is unverifiable when one was forbidden', () => {
    const noPolicy = (inv: Inventory) =>
      runRules(inv, [rule])
        .findings.filter((f) => f.variant === 'no-policy')
        .map((f) => `${f.status} ${f.message}`);
    expect(noPolicy(inventory('read'))).toEqual([
      'fail namespace shop has no network policy: every pod may reach its pods and they may reach anything',
    ]);
    expect(noPolicy(inventory('forbidden'))).toEqual([
      'unverifiable cannot be decided: CiliumNetworkPolicy could not be read (forbidden or failed): such a policy may cover it',
    ]);
  });
});
