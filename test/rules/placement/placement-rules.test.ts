// Runs the shared rule tester on every rule under src/rules/placement/ and its fixtures.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RULES } from '../../../src/rules/registry.js';
import { testRule } from '../rule-tester.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/rules/placement');
const ids = new Set(existsSync(dir) ? readdirSync(dir).map((f) => path.basename(f, '.ts')) : []);
for (const rule of RULES.filter((r) => ids.has(r.meta.id))) testRule(rule);
