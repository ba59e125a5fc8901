// Zone criticality on the example cluster: ratings with their reasons, the cascade bound, and the severity raise.
import { modelOf } from '../../src/analysis/analyses.js';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { assess } from '../../src/assess.js';
import { loadInventory } from '../../src/collect/load.js';
import type { Inventory } from '../../src/collect/inventory.js';
import type { Model } from '../../src/model/types.js';
import { buildPrivilegeGraph, type PrivilegeGraph } from '../../src/analysis/privilege/index.js';
import { analysePlacement, type Placement } from '../../src/analysis/placement.js';
import {
  raiseForCriticality,
  rateCriticality,
  zoneOfSubject,
  type Criticality,
  type CriticalityRating,
} from '../../src/analysis/criticality.js';
import type { Finding } from '../../src/rules/finding.js';
import { SEVERITIES, severityRank, type Ref, type Severity } from '../../src/types.js';

let inv: Inventory;
let model: Model;
let pg: PrivilegeGraph;
let placement: Placement;
let crit: Criticality;

const zone = (id: string): CriticalityRating => {
  const r = crit.zones.find((z) => z.id === id);
  if (r === undefined) throw new Error(`no zone ${id}`);
  return r;
};
const comp = (id: string): CriticalityRating => {
  const r = crit.components.find((z) => z.id === id);
  if (r === undefined) throw new Error(`no component ${id}`);
  return r;
};

beforeAll(async () => {
  inv = await loadInventory({ kind: 'demo' });
  model = modelOf(inv);
  pg = buildPrivilegeGraph(inv);
  placement = analysePlacement(inv, pg);
  crit = rateCriticality({ inventory: inv, model, privilege: pg, placement });
}, 60_000);

describe('rateCriticality on the example cluster', () => {
  it('rates every zone and every component', () => {
    expect(crit.zones.map((z) => z.id)).toEqual(model.zones.map((z) => z.id));
    expect(crit.components.map((c) => c.id)).toEqual(model.components.map((c) => c.id));
  });

  it('rates Master Data and etcd Critical for confidentiality because etcd holds every Secret', () => {
    const md = zone('master-data');
    expect(md.confidentiality.level).toBe('Critical');
    const held = md.confidentiality.reasons.find((r) => r.kind === 'data-held');
    expect(held?.text).toMatch(/every Secret/);
    expect(held?.evidence.map((e) => e.ref.name)).toContain('etcd-lab-cp-1');
    const etcd = comp('etcd:lab-cp-1');
    expect(etcd.confidentiality.level).toBe('Critical');
    expect(etcd.confidentiality.reasons.map((r) => r.kind)).toEqual(
      expect.arrayContaining(['data-held', 'audit-classification']),
    );
  });

  it('starts from the audit classifications', () => {
    expect(comp('kube-apiserver').integrity.level).toBe('Critical');
    expect(comp('kube-scheduler').availability.level).toBe('Medium');
    expect(comp('kube-proxy:lab-worker-1').integrity.level).toBe('Medium');
    expect(comp('kubelet:lab-worker-1').integrity.level).toBe('High');
    expect(comp('runtime:lab-worker-1').integrity.level).toBe('High');
    expect(comp('kube-scheduler').integrity.reasons.some((r) => /Moderate/.test(r.text))).toBe(true);
  });

  it('lets facts raise a baseline: the kubelet on the only control-plane node is Critical', () => {
    const k = comp('kubelet:lab-cp-1');
    expect(k.confidentiality.level).toBe('Critical');
    expect(k.confidentiality.reasons[0]?.kind).toBe('credentials-held');
    expect(comp('kubelet:lab-worker-1').confidentiality.level).toBe('High');
  });

  it('rates namespace ci High integrity because its over-privileged service account reaches cluster-admin', () => {
    const ci = zone('namespace:ci');
    expect(ci.integrity.level).toBe('High');
    const reach = ci.integrity.reasons.find(
      (r) => r.kind === 'privilege-reach' && r.text.includes('cluster-admin rights'),
    );
    expect(reach?.text).toMatch(/ServiceAccount\/ci\/ci-deployer/);
    expect(reach?.text).toMatch(/in \d+ steps?/);
    expect(reach?.evidence.length).toBeGreaterThan(0);
  });

  it('rates kube-system Critical because a cluster-admin-equivalent identity lives in it', () => {
    const ks = zone('namespace:kube-system');
    const r = ks.integrity.reasons.find((x) => x.kind === 'cluster-admin-identity');
    expect(r?.level).toBe('Critical');
    expect(r?.text).toContain('admin-tools');
  });

  it('gives the zone whose replicas all sit on one node the placement reason', () => {
    const ks = zone('namespace:kube-system');
    const spof = ks.availability.reasons.find((r) => r.kind === 'single-point-of-failure');
    expect(spof?.text).toMatch(/kube-system\/coredns.*one node \(lab-worker-1\)/);
    expect(spof?.level).toBe('High');
    expect(comp('workload:kube-system/Deployment/coredns').availability.reasons.map((r) => r.kind)).toContain(
      'single-point-of-failure',
    );
  });

  it('takes blast radius from the cascade: the fail-closed webhook namespace is Critical for availability', () => {
    const ps = zone('namespace:policy-system');
    const blast = ps.availability.reasons.find((r) => r.kind === 'blast-radius');
    expect(blast?.level).toBe('Critical');
    expect(blast?.text).toMatch(/writes blocked/);
  });

  it('records Internet exposure and escape-capable colocation with the control plane', () => {
    const shop = zone('namespace:shop');
    expect(shop.confidentiality.reasons.find((r) => r.kind === 'internet-exposure')?.text).toMatch(
      /without TLS/,
    );
    const mon = zone('namespace:monitoring');
    expect(
      mon.integrity.reasons.some((r) => r.kind === 'escape-colocation' && r.text.includes('log-shipper')),
    ).toBe(true);
    expect(zone('internet').confidentiality.level).toBe('Low');
  });

  it('rolls nested zones up with a contains reason', () => {
    const container = zone('container');
    expect(container.confidentiality.level).toBe('Critical');
    expect(container.confidentiality.reasons.some((r) => r.kind === 'contains')).toBe(true);
  });

  it('counts credentials the rules found lying in the open as held by the zone', () => {
    const withFindings = rateCriticality({
      inventory: inv,
      model,
      privilege: pg,
      placement,
      findings: assess(inv).findings,
    });
    const shop = withFindings.zones.find((z) => z.id === 'namespace:shop');
    const held = shop?.confidentiality.reasons.find(
      (r) => r.kind === 'credentials-held' && r.text.includes('credentials-in-environment@'),
    );
    expect(held?.level).toBe('Medium');
    expect(zone('namespace:shop').confidentiality.reasons.some((r) => r.kind === 'credentials-held')).toBe(
      false,
    );
  });

  it('is deterministic', () => {
    const again = rateCriticality({ inventory: inv, model, privilege: pg, placement });
    expect(JSON.stringify(again)).toBe(JSON.stringify(crit));
  });

  it('bounds the cascades and says so', () => {
    const bounded = rateCriticality({ inventory: inv, model, privilege: pg, placement, maxCascades: 2 });
    expect(bounded.limits.join(' ')).toMatch(/blast radius computed for 2 zones and components only/);
    expect(crit.limits).toEqual([]);
  });
});

function finding(subject: Ref, severity: Severity): Finding {
  return {
    id: `test@${subject.name}`,
    rule: 'test',
    status: 'fail',
    severity,
    zone: 'Container',
    subject,
    message: 'm',
    evidence: [],
    remediation: { shortTerm: 's', longTerm: 'l' },
    references: [],
  };
}

describe('raiseForCriticality', () => {
  const apiPod: Ref = { kind: 'Pod', namespace: 'kube-system', name: 'kube-apiserver-lab-cp-1' };
  const shopPod: Ref = { kind: 'Pod', namespace: 'shop', name: 'anything' };

  it('finds the zone a subject lies in', () => {
    expect(zoneOfSubject(model, apiPod)).toBe('api-server');
    expect(zoneOfSubject(model, shopPod)).toBe('namespace:shop');
    expect(zoneOfSubject(model, { kind: 'Node', name: 'lab-cp-1' })).toBe('node:lab-cp-1');
    expect(zoneOfSubject(model, { kind: 'ClusterRole', name: 'x' })).toBeUndefined();
  });

  it('raises a finding in a Critical zone by one level and records why', () => {
    const r = raiseForCriticality(finding(apiPod, 'low'), model, crit);
    expect(r.severity).toBe('medium');
    expect(r.severityRaise).toMatchObject({ from: 'low', zone: 'api-server', zoneName: 'API Server' });
    expect(r.severityRaise?.reason).toMatch(/rated Critical for confidentiality/);
  });

  it('leaves findings outside Critical zones alone, and caps at critical', () => {
    expect(zone('namespace:shop').confidentiality.level).not.toBe('Critical');
    const shop = raiseForCriticality(finding(shopPod, 'low'), model, crit);
    expect(shop.severity).toBe('low');
    expect(shop.severityRaise).toBeUndefined();
    const top = raiseForCriticality(finding(apiPod, 'critical'), model, crit);
    expect(top.severity).toBe('critical');
    expect(top.severityRaise).toBeUndefined();
  });

  it('never lowers a severity and raises by at most one level', () => {
    const subjects: Ref[] = [
      apiPod,
      shopPod,
      { kind: 'Node', name: 'lab-cp-1' },
      { kind: 'Node', name: 'lab-worker-1' },
      { kind: 'ServiceAccount', namespace: 'kube-system', name: 'admin-tools' },
      { kind: 'Secret', namespace: 'ci', name: 'ci-deployer-token' },
    ];
    fc.assert(
      fc.property(fc.constantFrom(...SEVERITIES), fc.constantFrom(...subjects), (sev, subject) => {
        const r = raiseForCriticality(finding(subject, sev), model, crit);
        const d = severityRank(r.severity) - severityRank(sev);
        return d >= 0 && d <= 1 && (d === 1) === (r.severityRaise !== undefined);
      }),
    );
  });
});
