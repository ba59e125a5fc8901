// Rule credentials-in-environment: Secrets and literal credentials in environment variables and arguments.
import { defineRule } from '../framework/define-rule.js';
import { podSpecs, workloadName } from './pod-specs.js';
import { WORKLOAD_KINDS } from '../framework/inputs.js';

/** Variable names that announce a credential (TOB-K8S-005); matched on word parts, case-insensitively. */
const CREDENTIAL_NAME =
  /(^|[_\-.])(pass(word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|private[_-]?key|access[_-]?key|secret[_-]?key|credentials?|auth|bearer|jwt|session[_-]?key|client[_-]?secret|key)([_\-.]|$)/i;

/** Values shaped like credentials whatever the variable is called. */
const CREDENTIAL_VALUES: readonly { readonly re: RegExp; readonly what: string }[] = [
  { re: /\bAKIA[0-9A-Z]{16}\b/, what: 'an AWS access key id' },
  { re: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, what: 'a PEM private key' },
  { re: /^bearer\s+\S{8,}/i, what: 'a bearer token' },
  { re: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/, what: 'a JSON Web Token' },
  { re: /\bgh[pousr]_[A-Za-z0-9]{30,}\b/, what: 'a GitHub token' },
  { re: /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/, what: 'a Slack token' },
  { re: /\bsk_live_[A-Za-z0-9]{16,}\b/, what: 'a Stripe secret key' },
];

/** Command-line flags that carry a credential, or a file of them (kube-apiserver --token-auth-file: TOB-K8S-TM05). */
const CREDENTIAL_FLAG =
  /^--?(token|password|passwd|secret|api-key|apikey|client-secret|bearer-token|basic-auth-file|token-auth-file)(=(.+))?$/i;

function looksLikeReference(value: string): boolean {
  // A path or plain URL names where a credential is, not the credential itself.
  return /^(\/|\.\/|file:)/.test(value) || /^[a-z]+:\/\/[^@/]+(\/|$)/i.test(value);
}

export default defineRule({
  meta: {
    id: 'credentials-in-environment',
    aliases: ['TOB-K8S-005', 'TOB-K8S-TM05', 'CIS-5.4.1'],
    sources: ['TOB-K8S-005', 'TOB-K8S-TM05'],
    tier: 'seed',
    inputs: { kinds: [...WORKLOAD_KINDS] },
    title: 'Credentials are exposed through environment variables or arguments',
    description:
      'Environment variables and command-line arguments are visible to anyone who can read the pod spec, are ' +
      'inherited by every child process, end up in crash dumps and debugging output, and (for arguments) in ' +
      'the node’s process list. The 2019 audit found them exposing credentials (TOB-K8S-005, TOB-K8S-TM05). ' +
      'A Secret referenced as a variable is still a credential in the environment.',
    zone: 'Container',
    stride: ['information-disclosure'],
    likelihood: 'medium',
    impact: 'medium',
    variants: {
      'secret-ref': { title: 'a Secret exposed as an environment variable', likelihood: 'low' },
      'literal-credential': { title: 'a literal credential in an environment variable', likelihood: 'high' },
      'argument-credential': { title: 'a credential on the command line', likelihood: 'high' },
    },
    detection:
      'For every container of every workload and bare pod (init and ephemeral containers too): env valueFrom.' +
      'secretKeyRef and envFrom.secretRef (secret-ref); a literal env value under a credential-like name (unless ' +
      'the value is a path or a plain URL) or a value shaped like a key or token (literal-credential); command ' +
      'and args flags such as --token, --password, --basic-auth-file, --token-auth-file (argument-credential), ' +
      'including the control-plane static pods. The value itself is never reported.',
    falsePositives:
      'A variable named like a credential that holds something else (a key id, a token lifetime); an argument ' +
      'flag that names a file mounted from a Secret. Accept them with an exception stating why.',
    remediation: {
      shortTerm:
        'Move literal credentials into Secrets, and mount Secrets as read-only files instead of environment ' +
        'variables; rotate any credential that was written into a manifest.',
      longTerm:
        'Use short-lived credentials fetched at run time (workload identity, a secrets manager with a CSI driver) ' +
        'so no long-lived credential lives in the pod spec at all.',
    },
    references: [
      'https://github.com/kubernetes/kubernetes/issues/81117',
      'https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod',
    ],
    messages: {
      secretRef:
        '{{workload}} container {{container}} exposes Secret {{secret}} as environment variable {{variable}}',
      secretEnvFrom:
        '{{workload}} container {{container}} exposes every key of Secret {{secret}} as environment variables',
      literalName:
        '{{workload}} container {{container}} sets a literal value for credential-like variable {{variable}}',
      literalValue: '{{workload}} container {{container}} sets variable {{variable}} to {{what}}',
      argument: '{{workload}} container {{container}} passes a credential on its command line ({{flag}})',
    },
  },
  check(ctx) {
    // Static pods too: the control plane's own command lines are where --token-auth-file and kin live.
    for (const p of podSpecs(ctx.inventory, { includeStatic: true })) {
      const workload = workloadName(p.workload);
      for (const c of p.containers) {
        const container = c.container.name;
        (c.container.env ?? []).forEach((e, i) => {
          const at = `${c.path}.env[${i}]`;
          const ref = e.valueFrom?.secretKeyRef;
          if (ref !== undefined) {
            ctx.report({
              messageId: 'secretRef',
              data: { workload, container, variable: e.name, secret: ref.name ?? '(unnamed)' },
              subject: p.workload.ref,
              variant: 'secret-ref',
              evidence: [p.evidence(`${at}.valueFrom.secretKeyRef`, `${ref.name ?? ''}/${ref.key}`)],
            });
            return;
          }
          const value = e.value;
          if (value === undefined || value === '') return;
          const shaped = CREDENTIAL_VALUES.find((v) => v.re.test(value));
          if (shaped !== undefined) {
            ctx.report({
              messageId: 'literalValue',
              data: { workload, container, variable: e.name, what: shaped.what },
              subject: p.workload.ref,
              variant: 'literal-credential',
              evidence: [p.evidence(`${at}.value`)],
            });
          } else if (CREDENTIAL_NAME.test(e.name) && !looksLikeReference(value)) {
            ctx.report({
              messageId: 'literalName',
              data: { workload, container, variable: e.name },
              subject: p.workload.ref,
              variant: 'literal-credential',
              evidence: [p.evidence(`${at}.value`)],
            });
          }
        });
        (c.container.envFrom ?? []).forEach((e, i) => {
          if (e.secretRef === undefined) return;
          ctx.report({
            messageId: 'secretEnvFrom',
            data: { workload, container, secret: e.secretRef.name ?? '(unnamed)' },
            subject: p.workload.ref,
            variant: 'secret-ref',
            evidence: [p.evidence(`${c.path}.envFrom[${i}].secretRef`, e.secretRef.name ?? '')],
          });
        });
        for (const field of ['command', 'args'] as const) {
          const argv = c.container[field] ?? [];
          argv.forEach((arg, i) => {
            // An element may hold a whole command line (`sh -c "app --password=…"`, or several flags written as
            // one element): every whitespace-separated word is looked at, and a flag without `=` takes the next word.
            const words = arg.split(/\s+/).filter((w) => w !== '');
            const next = (j: number): string | undefined =>
              words[j + 1] ?? (words.length === 1 ? argv[i + 1] : undefined);
            words.forEach((word, j) => {
              const m = CREDENTIAL_FLAG.exec(word.replace(/^["']|["']$/g, ''));
              if (m === null) return;
              const following = next(j);
              if (m[2] === undefined && (following === undefined || following.startsWith('-'))) return;
              ctx.report({
                messageId: 'argument',
                data: { workload, container, flag: `--${m[1]!}` },
                subject: p.workload.ref,
                variant: 'argument-credential',
                evidence: [p.evidence(`${c.path}.${field}[${i}]`, `--${m[1]!}`)],
              });
            });
          });
        }
      }
    }
  },
});
