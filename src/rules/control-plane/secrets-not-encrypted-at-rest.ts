// Rule secrets-not-encrypted-at-rest: Secrets reach etcd unencrypted, or encrypted with a locally stored static key.
import type { EncryptionConfigSummary } from '../../collect/node-files/types.js';
import { defineRule } from '../framework/define-rule.js';
import { lookupNodeFile } from '../framework/node-file-lookup.js';
import { hasValue, settingEvidence } from '../framework/setting-values.js';

/** The stanza that decides how Secrets are written: the first whose resources cover `secrets` (core group). */
function stanzaForSecrets(
  cfg: EncryptionConfigSummary,
): { index: number; providers: readonly string[] } | undefined {
  const covers = (r: string): boolean => r === 'secrets' || r === '*.' || r === '*.*';
  const index = cfg.resources.findIndex((s) => s.resources.some(covers));
  const stanza = cfg.resources[index];
  return stanza === undefined ? undefined : { index, providers: stanza.providers };
}

export default defineRule({
  meta: {
    id: 'secrets-not-encrypted-at-rest',
    aliases: ['TOB-K8S-TM08', 'TOB-K8S-029'],
    sources: ['TOB-K8S-TM08', 'TOB-K8S-029'],
    tier: 'seed',
    inputs: { kinds: [], settings: ['kube-apiserver'], nodeFiles: ['encryptionConfigs'] },
    title: 'Secrets are stored in etcd without encryption',
    description:
      'By default Secrets are written to etcd in plain text (TOB-K8S-TM08): an etcd backup, a copied data ' +
      'directory or read access to etcd discloses every credential in the cluster. The first provider listed for ' +
      'secrets is the one that writes them, so identity first means no encryption. aescbc and aesgcm keep a static ' +
      'key in a file on the control-plane node, next to the data it protects, and the audit recommended ' +
      'secretbox or a KMS instead (TOB-K8S-029).',
    zone: 'Master Data',
    stride: ['information-disclosure'],
    likelihood: 'low',
    impact: 'high',
    variants: {
      'no-encryption-config': { title: 'no encryption configuration' },
      'secrets-not-covered': { title: 'the configuration does not cover secrets' },
      'identity-first': { title: 'identity (no encryption) is the first provider for secrets' },
      'static-key': { title: 'a static local key (aescbc, aesgcm) encrypts secrets', impact: 'medium' },
    },
    detection:
      'Reads kube-apiserver --encryption-provider-config and, from the control-plane node files, the ' +
      'EncryptionConfiguration it names (provider names and order only, never keys). Fails without the flag; ' +
      'with a configuration that has no stanza for secrets; when the first provider for secrets is identity; ' +
      'when it is aescbc or aesgcm. Unverifiable when the file was not collected, or the control plane is managed ' +
      '(the provider setting to check is named).',
    falsePositives:
      'aesgcm with automated key rotation is acceptable to some teams; accept the static-key variant with an ' +
      'exception naming the rotation process.',
    remediation: {
      shortTerm:
        'Write an EncryptionConfiguration whose first provider for secrets is kms (apiVersion v2) or secretbox, ' +
        'pass it with --encryption-provider-config, restart kube-apiserver, then rewrite every Secret ' +
        '(kubectl get secrets -A -o json | kubectl replace -f -) so existing ones are encrypted.',
      longTerm:
        'Use KMS v2 with a key in an external KMS or HSM, rotate it, restrict and encrypt etcd backups, and ' +
        'verify encryption by reading a Secret directly from etcd in a control-plane check.',
    },
    references: [
      'https://github.com/kubernetes/kubernetes/issues/81127',
      'https://github.com/kubernetes/kubernetes/issues/81146',
      'https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/',
      'https://kubernetes.io/docs/tasks/administer-cluster/kms-provider/',
    ],
    messages: {
      noConfig:
        'kube-apiserver has no --encryption-provider-config: Secrets are written to etcd in plain text',
      notCovered:
        'the encryption configuration {{file}} has no provider stanza for secrets: they are written in plain text',
      identityFirst:
        'the first provider for secrets in {{file}} is identity: new Secrets are written to etcd in plain text',
      staticKey:
        'secrets are encrypted with {{provider}} in {{file}}, a static key stored on the control-plane node; use KMS v2 or secretbox',
    },
  },
  check(ctx) {
    ctx.eachInstance('kube-apiserver', { setting: 'encryption-provider-config' }, (s) => {
      const setting = s.get('encryption-provider-config');
      const ev = settingEvidence(setting, s);
      if (!hasValue(setting) || setting.value === undefined) {
        ctx.report({
          messageId: 'noConfig',
          subject: s.ref,
          variant: 'no-encryption-config',
          evidence: [ev],
        });
        return;
      }
      const found = lookupNodeFile(ctx.inventory, s, 'encryptionConfigs', setting.value);
      if (!found.found) {
        ctx.unverifiable({ subject: s.ref, missing: found.missing, evidence: [ev] });
        return;
      }
      const file = found.file.path;
      const fileRef = { kind: 'NodeFile', name: `${found.node}:${file}` };
      const stanza = stanzaForSecrets(found.file);
      if (stanza === undefined) {
        ctx.report({
          messageId: 'notCovered',
          data: { file },
          subject: s.ref,
          variant: 'secrets-not-covered',
          evidence: [
            ev,
            {
              ref: fileRef,
              path: 'resources',
              value: found.file.resources.map((r) => r.resources.join(',')).join('; '),
            },
          ],
        });
        return;
      }
      const first = stanza.providers[0] ?? 'identity';
      const providerEvidence = {
        ref: fileRef,
        path: `resources[${stanza.index}].providers`,
        value: stanza.providers.join(', '),
      };
      if (first === 'identity')
        ctx.report({
          messageId: 'identityFirst',
          data: { file },
          subject: s.ref,
          variant: 'identity-first',
          evidence: [ev, providerEvidence],
        });
      else if (first === 'aescbc' || first === 'aesgcm')
        ctx.report({
          messageId: 'staticKey',
          data: { file, provider: first },
          subject: s.ref,
          variant: 'static-key',
          evidence: [ev, providerEvidence],
        });
    });
  },
});
