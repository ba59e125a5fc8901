// The options every command that reads or writes the assessment store shares: where the store is, which cluster.
import type { Command } from 'commander';
import type { AssessmentStore } from '../store/assessment-store.js';
import { openStore, storeConfigured, storeLocation } from '../store/open-store.js';
import type { CliIo } from './io.js';
import { KtmError } from '../errors.js';

export interface StoreFlags {
  /** Where the store is (a SQLite file or a postgres:// URL). */
  store?: string;
  cluster?: string;
}

const STORE_HELP =
  'the assessment store: a SQLite file or a postgres:// URL (default: $KTM_STORE, else the URL in the file $KTM_STORE_FILE, else assessments.db in the user data folder)';

/** Adds --store LOCATION and --cluster NAME to history, diff and triage. */
export function addStoreOptions(cmd: Command): Command {
  return cmd
    .option('--store <location>', STORE_HELP)
    .option(
      '--cluster <name>',
      'the cluster (default: the only one in the store, or the newest assessment’s)',
    );
}

/**
 * Where `ktm assess` saves its result, or undefined for not at all: `--store LOCATION` or `--save` say yes,
 * `--no-save` no; without any of them, yes exactly when a store is configured ($KTM_STORE or $KTM_STORE_FILE).
 */
export function assessStoreLocation(flags: StoreFlags & { save?: boolean }, io: CliIo): string | undefined {
  if (flags.save === false) return undefined;
  if (flags.save === undefined && flags.store === undefined && !storeConfigured(io.env)) return undefined;
  return storeLocation(flags.store, io.cwd, io.env);
}

/** Opens the store the flags name (or the configured / default one), runs `work`, and always closes it. */
export async function withStore<T>(
  flags: StoreFlags,
  io: CliIo,
  work: (store: AssessmentStore) => Promise<T>,
): Promise<T> {
  return withStoreAt(storeLocation(flags.store, io.cwd, io.env), work);
}

export async function withStoreAt<T>(
  location: string,
  work: (store: AssessmentStore) => Promise<T>,
): Promise<T> {
  const store = await openStore(location);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** The cluster a command is about: --cluster, else the store's only cluster, else the newest assessment's. */
export async function resolveCluster(store: AssessmentStore, flags: StoreFlags): Promise<string> {
  if (flags.cluster !== undefined) return flags.cluster;
  const clusters = await store.clusters();
  if (clusters.length === 1 && clusters[0] !== undefined) return clusters[0];
  const newest = (await store.list(undefined, 1))[0];
  if (newest === undefined)
    throw new KtmError('the store holds no assessment', store.location, 'run ktm assess --store first');
  return newest.cluster;
}
