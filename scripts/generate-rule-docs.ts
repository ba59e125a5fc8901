// Writes docs/rules/<id>.md and docs/rules/README.md from the rules' meta (`npm run docs:rules`); removes stale pages.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../src/collect/demo.js';
import { RULES } from '../src/rules/registry.js';
import { generatedRuleDocs } from '../src/rules/framework/rule-docs.js';

const dir = path.join(packageRoot(), 'docs', 'rules');
mkdirSync(dir, { recursive: true });
const files = generatedRuleDocs(RULES);
// Hand-written pages start with `_` (e.g. _framework.md); every other page is generated.
for (const name of readdirSync(dir))
  if (name.endsWith('.md') && !name.startsWith('_') && !files.has(name)) rmSync(path.join(dir, name));
for (const [name, content] of files) writeFileSync(path.join(dir, name), content);
process.stdout.write(`wrote ${files.size} files to ${path.relative(process.cwd(), dir) || '.'}\n`);
