// Where the store is: a postgres:// URL, a SQLite file, $KTM_STORE, or a file under the user's data folder.
import path from 'node:path';
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
 * The store location: an explicit one (a flag's value), else $KTM_STORE, else the default file.
 * Relative file paths are resolved against `cwd`.
 */
export function storeLocation(
  explicit: string | undefined,
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const chosen = explicit ?? env.KTM_STORE;
  if (chosen === undefined || chosen === '') return defaultStorePath();
  return isPostgresUrl(chosen) ? chosen : path.resolve(cwd, chosen);
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
