// Where the bundled example cluster lives: a snapshot folder plus the control-plane node's files.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { existsSync } from 'node:fs';

/** Package root, found from this file whether it runs from src/ (tests) or dist/src/ (built). */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

export function demoPaths(): { snapshot: string; nodeFiles: string[] } {
  const root = path.join(packageRoot(), 'examples', 'demo-cluster');
  return { snapshot: path.join(root, 'snapshot'), nodeFiles: [path.join(root, 'node-files', 'lab-cp-1')] };
}
