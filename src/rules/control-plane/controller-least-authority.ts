// Rule controller-least-authority: kube-controller-manager's controllers must each use their own service account.
import { defineRule } from '../framework/define-rule.js';
import { parseBool, settingEvidence } from '../framework/setting-values.js';

export default defineRule({
  meta: {
    id: 'controller-least-authority',
    aliases: ['TOB-K8S-TM13'],
    sources: ['TOB-K8S-TM13', 'CIS 1.3.3'],
    tier: 'core',
    inputs: { kinds: [], settings: ['kube-controller-manager'] },
    title: 'Controllers share one over-privileged identity',
    description:
      'Without --use-service-account-credentials every controller inside kube-controller-manager acts with ' +
      "the controller manager's own, very broad identity (system:kube-controller-manager). A flaw in any one " +
      'controller then yields the rights of all of them, and the audit log cannot tell the controllers apart. ' +
      'The 2019 threat model (TOB-K8S-TM13) asked to separate controllers by the principle of least authority.',
    zone: 'Master Components',
    stride: ['elevation-of-privilege', 'repudiation'],
    likelihood: 'low',
    impact: 'high',
    detection:
      'Reads the effective value of kube-controller-manager --use-service-account-credentials (default false). ' +
      'Fails when it is not true. Unverifiable when the controller manager settings were not collected, or the ' +
      'control plane is managed.',
    falsePositives:
      'None known for the flag: every supported Kubernetes version defaults it to false. Distributions that ' +
      'set it in a configuration file ktm did not read (k3s embeds the controllers) may show a failure; check ' +
      'the evidence.',
    remediation: {
      shortTerm:
        'Add --use-service-account-credentials=true to the kube-controller-manager command line (static pod ' +
        'manifest, or controllerManager.extraArgs in the kubeadm ClusterConfiguration) and restart it.',
      longTerm:
        'Keep each controller on its own service account with the system:controller:* roles, review those ' +
        'roles as part of the RBAC review, and run third-party controllers under dedicated service accounts ' +
        'bound to narrow roles.',
    },
    references: [
      'https://github.com/kubernetes/kubernetes/issues/81146',
      'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/',
      'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#controller-roles',
    ],
    messages: {
      sharedIdentity:
        'kube-controller-manager runs every controller with its own identity: --use-service-account-credentials is {{value}}',
    },
  },
  check(ctx) {
    ctx.eachInstance('kube-controller-manager', { setting: 'use-service-account-credentials' }, (s) => {
      const setting = s.get('use-service-account-credentials');
      if (parseBool(setting.value) === true) return;
      ctx.report({
        messageId: 'sharedIdentity',
        data: { value: `${setting.value ?? 'unset'}${setting.origin === 'default' ? ' (default)' : ''}` },
        subject: s.ref,
        evidence: [settingEvidence(setting, s)],
      });
    });
  },
});
