// Declared egress verdicts for one external address (the cloud metadata flow): ipBlock, except, ports, selectors.
import { describe, expect, it } from 'vitest';
import type * as k8s from '@kubernetes/client-node';
import type { InventoryItem } from '../../src/collect/inventory.js';
import { cidrContains, egressVerdict } from '../../src/model/egress-policy.js';

/** Policies as parsed JSON (plain objects, the way the inventory holds them). */
const policy = (name: string, spec: Record<string, unknown>): InventoryItem<k8s.V1NetworkPolicy> =>
  JSON.parse(
    JSON.stringify({
      object: {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name, namespace: 'a' },
        spec,
      },
      source: { file: 'p.yaml' },
    }),
  ) as InventoryItem<k8s.V1NetworkPolicy>;
const IMDS = '169.254.169.254';

describe('cidrContains', () => {
  it('matches IPv4 prefixes', () => {
    expect(cidrContains('0.0.0.0/0', IMDS)).toBe(true);
    expect(cidrContains('169.254.0.0/16', IMDS)).toBe(true);
    expect(cidrContains('169.254.169.254/32', IMDS)).toBe(true);
    expect(cidrContains('10.0.0.0/8', IMDS)).toBe(false);
    expect(cidrContains('::/0', IMDS)).toBe(false);
    expect(cidrContains('garbage', IMDS)).toBe(false);
  });
});

describe('egressVerdict', () => {
  it('allows when no egress policy selects the pods', () => {
    expect(
      egressVerdict([policy('ing', { podSelector: {}, policyTypes: ['Ingress'] })], {}, IMDS, 80).verdict,
    ).toBe('allowed');
  });
  it('blocks under a default deny egress', () => {
    expect(
      egressVerdict([policy('deny', { podSelector: {}, policyTypes: ['Egress'] })], {}, IMDS, 80).verdict,
    ).toBe('blocked');
  });
  it('honours ipBlock except', () => {
    const p = policy('out', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }] }],
    });
    expect(egressVerdict([p], {}, IMDS, 80).verdict).toBe('blocked');
    expect(egressVerdict([p], {}, '8.8.8.8', 80).verdict).toBe('allowed');
  });
  it('is a union: another policy selecting the pod may allow it', () => {
    const deny = policy('deny', { podSelector: {}, policyTypes: ['Egress'] });
    const allow = policy('allow', {
      podSelector: { matchLabels: { app: 'agent' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '169.254.0.0/16' } }], ports: [{ protocol: 'TCP', port: 80 }] }],
    });
    expect(egressVerdict([deny, allow], { app: 'agent' }, IMDS, 80).verdict).toBe('allowed');
    expect(egressVerdict([deny, allow], { app: 'other' }, IMDS, 80).verdict).toBe('blocked');
    expect(egressVerdict([deny, allow], { app: 'agent' }, IMDS, 443).verdict).toBe('blocked');
  });
  it('treats a rule without `to` as all destinations, and pod-selector peers as not matching an address', () => {
    const all = policy('all', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] });
    expect(egressVerdict([all], {}, IMDS, 80).verdict).toBe('allowed');
    const pods = policy('pods', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: {} }] }],
    });
    expect(egressVerdict([pods], {}, IMDS, 80).verdict).toBe('blocked');
  });
});
