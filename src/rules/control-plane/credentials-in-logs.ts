// Rule credentials-in-logs: verbose component logs or audit bodies record tokens and secrets, or workloads can read them.
import type { AuditPolicyRule } from '../../collect/node-files/types.js';
import type { ComponentName } from '../../collect/settings/types.js';
import { defineRule } from '../framework/define-rule.js';
import { objectEvidence } from '../framework/evidence.js';
import { lookupNodeFile } from '../framework/node-file-lookup.js';
import { hasValue, settingEvidence } from '../framework/setting-values.js';

/**
 * client-go logs request headers from -v 8 and curl commands (with the Authorization header) from -v 9;
 * TOB-K8S-001 found bearer tokens in kube-apiserver logs at --v 10.
 * https://github.com/kubernetes/kubernetes/issues/81114
 */
const HEADER_LOGGING_VERBOSITY = 8;

const COMPONENTS: readonly ComponentName[] = [
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'cloud-controller-manager',
  'kubelet',
  'kube-proxy',
];

/** Resources whose request or response bodies carry credentials: [group, resource, subresource?]. */
const CREDENTIAL_CARRIERS: readonly (readonly [string, string])[] = [
  ['', 'secrets'],
  ['', 'configmaps'],
  ['', 'serviceaccounts/token'],
  ['authentication.k8s.io', 'tokenreviews'],
  ['certificates.k8s.io', 'certificatesigningrequests'],
];

function matchesResource(rule: AuditPolicyRule, group: string, resource: string): boolean {
  if ((rule.nonResourceURLs?.length ?? 0) > 0 && rule.resources === undefined) return false;
  if (rule.resources === undefined || rule.resources.length === 0) return true;
  return rule.resources.some((r) => {
    if ((r.group ?? '') !== group && r.group !== '*') return false;
    const list = r.resources ?? [];
    if (list.length === 0) return true;
    const [base] = resource.split('/');
    return list.some(
      (x) => x === '*' || x === resource || x === `${base}/*` || (x === base && !resource.includes('/')),
    );
  });
}

/** The first policy rule matching a resource for any user decides its level (the policy's own semantics). */
function levelFor(
  rules: readonly AuditPolicyRule[],
  group: string,
  resource: string,
): { level: string; index: number } | undefined {
  const index = rules.findIndex((r) => matchesResource(r, group, resource));
  const rule = rules[index];
  return rule === undefined ? undefined : { level: rule.level, index };
}

function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

export default defineRule({
  meta: {
    id: 'credentials-in-logs',
    aliases: ['TOB-K8S-001', 'TOB-K8S-TM06'],
    sources: ['TOB-K8S-001', 'TOB-K8S-TM06'],
    tier: 'seed',
    inputs: { kinds: ['Pod'], settings: ['kube-apiserver'], nodeFiles: ['auditPolicies'] },
    title: 'Credentials can reach the logs',
    description:
      'Logs travel further than the data they describe: to log collectors, support bundles and the people who ' +
      'read them. The 2019 audit found bearer tokens in kube-apiserver logs at high verbosity (TOB-K8S-001) and ' +
      'secret names leaked in logs (TOB-K8S-TM06). An audit policy that records request or response bodies of ' +
      'Secrets, tokens or certificate requests writes the credentials themselves into the audit log; an audit ' +
      'log in a host directory that pods mount hands them to those pods.',
    zone: 'API Server',
    stride: ['information-disclosure'],
    likelihood: 'low',
    impact: 'high',
    variants: {
      verbosity: { title: 'component verbosity that logs request headers' },
      'audit-bodies': { title: 'audit policy records bodies of credential carriers', likelihood: 'medium' },
      'audit-log-readable': { title: 'audit log directory mounted by a pod', likelihood: 'medium' },
    },
    detection:
      'Reads --v of kube-apiserver, the controller managers, kube-scheduler, the kubelets and kube-proxy (8 or ' +
      'more logs request headers). Reads the audit policy named by --audit-policy-file from the node files and ' +
      'finds, for secrets, configmaps, serviceaccounts/token, tokenreviews and certificatesigningrequests, the ' +
      'first rule that matches: level Request or RequestResponse fails. Lists pods outside the control plane, on ' +
      "the API server's node (or not yet scheduled), whose hostPath volumes contain the --audit-log-path " +
      'directory. Unverifiable when the policy file was not ' +
      'collected or the control plane is managed.',
    falsePositives:
      'A first matching rule restricted to some users or verbs still records bodies for those; ktm does not ' +
      'narrow by user. Verbosity raised briefly for debugging is a real exposure while it lasts.',
    remediation: {
      shortTerm:
        'Lower --v to 4 or less; put a Metadata-level rule for secrets, configmaps, serviceaccounts/token, ' +
        'tokenreviews and certificatesigningrequests before any Request/RequestResponse rule; remove hostPath ' +
        'mounts of the audit log directory from workloads.',
      longTerm:
        'Treat component and audit logs as sensitive data: ship them to a store with access control and ' +
        'retention, scan them for credential patterns, and review the audit policy with every new API group.',
    },
    references: [
      'https://github.com/kubernetes/kubernetes/issues/81114',
      'https://github.com/kubernetes/kubernetes/issues/81146',
      'https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/#audit-policy',
      'https://kubernetes.io/docs/reference/kubectl/#kubectl-output-verbosity-and-debugging',
    ],
    messages: {
      verbosity:
        '{{component}} logs at verbosity {{level}}, which records request headers including bearer tokens',
      auditBodies:
        'the audit policy {{file}} records {{level}} bodies for {{resource}} (rule {{index}}): the credentials themselves reach the audit log',
      readable: 'pod {{pod}} mounts {{hostPath}} from the host, which holds the audit log {{log}}',
    },
  },
  check(ctx) {
    for (const component of COMPONENTS) {
      const view = ctx.component(component);
      // Verbosity is checked wherever settings are visible; missing components are reported by the rules that need them.
      for (const s of view.visible) {
        ctx.examined(s.ref);
        const v = s.get('v');
        const level = v.value === undefined ? 0 : Number.parseInt(v.value, 10);
        if (level >= HEADER_LOGGING_VERBOSITY)
          ctx.report({
            messageId: 'verbosity',
            data: { component, level },
            subject: s.ref,
            variant: 'verbosity',
            zone: component === 'kubelet' || component === 'kube-proxy' ? 'Worker' : 'API Server',
            evidence: [settingEvidence(v, s)],
          });
      }
    }

    ctx.eachInstance('kube-apiserver', { setting: 'audit-policy-file', variant: 'audit-bodies' }, (s) => {
      const policy = s.get('audit-policy-file');
      if (hasValue(policy) && policy.value !== undefined) {
        const found = lookupNodeFile(ctx.inventory, s, 'auditPolicies', policy.value);
        if (!found.found) {
          ctx.unverifiable({
            subject: s.ref,
            variant: 'audit-bodies',
            missing: found.missing,
            evidence: [settingEvidence(policy, s)],
          });
        } else {
          for (const [group, resource] of CREDENTIAL_CARRIERS) {
            const hit = levelFor(found.file.rules, group, resource);
            if (hit === undefined || (hit.level !== 'Request' && hit.level !== 'RequestResponse')) continue;
            ctx.report({
              messageId: 'auditBodies',
              data: {
                file: found.file.path,
                level: hit.level,
                resource: group === '' ? resource : `${resource}.${group}`,
                index: hit.index,
              },
              subject: s.ref,
              variant: 'audit-bodies',
              evidence: [
                settingEvidence(policy, s),
                {
                  ref: { kind: 'NodeFile', name: `${found.node}:${found.file.path}` },
                  path: `rules[${hit.index}]`,
                  value: JSON.stringify(found.file.rules[hit.index]),
                },
              ],
            });
          }
        }
      }

      const log = s.get('audit-log-path');
      if (!hasValue(log) || log.value === undefined || log.value === '-') return;
      const logDir = dirOf(log.value);
      for (const item of ctx.inventory.ofKind('Pod')) {
        const pod = item.object;
        const ns = pod.metadata?.namespace ?? '';
        // The API server's own static pod writes the log; other kube-system control-plane pods are trusted alike.
        if (ns === 'kube-system' && pod.metadata?.labels?.['tier'] === 'control-plane') continue;
        // The log is on the API server's node: pods elsewhere mount another host's /var/log.
        const podNode = pod.spec?.nodeName;
        if (s.node !== undefined && podNode !== undefined && podNode !== s.node) continue;
        (pod.spec?.volumes ?? []).forEach((vol, i) => {
          const hostPath = vol.hostPath?.path;
          if (hostPath === undefined) return;
          const prefix = hostPath.endsWith('/') ? hostPath : `${hostPath}/`;
          if (!(logDir === hostPath || `${logDir}/`.startsWith(prefix))) return;
          const name = pod.metadata?.name ?? '';
          ctx.report({
            messageId: 'readable',
            data: { pod: `${ns}/${name}`, hostPath, log: log.value ?? '' },
            subject: { kind: 'Pod', namespace: ns, name },
            variant: 'audit-log-readable',
            zone: 'Container',
            evidence: [
              objectEvidence(item, `spec.volumes[${i}].hostPath.path`, hostPath),
              settingEvidence(log, s),
            ],
          });
        });
      }
    });
  },
});
