// controller-least-authority on settings built in memory (independent of the settings derivation).
import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/control-plane/controller-least-authority.js';
import { runRules } from '../../../src/rules/framework/run-rules.js';
import { deriveSettings } from '../../../src/collect/settings/derive-settings.js';
import { fakeInventory, fakeSettings } from '../framework/fake-inventory.js';

const run = (flags: Record<string, string>) =>
  runRules(
    fakeInventory(
      [],
      [
        fakeSettings('kube-controller-manager', flags, {
          defaults: { 'use-service-account-credentials': 'false' },
        }),
      ],
    ),
    [rule],
  );

describe('controller-least-authority', () => {
  it('fails when the flag is absent (default false) or false, passes when true', () => {
    expect(run({}).findings.map((f) => f.message)).toEqual([
      'kube-controller-manager runs every controller with its own identity: --use-service-account-credentials is false (default)',
    ]);
    expect(run({ 'use-service-account-credentials': 'false' }).findings).toHaveLength(1);
    expect(run({ 'use-service-account-credentials': 'true' }).findings).toEqual([]);
  });

  it('is unverifiable on a managed control plane, naming where to look', () => {
    const settings = deriveSettings({ items: [], nodeFiles: [], provider: 'gke' });
    const r = runRules(fakeInventory([], settings, { provider: 'gke' }), [rule]);
    expect(r.findings[0]).toMatchObject({
      status: 'unverifiable',
      missing: expect.stringContaining('(gke)'),
    });
  });
});
