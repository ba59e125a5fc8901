// Rule audit-disabled: kube-apiserver keeps no audit trail of user actions, keeps it too briefly, or drops whole groups.
import type { AuditPolicyRule } from '../../collect/node-files/types.js';
import { defineRule } from '../framework/define-rule.js';
import { lookupNodeFile } from '../framework/node-file-lookup.js';
import { hasValue, settingEvidence } from '../framework/setting-values.js';

/** The minimum retention the CIS Benchmark asks for (1.2.17, --audit-log-maxage). */
const MIN_RETENTION_DAYS = 30;

/** A rule at level None that matches every request of a whole API group (or everything) for everyone. */
function dropsWholeGroups(rule: AuditPolicyRule): string | undefined {
  if (rule.level !== 'None') return undefined;
  const narrowed =
    (rule.users?.length ?? 0) > 0 ||
    (rule.userGroups?.length ?? 0) > 0 ||
    (rule.verbs?.length ?? 0) > 0 ||
    (rule.namespaces?.length ?? 0) > 0 ||
    (rule.nonResourceURLs?.length ?? 0) > 0;
  if (narrowed) return undefined;
  if (rule.resources === undefined || rule.resources.length === 0) return 'every request';
  const groups = rule.resources
    .filter((r) => r.resources === undefined || r.resources.length === 0 || r.resources.includes('*'))
    .map((r) => (r.group === undefined || r.group === '' ? 'core' : r.group));
  return groups.length === 0
    ? undefined
    : `the ${groups.join(', ')} API group${groups.length > 1 ? 's' : ''}`;
}

export default defineRule({
  meta: {
    id: 'audit-disabled',
    aliases: ['TOB-K8S-TM07'],
    sources: ['TOB-K8S-TM07'],
    tier: 'core',
    inputs: { kinds: [], settings: ['kube-apiserver'], nodeFiles: ['auditPolicies'] },
    title: 'User actions are not audited',
    description:
      'Kubernetes keeps no audit trail by default (TOB-K8S-TM07): without an audit policy and a backend nobody ' +
      'can tell who read a Secret, created a privileged pod or bound cluster-admin, and an incident cannot be ' +
      'reconstructed (repudiation). A trail kept for a few days, or a policy that drops whole API groups, has ' +
      'the same effect for the requests it loses.',
    zone: 'API Server',
    stride: ['repudiation'],
    likelihood: 'medium',
    impact: 'medium',
    variants: {
      'no-audit': { title: 'no audit backend (neither a log file nor a webhook)', likelihood: 'high' },
      'no-policy': {
        title: 'an audit backend without an audit policy (nothing is recorded)',
        likelihood: 'high',
      },
      retention: { title: 'audit log kept for less than 30 days, or unbounded', likelihood: 'low' },
      'policy-drops-groups': { title: 'audit policy drops whole API groups' },
    },
    detection:
      'Reads kube-apiserver --audit-policy-file, --audit-log-path, --audit-webhook-config-file and ' +
      '--audit-log-maxage. no-audit fails without a backend (log path or webhook); no-policy fails when a ' +
      'backend is set without --audit-policy-file (no events are recorded without one). retention fails when a log file is written with --audit-log-maxage unset, 0 or ' +
      'below 30. policy-drops-groups reads the policy from the node files: a level None rule with no user, group, ' +
      'verb, namespace or URL restriction whose resources name a group without resources (or nothing at all). ' +
      'Unverifiable when the policy file was not collected or the control plane is managed.',
    falsePositives:
      'Logs written to stdout (--audit-log-path=-) or shipped by a webhook are retained by the collector: the ' +
      'retention variant is not reported for them. A policy dropping a noisy custom API group on purpose ' +
      'is better accepted with an exception naming the group.',
    remediation: {
      shortTerm:
        'Write an audit policy (Metadata for everything, RequestResponse for RBAC and pod exec, None only for named ' +
        'health checks and system users), pass it with --audit-policy-file, and set --audit-log-path with ' +
        '--audit-log-maxage=30, --audit-log-maxbackup and --audit-log-maxsize, or an audit webhook.',
      longTerm:
        'Ship audit events off the control plane to an append-only store the cluster administrators cannot ' +
        'alter, alert on sensitive actions, and review the policy when API groups are added.',
    },
    references: [
      'https://github.com/kubernetes/kubernetes/issues/81146',
      'https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/',
      'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
    ],
    messages: {
      noBackend:
        'kube-apiserver writes no audit events: neither --audit-log-path nor --audit-webhook-config-file is set',
      noPolicy: 'kube-apiserver has an audit backend but no --audit-policy-file: no events are recorded',
      retention: 'the audit log {{path}} is kept {{retention}}; keep it at least 30 days',
      drops: 'the audit policy {{file}} drops {{what}} (rule {{index}} at level None)',
    },
  },
  check(ctx) {
    ctx.eachInstance('kube-apiserver', { setting: 'audit-policy-file' }, (s) => {
      const policy = s.get('audit-policy-file');
      const logPath = s.get('audit-log-path');
      const webhook = s.get('audit-webhook-config-file');
      const hasBackend = hasValue(logPath) || hasValue(webhook);
      if (!hasBackend) {
        ctx.report({
          messageId: 'noBackend',
          subject: s.ref,
          variant: 'no-audit',
          evidence: [settingEvidence(logPath, s), settingEvidence(webhook, s)],
        });
      } else if (!hasValue(policy)) {
        ctx.report({
          messageId: 'noPolicy',
          subject: s.ref,
          variant: 'no-policy',
          evidence: [settingEvidence(policy, s)],
        });
      }

      if (hasValue(logPath) && logPath.value !== '-') {
        const maxAge = s.get('audit-log-maxage');
        const days = maxAge.value === undefined ? undefined : Number.parseInt(maxAge.value, 10);
        const retention =
          days === undefined || Number.isNaN(days) || days <= 0
            ? 'without an age limit (--audit-log-maxage unset): retention depends on disk space and backups'
            : days < MIN_RETENTION_DAYS
              ? `for ${days} day${days === 1 ? '' : 's'} (--audit-log-maxage=${days})`
              : undefined;
        if (retention !== undefined)
          ctx.report({
            messageId: 'retention',
            data: { path: logPath.value ?? '', retention },
            subject: s.ref,
            variant: 'retention',
            evidence: [settingEvidence(logPath, s), settingEvidence(maxAge, s)],
          });
      }

      if (hasValue(policy) && policy.value !== undefined) {
        const found = lookupNodeFile(ctx.inventory, s, 'auditPolicies', policy.value);
        if (!found.found) {
          ctx.unverifiable({
            subject: s.ref,
            variant: 'policy-drops-groups',
            missing: found.missing,
            evidence: [settingEvidence(policy, s)],
          });
          return;
        }
        found.file.rules.forEach((rule, index) => {
          const what = dropsWholeGroups(rule);
          if (what === undefined) return;
          ctx.report({
            messageId: 'drops',
            data: { file: found.file.path, what, index },
            subject: s.ref,
            variant: 'policy-drops-groups',
            evidence: [
              settingEvidence(policy, s),
              {
                ref: { kind: 'NodeFile', name: `${found.node}:${found.file.path}` },
                path: `rules[${index}]`,
                value: JSON.stringify(rule),
              },
            ],
          });
        });
      }
    });
  },
});
