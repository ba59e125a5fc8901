// The RBAC index decides like the Kubernetes RBAC authorizer: scopes, wildcards, subresources, names, aggregation, groups.
import { describe, expect, it } from 'vitest';
import { buildRbacIndex, type Subject } from '../../../src/analysis/privilege/rbac-index.js';
import { resourceMatches, ruleAllows, toPolicyRule } from '../../../src/analysis/privilege/rbac-match.js';
import { inventoryOf, k } from './helpers.js';

const alice: Subject = { kind: 'User', name: 'alice' };
const sa = (namespace: string, name: string): Subject => ({ kind: 'ServiceAccount', namespace, name });

describe('rule matching', () => {
  const rule = (r: Record<string, unknown>) => toPolicyRule(r)!;
  it('* matches every resource and subresource; pods/* is not a wildcard; */scale matches any scale', () => {
    expect(resourceMatches(rule({ resources: ['*'] }), 'pods', 'exec')).toBe(true);
    expect(resourceMatches(rule({ resources: ['pods/*'] }), 'pods', 'exec')).toBe(false);
    expect(resourceMatches(rule({ resources: ['pods'] }), 'pods', 'exec')).toBe(false);
    expect(resourceMatches(rule({ resources: ['*/scale'] }), 'deployments', 'scale')).toBe(true);
    expect(resourceMatches(rule({ resources: ['*/scale'] }), 'deployments')).toBe(false);
  });
  it('resourceNames allow only named requests (a list names nothing)', () => {
    const r = rule({ verbs: ['get', 'list'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a'] });
    expect(ruleAllows(r, { verb: 'get', group: '', resource: 'secrets', namespace: 'x', name: 'a' })).toBe(
      true,
    );
    expect(ruleAllows(r, { verb: 'get', group: '', resource: 'secrets', namespace: 'x', name: 'b' })).toBe(
      false,
    );
    expect(ruleAllows(r, { verb: 'list', group: '', resource: 'secrets', namespace: 'x' })).toBe(false);
  });
  it('non-resource URLs: exact, trailing * prefix, *', () => {
    const r = rule({ verbs: ['get'], nonResourceURLs: ['/metrics', '/debug/*'] });
    expect(ruleAllows(r, { verb: 'get', path: '/metrics' })).toBe(true);
    expect(ruleAllows(r, { verb: 'get', path: '/debug/pprof/heap' })).toBe(true);
    expect(ruleAllows(r, { verb: 'get', path: '/metricsx' })).toBe(false);
    expect(ruleAllows(r, { verb: 'post', path: '/metrics' })).toBe(false);
  });
  it('apiGroups must match: "" is the core group, not a wildcard', () => {
    const r = rule({ verbs: ['*'], apiGroups: [''], resources: ['*'] });
    expect(ruleAllows(r, { verb: 'create', group: 'apps', resource: 'deployments', namespace: 'x' })).toBe(
      false,
    );
    expect(ruleAllows(r, { verb: 'create', group: '', resource: 'pods', namespace: 'x' })).toBe(true);
  });
});

describe('scopes', () => {
  const inv = inventoryOf([
    k.clusterRole('power', [
      { apiGroups: [''], resources: ['pods', 'nodes', 'namespaces'], verbs: ['get'] },
      { nonResourceURLs: ['/metrics'], verbs: ['get'] },
    ]),
    k.roleBinding('team-a', 'power-in-a', 'ClusterRole', 'power', [k.user('alice')]),
    k.clusterRoleBinding('metrics', 'power', [k.user('bob')]),
  ]);
  const rbac = buildRbacIndex(inv);
  it('a RoleBinding of a ClusterRole grants only in its namespace', () => {
    expect(rbac.can(alice, { verb: 'get', group: '', resource: 'pods', namespace: 'team-a' })).toBe(true);
    expect(rbac.can(alice, { verb: 'get', group: '', resource: 'pods', namespace: 'team-b' })).toBe(false);
  });
  it('a RoleBinding never grants cluster-scoped resources or non-resource URLs', () => {
    expect(rbac.can(alice, { verb: 'get', group: '', resource: 'nodes' })).toBe(false);
    expect(rbac.can(alice, { verb: 'get', path: '/metrics' })).toBe(false);
    expect(rbac.can({ kind: 'User', name: 'bob' }, { verb: 'get', group: '', resource: 'nodes' })).toBe(true);
    expect(rbac.can({ kind: 'User', name: 'bob' }, { verb: 'get', path: '/metrics' })).toBe(true);
  });
  it('the Namespace object is authorized in its own namespace (RequestInfo sets namespace = name)', () => {
    expect(rbac.can(alice, { verb: 'get', group: '', resource: 'namespaces', name: 'team-a' })).toBe(true);
    expect(rbac.can(alice, { verb: 'get', group: '', resource: 'namespaces', name: 'team-b' })).toBe(false);
  });
  it('subjectsWith looks in the namespace and the cluster scope', () => {
    const names = (subs: Subject[]) => subs.map((s) => `${s.kind}/${s.name}`);
    expect(
      names(rbac.subjectsWith({ verb: 'get', group: '', resource: 'pods', namespace: 'team-a' })),
    ).toEqual(['Group/system:masters', 'User/alice', 'User/bob']);
    expect(
      names(rbac.subjectsWith({ verb: 'get', group: '', resource: 'pods', namespace: 'team-b' })),
    ).toEqual(['Group/system:masters', 'User/bob']);
    expect(names(rbac.subjectsWith({ verb: 'get', path: '/metrics' }))).toEqual([
      'Group/system:masters',
      'User/bob',
    ]);
  });
  it('rulesOf lists what a subject can do, with its scope', () => {
    const rules = rbac.rulesOf(alice);
    expect(rules.map((r) => r.namespace)).toEqual(['team-a', 'team-a']);
  });
});

describe('roles and bindings', () => {
  it('a RoleBinding to a Role uses the Role of its own namespace, not a ClusterRole of the same name', () => {
    const rbac = buildRbacIndex(
      inventoryOf([
        k.role('a', 'reader', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]),
        k.clusterRole('reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]),
        k.roleBinding('a', 'r', 'Role', 'reader', [k.user('alice')]),
      ]),
    );
    expect(rbac.can(alice, { verb: 'get', group: '', resource: 'configmaps', namespace: 'a' })).toBe(true);
    expect(rbac.can(alice, { verb: 'get', group: '', resource: 'secrets', namespace: 'a' })).toBe(false);
  });
  it('a binding to a missing role grants nothing and is reported', () => {
    const rbac = buildRbacIndex(inventoryOf([k.clusterRoleBinding('ghost', 'not-there', [k.user('alice')])]));
    expect(rbac.can(alice, { verb: 'get', group: '', resource: 'pods', namespace: 'a' })).toBe(false);
    expect(rbac.diagnostics.map((d) => d.message).join('\n')).toMatch(
      /ClusterRole not-there, which does not exist/,
    );
    expect(rbac.grants[0]!.roleFound).toBe(false);
  });
  it('a ServiceAccount subject without namespace in a RoleBinding is the account of the binding namespace', () => {
    const rbac = buildRbacIndex(
      inventoryOf([
        k.clusterRole('read-secrets', [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }]),
        k.roleBinding('app', 'b', 'ClusterRole', 'read-secrets', [
          { kind: 'ServiceAccount', name: 'reader' },
        ]),
      ]),
    );
    const list = (namespace: string) => ({ verb: 'list', group: '', resource: 'secrets', namespace });
    expect(rbac.can(sa('app', 'reader'), list('app'))).toBe(true);
    expect(rbac.can(sa('other', 'reader'), list('app'))).toBe(false);
    expect(rbac.can(sa('app', 'reader'), list('other'))).toBe(false);
    expect(rbac.diagnostics).toEqual([]);
  });
  it('a ServiceAccount subject without namespace in a ClusterRoleBinding is ignored with a diagnostic', () => {
    const rbac = buildRbacIndex(
      inventoryOf([
        k.clusterRole('x', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]),
        k.clusterRoleBinding('b', 'x', [{ kind: 'ServiceAccount', name: 'orphan' }]),
      ]),
    );
    expect(rbac.diagnostics.some((d) => /has no namespace/.test(d.message))).toBe(true);
  });
});

describe('subjects and groups', () => {
  const inv = inventoryOf([
    k.clusterRole('get-pods', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]),
    k.clusterRole('get-cm', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]),
    k.clusterRole('get-secrets', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]),
    k.clusterRoleBinding('all-users', 'get-pods', [k.group('system:authenticated')]),
    k.roleBinding('team-a', 'sas-of-a', 'ClusterRole', 'get-cm', [k.group('system:serviceaccounts:team-a')]),
    k.clusterRoleBinding('by-username', 'get-secrets', [k.user('system:serviceaccount:team-a:builder')]),
  ]);
  const rbac = buildRbacIndex(inv);
  it('system:authenticated covers users and service accounts', () => {
    expect(rbac.can(alice, { verb: 'get', group: '', resource: 'pods', namespace: 'x' })).toBe(true);
    expect(rbac.can(sa('team-b', 'x'), { verb: 'get', group: '', resource: 'pods', namespace: 'x' })).toBe(
      true,
    );
    expect(
      rbac.can(
        { kind: 'User', name: 'system:anonymous' },
        { verb: 'get', group: '', resource: 'pods', namespace: 'x' },
      ),
    ).toBe(false);
  });
  it('system:serviceaccounts:NS covers only that namespace', () => {
    expect(
      rbac.can(sa('team-a', 'x'), { verb: 'get', group: '', resource: 'configmaps', namespace: 'team-a' }),
    ).toBe(true);
    expect(
      rbac.can(sa('team-b', 'x'), { verb: 'get', group: '', resource: 'configmaps', namespace: 'team-a' }),
    ).toBe(false);
  });
  it('a User subject spelled as a service account user name is that service account', () => {
    expect(
      rbac.can(sa('team-a', 'builder'), { verb: 'get', group: '', resource: 'secrets', namespace: 'z' }),
    ).toBe(true);
  });
  it('system:masters is allowed everything, before RBAC', () => {
    const masters: Subject = { kind: 'Group', name: 'system:masters' };
    expect(
      rbac.can(masters, { verb: 'delete', group: 'apps', resource: 'deployments', namespace: 'x' }),
    ).toBe(true);
    expect(rbac.isClusterAdminEquivalent(masters)).toBe(true);
    expect(rbac.isClusterAdminEquivalent(alice)).toBe(false);
  });
  it('escalate, bind and impersonate are verbs like any other, names included', () => {
    const r = buildRbacIndex(
      inventoryOf([
        k.clusterRole('imp', [
          { apiGroups: [''], resources: ['users'], verbs: ['impersonate'], resourceNames: ['carol'] },
          { apiGroups: ['authentication.k8s.io'], resources: ['uids'], verbs: ['impersonate'] },
          {
            apiGroups: ['rbac.authorization.k8s.io'],
            resources: ['clusterroles'],
            verbs: ['bind', 'escalate'],
          },
        ]),
        k.clusterRoleBinding('imp', 'imp', [k.user('alice')]),
      ]),
    );
    expect(r.can(alice, { verb: 'impersonate', group: '', resource: 'users', name: 'carol' })).toBe(true);
    expect(r.can(alice, { verb: 'impersonate', group: '', resource: 'users', name: 'admin' })).toBe(false);
    expect(
      r.can(alice, { verb: 'impersonate', group: 'authentication.k8s.io', resource: 'uids', name: '42' }),
    ).toBe(true);
    expect(
      r.can(alice, {
        verb: 'bind',
        group: 'rbac.authorization.k8s.io',
        resource: 'clusterroles',
        name: 'cluster-admin',
      }),
    ).toBe(true);
  });
});

describe('aggregated ClusterRoles', () => {
  it('unite the rules of every ClusterRole their selectors match, transitively, even when stored rules are empty', () => {
    const rbac = buildRbacIndex(
      inventoryOf([
        k.clusterRole('monitoring', [], {
          aggregationRule: {
            clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }],
          },
        }),
        k.clusterRole('endpoints-reader', [{ apiGroups: [''], resources: ['endpoints'], verbs: ['list'] }], {
          labels: { 'rbac.example.com/aggregate-to-monitoring': 'true' },
        }),
        k.clusterRole('nested', [], {
          labels: { 'rbac.example.com/aggregate-to-monitoring': 'true' },
          aggregationRule: {
            clusterRoleSelectors: [
              { matchExpressions: [{ key: 'tier', operator: 'In', values: ['metrics'] }] },
            ],
          },
        }),
        k.clusterRole('metrics-reader', [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }], {
          labels: { tier: 'metrics' },
        }),
        k.clusterRole('unrelated', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }], {
          labels: { tier: 'other' },
        }),
        k.clusterRoleBinding('mon', 'monitoring', [k.user('alice')]),
      ]),
    );
    expect(rbac.can(alice, { verb: 'list', group: '', resource: 'endpoints', namespace: 'x' })).toBe(true);
    expect(rbac.can(alice, { verb: 'get', path: '/metrics' })).toBe(true);
    expect(rbac.can(alice, { verb: 'get', group: '', resource: 'secrets', namespace: 'x' })).toBe(false);
    const evidence = rbac.explain(alice, { verb: 'get', path: '/metrics' });
    expect(evidence[0]!.rule.role.name).toBe('metrics-reader');
  });
  it('survive selector cycles and keep their stored rules', () => {
    const rbac = buildRbacIndex(
      inventoryOf([
        k.clusterRole('a', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }], {
          labels: { agg: 'b' },
          aggregationRule: { clusterRoleSelectors: [{ matchLabels: { agg: 'a' } }] },
        }),
        k.clusterRole('b', [{ apiGroups: [''], resources: ['services'], verbs: ['get'] }], {
          labels: { agg: 'a' },
          aggregationRule: { clusterRoleSelectors: [{ matchLabels: { agg: 'b' } }] },
        }),
        k.clusterRoleBinding('a', 'a', [k.user('alice')]),
      ]),
    );
    expect(rbac.can(alice, { verb: 'get', group: '', resource: 'pods', namespace: 'x' })).toBe(true);
    expect(rbac.can(alice, { verb: 'get', group: '', resource: 'services', namespace: 'x' })).toBe(true);
  });
  it('an aggregated role with every right makes its subjects cluster-admin-equivalent', () => {
    const rbac = buildRbacIndex(
      inventoryOf([
        k.clusterRole('agg', [], {
          aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: 'y' } }] },
        }),
        k.clusterRole('all', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }], { labels: { x: 'y' } }),
        k.clusterRoleBinding('agg', 'agg', [k.saSubject('ci', 'deployer')]),
      ]),
    );
    expect(rbac.isClusterAdminEquivalent(sa('ci', 'deployer'))).toBe(true);
  });
});
