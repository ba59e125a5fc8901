// The rule registry: every rule, imported explicitly (one import and one entry per rule; keep both sorted).
import type { AnyRule } from './framework/define-rule.js';
import controllerLeastAuthority from './control-plane/controller-least-authority.js';

/** Every rule ktm runs, in catalogue order within each area. */
export const RULES: readonly AnyRule[] = [controllerLeastAuthority];
