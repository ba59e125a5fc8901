// ktm's own version, read once from package.json.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from './collect/demo.js';

let cached: string | undefined;

export function ktmVersion(): string {
  cached ??= (
    JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }
  ).version;
  return cached;
}
