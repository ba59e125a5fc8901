// Issue planning: attack paths grouped by the step that cuts the most of them, findings grouped by rule, zone,
// remediation and owner, and nothing lost (every discrepancy covered by exactly one issue).
import { beforeAll, describe, expect, it } from 'vitest';
import { planIssues, type PlanPath } from '../../src/issues/plan.js';
import { draftIssue, draftIssues } from '../../src/issues/drafts.js';
import { buildDiscrepancies, Ownership } from '../../src/issues/discrepancies.js';
import type { Discrepancy } from '../../src/issues/discrepancy.js';
import { loadInventory } from '../../src/collect/load.js';
import { assess, type Assessment } from '../../src/assess.js';
import type { Ref } from '../../src/types.js';

const sa = (ns: string, name: string): Ref => ({ kind: 'ServiceAccount', namespace: ns, name });
const pod = (ns: string, name: string): Ref => ({ kind: 'Pod', namespace: ns, name });
const ADMIN: Ref = { kind: 'PermissionSet', name: 'cluster-admin' };

function step(type: string, from: Ref, to: Ref): PlanPath['steps'][number] {
  return { type, from, to, control: `cut ${type}`, evidence: [{ ref: from, value: type }] };
}

function pathFinding(entry: Ref, jewel: string, severity: Discrepancy['severity'] = 'high'): Discrepancy {
  const who = entry.namespace === undefined ? entry.name : `${entry.namespace}/${entry.name}`;
  return {
    kind: 'finding',
    key: `attack-path@${entry.kind}/${who}#${jewel}`,
    identity: ['attack-path', jewel, entry.kind, entry.namespace ?? '', entry.name],
    title: `path from ${who} to ${jewel}`,
    zone: 'Container',
    relatedTeams: [],
    severity,
    subject: entry,
    statement: 'a path',
    evidence: [],
    remediation: { shortTerm: 'Cut the cheapest step.', longTerm: 'Remove classes of steps.' },
    references: [],
    rule: 'attack-path',
    ruleZone: 'Container',
  };
}

function finding(
  rule: string,
  subject: Ref,
  opts: { owner?: string; shortTerm?: string; severity?: Discrepancy['severity'] } = {},
): Discrepancy {
  return {
    kind: 'finding',
    key: `${rule}@${subject.kind}/${subject.namespace ?? ''}/${subject.name}`,
    identity: [rule, '', subject.kind, subject.namespace ?? '', subject.name],
    title: `${subject.name} breaks ${rule}`,
    zone: `namespace:${subject.namespace ?? ''}`,
    ...(opts.owner === undefined ? {} : { owner: opts.owner }),
    relatedTeams: [],
    severity: opts.severity ?? 'high',
    subject,
    statement: rule,
    evidence: [{ ref: subject, value: 'x' }],
    remediation: { shortTerm: opts.shortTerm ?? 'Fix it.', longTerm: 'Enforce it.' },
    references: [],
    rule,
    ruleZone: 'Container',
  };
}

const assumption: Discrepancy = {
  kind: 'assumption',
  key: 'payments-default-deny',
  identity: ['payments-default-deny'],
  title: 'Assumption contradicted: payments denies ingress',
  zone: 'namespace:payments',
  relatedTeams: [],
  severity: 'high',
  statement: 'assumed',
  evidence: [],
  remediation: { shortTerm: 'a', longTerm: 'b' },
  references: [],
};

/** Every discrepancy key, and the keys the planned issues cover (with repeats, to catch double cover). */
function coverage(discrepancies: readonly Discrepancy[], planned: readonly Discrepancy[]) {
  return {
    all: discrepancies.map((d) => d.key).sort(),
    covered: planned.flatMap((p) => (p.covers ?? []).map((c) => c.key)).sort(),
  };
}

describe('planIssues: attack paths by the step that cuts them', () => {
  // a and b share the token step near the jewel; b and c share an earlier step; d stands alone.
  const tokenStep = step('PERMISSION_DISCOVER', sa('ops', 'deployer'), ADMIN);
  const paths: PlanPath[] = [
    {
      entry: pod('shop', 'a'),
      jewel: 'cluster-admin',
      steps: [step('TOKEN_STEAL', pod('shop', 'a'), sa('ops', 'deployer')), tokenStep],
    },
    {
      entry: pod('shop', 'b'),
      jewel: 'cluster-admin',
      steps: [
        step('CONTAINER_ATTACH', pod('shop', 'b'), pod('shop', 'c')),
        step('TOKEN_STEAL', pod('shop', 'c'), sa('ops', 'deployer')),
        tokenStep,
      ],
    },
    {
      entry: pod('shop', 'c'),
      jewel: 'cluster-admin',
      steps: [step('TOKEN_STEAL', pod('shop', 'c'), sa('ops', 'deployer')), tokenStep],
    },
    {
      entry: pod('ci', 'd'),
      jewel: 'control-plane-node',
      steps: [step('CE_PRIV_MOUNT', pod('ci', 'd'), { kind: 'Node', name: 'cp-1' })],
    },
  ];
  const discrepancies = [
    pathFinding(pod('shop', 'a'), 'cluster-admin'),
    pathFinding(pod('shop', 'b'), 'cluster-admin', 'critical'),
    pathFinding(pod('shop', 'c'), 'cluster-admin'),
    pathFinding(pod('ci', 'd'), 'control-plane-node'),
  ];

  it('files one issue for the step on the most paths, listing the paths it cuts', () => {
    const planned = planIssues({ discrepancies, attackPaths: paths });
    expect(planned).toHaveLength(2);
    const [shared, alone] = planned;
    expect(shared!.key).toBe(
      'cut:PERMISSION_DISCOVER ServiceAccount/ops/deployer -> PermissionSet/cluster-admin',
    );
    expect(shared!.covers!.map((c) => c.key)).toEqual([
      'attack-path@Pod/shop/a#cluster-admin',
      'attack-path@Pod/shop/b#cluster-admin',
      'attack-path@Pod/shop/c#cluster-admin',
    ]);
    expect(shared!.severity).toBe('critical');
    expect(shared!.title).toBe(
      'Cut 3 attack paths at one step: PERMISSION_DISCOVER ServiceAccount/ops/deployer → PermissionSet/cluster-admin',
    );
    expect(shared!.remediation.shortTerm).toBe('Cut this step: cut PERMISSION_DISCOVER.');
    expect(alone!.title).toBe('Cut 1 attack path at one step: CE_PRIV_MOUNT Pod/ci/d → Node/cp-1');
  });

  it('covers every path exactly once, whatever the input order', () => {
    const planned = planIssues({
      discrepancies: [...discrepancies].reverse(),
      attackPaths: [...paths].reverse(),
    });
    const { all, covered } = coverage(discrepancies, planned);
    expect(covered).toEqual(all);
    expect(planned.map((p) => p.key).sort()).toEqual(
      planIssues({ discrepancies, attackPaths: paths })
        .map((p) => p.key)
        .sort(),
    );
  });

  it('never files a cut at a step nothing cuts while the path has another step', () => {
    const own = {
      ...step('CONTAINER_ATTACH', pod('shop', 'a'), pod('shop', 'a/c')),
      control: 'none: a pod owns its containers',
    };
    const twoPaths: PlanPath[] = [
      {
        entry: pod('shop', 'a'),
        jewel: 'cluster-admin',
        steps: [own, step('TOKEN_STEAL', pod('shop', 'a/c'), ADMIN)],
      },
      {
        entry: pod('shop', 'a'),
        jewel: 'control-plane-node',
        steps: [own, step('CE_NSENTER', pod('shop', 'a/c'), { kind: 'Node', name: 'cp-1' })],
      },
    ];
    const planned = planIssues({
      discrepancies: [
        pathFinding(pod('shop', 'a'), 'cluster-admin'),
        pathFinding(pod('shop', 'a'), 'control-plane-node'),
      ],
      attackPaths: twoPaths,
    });
    expect(planned.map((p) => p.key.split(' ')[0])).toEqual(['cut:CE_NSENTER', 'cut:TOKEN_STEAL']);
  });

  it('keeps a path finding whose steps are unknown as its own issue', () => {
    const planned = planIssues({ discrepancies, attackPaths: [] });
    expect(planned).toHaveLength(4);
    expect(planned.map((p) => p.covers!.map((c) => c.key))).toEqual(discrepancies.map((d) => [d.key]));
  });
});

describe('planIssues: findings of one rule, zone, remediation and owner', () => {
  const discrepancies = [
    finding('token-automount', pod('shop', 'a')),
    finding('token-automount', pod('ci', 'b'), { severity: 'critical' }),
    finding('token-automount', pod('pay', 'c'), { owner: 'team-pay' }),
    finding('token-automount', pod('shop', 'd'), { shortTerm: 'Something else.' }),
    finding('seccomp-disabled', pod('shop', 'a')),
    assumption,
  ];
  const planned = planIssues({ discrepancies });

  it('groups the findings that share all four, and lists the subjects', () => {
    const grouped = planned.find((p) => (p.covers ?? []).length === 2)!;
    expect(grouped.covers!.map((c) => c.subject?.name)).toEqual(['b', 'a']);
    expect(grouped.severity).toBe('critical');
    expect(grouped.title).toMatch(/: 2 subjects in Container$/);
    const body = draftIssue(grouped).body;
    expect(body).toContain('## Covers (2)');
    expect(body).toContain('Pod/ci/b');
    expect(body).toContain('Pod/shop/a');
  });

  it('keeps a different owner or remediation apart, and assumptions as they are', () => {
    expect(planned).toHaveLength(5);
    const keys = planned.map((p) => p.key);
    expect(keys).toContain('group:token-automount@Container/team-pay');
    expect(keys.filter((k) => k.startsWith('group:token-automount@Container#'))).toHaveLength(2);
    expect(keys).toContain('payments-default-deny');
    const { all, covered } = coverage(discrepancies, planned);
    expect(covered).toEqual(all);
  });

  it('keeps the group fingerprint while subjects come and go', () => {
    const fewer = planIssues({ discrepancies: discrepancies.filter((d) => d.subject?.name !== 'b') });
    const more = planIssues({
      discrepancies: [...discrepancies, finding('seccomp-disabled', pod('x', 'y'))],
    });
    const fp = (ps: Discrepancy[], rule: string): string[] =>
      draftIssues(ps.filter((p) => p.rule === rule)).map((d) => d.fingerprint);
    expect(fp(more, 'seccomp-disabled')).toEqual(fp(planned, 'seccomp-disabled'));
    expect(fp(fewer, 'token-automount').sort()).toEqual(fp(planned, 'token-automount').sort());
  });
});

describe('planIssues on the example cluster', () => {
  let assessment: Assessment;
  let discrepancies: Discrepancy[];
  let planned: Discrepancy[];
  beforeAll(async () => {
    assessment = assess(await loadInventory({ kind: 'demo' }));
    const ownership = new Ownership({ model: assessment.model, owners: new Map() });
    discrepancies = buildDiscrepancies({
      findings: assessment.findings,
      assumptions: [],
      drift: [],
      ownership,
      threshold: 'high',
    });
    planned = planIssues({ discrepancies, attackPaths: assessment.attackGraph.paths, ownership });
  });

  it('covers every discrepancy exactly once, in far fewer issues', () => {
    const { all, covered } = coverage(discrepancies, planned);
    expect(covered).toEqual(all);
    expect(discrepancies.length).toBe(122);
    expect(planned.length).toBeLessThan(40);
    expect(new Set(draftIssues(planned).map((d) => d.fingerprint)).size).toBe(planned.length);
  });

  it('files every attack path under a step that lies on it', () => {
    const paths = assessment.attackGraph.paths as PlanPath[];
    for (const p of planned.filter((x) => x.key.startsWith('cut:'))) {
      for (const c of p.covers!) {
        const path = paths.find((x) => c.key === `attack-path@${refString(x.entry)}#${x.jewel}`)!;
        const keys = path.steps.map((s) => `cut:${s.type} ${refString(s.from)} -> ${refString(s.to)}`);
        expect(keys).toContain(p.key);
      }
    }
  });
});

function refString(r: Ref): string {
  return r.namespace === undefined ? `${r.kind}/${r.name}` : `${r.kind}/${r.namespace}/${r.name}`;
}
