// ktm as a library: the operations the CLI uses, as functions over plain data.
export { loadInventory, type InputSpec, type LoadOptions } from './collect/load.js';
export { Inventory, type InventoryItem, type KubeObject, type ClusterInfo } from './collect/inventory.js';
export type { Coverage, ResourceCoverage, FactCoverage, CoverageState } from './collect/coverage.js';
export type { ComponentSettings, Setting, ComponentName } from './collect/settings/types.js';
export { readNodeFiles } from './collect/node-files/read-node-files.js';
export type { NodeFileSet } from './collect/node-files/types.js';
export {
  deriveSettings,
  featureGateEnabled,
  type SettingsInput,
} from './collect/settings/derive-settings.js';
export { MANAGED_SETTINGS, managedSettingHint } from './collect/settings/managed-settings.js';
export { detectProvider } from './collect/provider.js';
export { RESOURCE_TYPES } from './collect/resource-types.js';
export { collectLive, type LiveOptions } from './collect/live/collect-live.js';
export { writeSnapshot, type SnapshotWriteSummary } from './collect/snapshot/write-snapshot.js';
export { assess, type Assessment, type AssessOptions } from './assess.js';
export type { Finding } from './rules/finding.js';
export {
  computeReachability,
  Reachability,
  peerName,
  type Connection,
  type ReachPeer,
  type ReachView,
} from './analysis/network-policy/reachability.js';
export { detectNetworkPlugin, type NetworkPluginInfo, type Enforcement } from './analysis/network-plugin.js';
export {
  deriveModel,
  parseZonesFile,
  type DeriveOptions,
  type ZonesFile,
  type Model,
  type Component,
  type ComponentKind,
  type Endpoint as ComponentEndpoint,
  type Flow,
  type TrustZone,
  type Control,
  type BoundaryFlow,
  type AttributeEvidence,
  type TlsState,
  type AuthnState,
} from './model/index.js';
export { renderDataflowDot, renderZonesDot } from './report/diagrams/dot.js';
export { renderDataflowMermaid } from './report/diagrams/mermaid.js';
export { dotToSvg, loadSvgLayout } from './report/diagrams/svg.js';
export {
  REPORTERS,
  REPORTER_NAMES,
  REPORT_FORMATS,
  describeFormats,
  formatsOf,
  reporterFor,
  type Reporter,
  type ReporterName,
  type ReportCommand,
  type ReportViews,
  type ReportOptions,
} from './report/index.js';
export { renderHtml } from './report/html/html.js';
export { renderMarkdown } from './report/markdown.js';
export { renderSarif } from './report/sarif.js';
export { KtmError, type Diagnostic } from './errors.js';
export type { Ref, Evidence, Severity, Source } from './types.js';
export { main } from './cli/main.js';
export {
  buildRbacIndex,
  RbacIndex,
  userInfoOf,
  buildPrivilegeGraph,
  findAttackPaths,
  resolveSelector,
  JEWEL_CLASSES,
  EDGE_TYPES,
  type Subject,
  type UserInfo,
  type RequestAttributes,
  type PrivilegeGraph,
  type AttackPath,
  type PathStep,
  type PathResult,
  type EdgeType,
} from './analysis/privilege/index.js';
export {
  resolveModelName,
  resolveZone,
  resolveName,
  closestNames,
  editDistance,
  type ModelTarget,
  type NameCandidate,
} from './model/names.js';
export { resolveGraphName, type GraphNameContext } from './analysis/privilege/graph-names.js';
export { computeCascade, resolveTarget, type CascadeResult, type CascadeEntry } from './analysis/cascade.js';
export { analysePlacement, type Placement } from './analysis/placement.js';
export {
  rateCriticality,
  raiseForCriticality,
  type Criticality,
  type CriticalityRating,
} from './analysis/criticality.js';
export { buildRraContext, renderRraMarkdown, resolveRraTargets } from './report/rra/rra-markdown.js';
export {
  parseThreatModel,
  threatModelJsonSchema,
  type ThreatModelFile,
  type DeclaredAssumption,
} from './assumptions/threat-model-file.js';
export { evaluateAssumptions, loadThreatModel, validateCheck } from './assumptions/evaluate.js';
export { BUILTINS } from './assumptions/builtins.js';
export type { AssumptionResult } from './assumptions/result.js';
export { computeDrift, type DriftItem } from './assumptions/drift.js';
export { initThreatModel, updateThreatModel } from './assumptions/declare.js';
export { buildDiscrepancies, Ownership } from './issues/discrepancies.js';
export { draftIssues, fingerprintOf } from './issues/drafts.js';
export { planIssues, type PlanInput } from './issues/plan.js';
export { plural, pluralOf } from './text/plural.js';
export { renderIssues, ISSUE_FORMATS, type IssueFormat } from './issues/formats.js';
export { fileOnGitHub, type GitHubOptions } from './issues/github.js';
export type { IssueDraft } from './issues/draft.js';
export { runProbes, type ProbeRunOptions } from './collect/probe/run-probes.js';
export { parseTarget, readProbeMap } from './collect/probe/addresses.js';
export type { ProbeRun, ProbeResult, ProbeTarget, ProbeTargetKind } from './collect/probe/types.js';
export { planProbeTargets, type ProbePlan } from './model/probe-targets.js';
export { PROBE_SOURCE, type ProbeSection, type ProbeDiscrepancy } from './assess-probes.js';
