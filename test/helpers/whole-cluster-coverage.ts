// Coverage for inventories built in tests: a whole cluster, every resource type read (with 0 counted).
import type { Coverage } from '../../src/collect/coverage.js';
import { RESOURCE_TYPES, resourceId } from '../../src/collect/resource-types.js';

/** Every kind read: the rule runner makes a rule unverifiable for a kind not read, which these tests do not test. */
export function wholeClusterCoverage(): Coverage {
  return {
    mode: 'manifests',
    resources: RESOURCE_TYPES.map((rt) => ({
      resource: resourceId(rt),
      kind: rt.kind,
      state: 'read',
      count: 0,
    })),
    facts: [],
  };
}
