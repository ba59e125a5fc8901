// The privilege-graph API other parts use: RBAC decisions, the attack graph, and shortest attack paths.
export {
  buildRbacIndex,
  RbacIndex,
  userInfoOf,
  subjectKey,
  serviceAccountUsername,
  type Subject,
  type UserInfo,
  type Grant,
  type Allowance,
} from './rbac-index.js';
export {
  ruleAllows,
  type PolicyRule,
  type ResourceAttributes,
  type NonResourceAttributes,
  type RequestAttributes,
} from './rbac-match.js';
export {
  AttackGraph,
  EDGE_TYPES,
  KUBEHOUND_EDGE_TYPES,
  KTM_EDGE_TYPES,
  ZONES,
  vertexLabel,
  type Edge,
  type EdgeType,
  type AttackStep,
  type Vertex,
  type VertexRef,
} from './attack-graph.js';
export {
  buildPrivilegeGraph,
  JEWEL_CLASSES,
  type PrivilegeGraph,
  type JewelClass,
  type EntryPoint,
} from './build-graph.js';
export {
  findAttackPaths,
  resolveSelector,
  distancesTo,
  type AttackPath,
  type PathStep,
  type PathQuery,
  type PathResult,
} from './attack-paths.js';
export {
  renderPathsTable,
  renderPathsJson,
  renderPathsJsonChunks,
  renderPathsDot,
  pathsToJson,
  PATH_FORMATS,
  type PathFormat,
} from './render-paths.js';
