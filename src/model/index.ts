// The derive stage's public surface: deriveModel, the Model types, the zones file and reachability integration.
export { deriveModel, type DeriveOptions } from './derive-model.js';
export { parseZonesFile, ZonesFileSchema, type ZonesFile } from './zones-file.js';
export {
  addReachabilityFlows,
  type ReachabilityGranularity,
  type ReachabilityResult,
  type WorkloadConnection,
} from './reachability-flows.js';
export * from './types.js';
