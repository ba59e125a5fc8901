// Where the store is: a postgres:// URL, a SQLite file, $KTM_STORE, or a file under the user's data folder.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { KtmError } from '../errors.js';
import envPaths from 'env-paths';
import { AssessmentStore } from './assessment-store.js';
import { openPostgres } from './postgres-driver.js';
import { openSqlite } from './sqlite-driver.js';

/** The SQLite file used when neither --store PATH nor $KTM_STORE says otherwise. */
export function defaultStorePath(): string {
  // env-paths reads XDG_DATA_HOME (Linux), ~/Library/Application Support (macOS) and %LOCALAPPDATA% (Windows).
  return path.join(envPaths('ktm', { suffix: '' }).data, 'assessments.db');
}

export const isPostgresUrl = (location: string): boolean => /^postgres(ql)?:\/\//i.test(location);

/**
 * The store location: an explicit one (a flag's value), else $KTM_STORE, else the first line of the file
 * $KTM_STORE_FILE names (a mounted Secret holding a postgres:// URL with its password: a URL in a file, not in
 * the environment), else the default file. Relative file paths are resolved against `cwd`.
 */
export function storeLocation(
  explicit: string | undefined,
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const chosen = explicit ?? nonEmpty(env.KTM_STORE) ?? locationFromFile(env.KTM_STORE_FILE);
  if (chosen === undefined || chosen === '') return defaultStorePath();
  return isPostgresUrl(chosen) ? chosen : path.resolve(cwd, chosen);
}

/** Whether the environment configures a store ($KTM_STORE or $KTM_STORE_FILE): `ktm assess` then saves by default. */
export const storeConfigured = (env: NodeJS.ProcessEnv): boolean =>
  nonEmpty(env.KTM_STORE) !== undefined || nonEmpty(env.KTM_STORE_FILE) !== undefined;

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s.trim() === '' ? undefined : s;
}

function locationFromFile(file: string | undefined): string | undefined {
  if (file === undefined || nonEmpty(file) === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new KtmError(
      `cannot read the store location (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      `KTM_STORE_FILE=${file}`,
      'mount the Secret holding the store URL there, or unset KTM_STORE_FILE',
    );
  }
  const first = text.split(/\r?\n/)[0]?.trim() ?? '';
  if (first === '')
    throw new KtmError(
      'the store location file is empty',
      `KTM_STORE_FILE=${file}`,
      'write the URL on its first line',
    );
  return first;
}

export async function openStore(location: string): Promise<AssessmentStore> {
  const driver = isPostgresUrl(location) ? await openPostgres(location) : await openSqlite(location);
  try {
    return await AssessmentStore.open(driver);
  } catch (err) {
    await driver.close();
    throw err;
  }
}
