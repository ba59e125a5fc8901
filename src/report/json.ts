// JSON reporter: the Assessment as is, stable key order from construction, two-space indentation.
import type { Assessment } from '../assess.js';

export function renderJson(a: Assessment): string {
  return JSON.stringify(a, null, 2) + '\n';
}
