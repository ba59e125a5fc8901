// Shared by the network rules: a workload's Ref and a lenient record reader.
import type { WorkloadRef } from '../../../analysis/network-policy/endpoints.js';
import type { Ref } from '../../../types.js';

export function workloadRef(w: WorkloadRef): Ref {
  return { kind: w.kind, namespace: w.namespace, name: w.name };
}

export function rec(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
