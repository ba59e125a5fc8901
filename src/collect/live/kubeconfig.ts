// Which cluster and credentials to use, defaulting like kubectl: --kubeconfig, else $KUBECONFIG, ~/.kube/config, in-cluster.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { KtmError } from '../../errors.js';
import { escapeTerminal } from '../../text/escape.js';

/** Where client-node (like kubectl) looks for a pod's service account token. */
const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export interface ResolvedKubeConfig {
  readonly kc: KubeConfig;
  readonly context: string;
  /** The API server URL without a trailing slash. */
  readonly server: string;
}

export interface KubeConfigOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  /** Use the pod's service account and nothing else (`--in-cluster`). */
  readonly inCluster?: boolean;
  /** Where the service account token is (tests). */
  readonly serviceAccountToken?: string;
  /** For tests; defaults to process.env (client-node's loadFromDefault reads process.env itself). */
  readonly env?: NodeJS.ProcessEnv;
}

export function resolveKubeConfig(options: KubeConfigOptions): ResolvedKubeConfig {
  const env = options.env ?? process.env;
  const kc = new KubeConfig();
  const token = options.serviceAccountToken ?? SERVICE_ACCOUNT_TOKEN;
  if (options.inCluster === true) {
    if (!existsSync(token))
      throw new KtmError(
        'no service account token: --in-cluster works only inside a pod',
        token,
        'run ktm in a pod with a service account (deploy/), or drop --in-cluster and give --kubeconfig',
      );
    load(() => {
      kc.loadFromCluster();
    }, token);
  } else if (options.kubeconfig !== undefined) {
    if (!existsSync(options.kubeconfig))
      throw new KtmError('kubeconfig file not found', options.kubeconfig, 'check the --kubeconfig path');
    load(() => {
      kc.loadFromFile(options.kubeconfig!);
    }, options.kubeconfig);
  } else {
    const fromEnv = (env['KUBECONFIG'] ?? '').split(path.delimiter).filter((f) => f !== '');
    if (fromEnv.length > 0) {
      const missing = fromEnv.filter((f) => !existsSync(f));
      // kubectl ignores missing files in KUBECONFIG unless none exists; so do we.
      if (missing.length === fromEnv.length)
        throw new KtmError(
          'no file named by KUBECONFIG exists',
          `KUBECONFIG=${escapeTerminal(fromEnv.join(path.delimiter))}`,
          'fix KUBECONFIG or give --kubeconfig',
        );
      const present = fromEnv.filter((f) => existsSync(f));
      load(() => {
        kc.loadFromFile(present[0]!);
        for (const f of present.slice(1)) {
          const more = new KubeConfig();
          more.loadFromFile(f);
          // The first file that sets current-context wins, as in kubectl's merge rules.
          kc.mergeConfig(more, currentContextOf(kc) !== '');
        }
      }, present.join(path.delimiter));
    } else {
      const home = path.join(env['HOME'] ?? os.homedir(), '.kube', 'config');
      if (existsSync(home)) {
        load(() => {
          kc.loadFromFile(home);
        }, home);
      } else if (existsSync(SERVICE_ACCOUNT_TOKEN)) {
        load(() => {
          kc.loadFromCluster();
        }, SERVICE_ACCOUNT_TOKEN);
      } else {
        // client-node would fall back to http://localhost:8080; kubectl fails the same way, but says why.
        throw new KtmError(
          'no kubeconfig found',
          'kubeconfig',
          'give --kubeconfig, set KUBECONFIG, create ~/.kube/config, or run ktm in a pod with a service account',
        );
      }
    }
  }
  if (options.context !== undefined) {
    if (kc.getContextObject(options.context) === null) {
      const known = kc
        .getContexts()
        .map((c) => c.name)
        .sort();
      throw new KtmError(
        `context '${escapeTerminal(options.context)}' not found in the kubeconfig`,
        '--context',
        known.length === 0
          ? 'the kubeconfig defines no contexts'
          : `known contexts: ${escapeTerminal(known.join(', '), 500)}`,
      );
    }
    kc.setCurrentContext(options.context);
  }
  const context = currentContextOf(kc);
  if (context === '' || kc.getContextObject(context) === null)
    throw new KtmError(
      'the kubeconfig has no current context',
      'kubeconfig',
      'give --context NAME or run kubectl config use-context NAME',
    );
  const cluster = kc.getCurrentCluster();
  if (cluster === null || cluster.server === '')
    throw new KtmError(
      `context '${escapeTerminal(context)}' names a cluster that is not in the kubeconfig`,
      'kubeconfig',
      'check the clusters section of the kubeconfig',
    );
  return { kc, context, server: cluster.server.replace(/\/+$/, '') };
}

/** client-node leaves currentContext undefined when the file has no current-context, whatever its type says. */
function currentContextOf(kc: KubeConfig): string {
  const current: string | undefined = kc.getCurrentContext();
  return current ?? '';
}

function load(fn: () => void, where: string): void {
  try {
    fn();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new KtmError(
      `cannot read kubeconfig: ${escapeTerminal(message, 300)}`,
      escapeTerminal(where, 300),
      'check that it is a valid kubeconfig file',
    );
  }
}
