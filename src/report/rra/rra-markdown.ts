// The audit's modified Rapid Risk Assessment, per component or zone, filled from the cluster as Markdown.
//
// Sections follow the 2019 audit's RRA (docs/rra.md): overview, service notes, data dictionary, six control
// families, threat scenarios for four actors, recommendations. What ktm derives is cited with its evidence; what
// only the team can answer is marked "Question for the team". Every cluster-supplied string goes through
// escapeMarkdown.
import { plural } from '../../text/plural.js';
import { resolveModelName } from '../../model/names.js';
import type { Inventory } from '../../collect/inventory.js';
import type { ComponentSettings } from '../../collect/settings/types.js';
import type { CascadeResult } from '../../analysis/cascade.js';
import type { Analyses } from '../../analysis/analyses.js';
import type { Assessment } from '../../assess.js';
import {
  DIMENSIONS,
  highestLevel,
  levelRank,
  type Criticality,
  type CriticalityRating,
  type Level,
  type RaisedFinding,
} from '../../analysis/criticality.js';
import type { Placement } from '../../analysis/placement.js';
import { vertexLabel, type VertexRef } from '../../analysis/privilege/attack-graph.js';
import type { AttackPath } from '../../analysis/privilege/attack-paths.js';
import type { PrivilegeGraph } from '../../analysis/privilege/build-graph.js';
import { groupWorkloads } from '../../model/workloads.js';
import type { Component, Flow, Model, TrustZone } from '../../model/types.js';
import { refToString, severityRank, type Evidence, type Ref } from '../../types.js';
import { escapeMarkdown as e } from '../../text/escape.js';
import {
  CONTROL_FAMILIES,
  FAMILY_TITLES,
  GENERIC_NOTES,
  NOTES,
  RULE_FAMILIES,
  type ComponentNotes,
} from './component-notes.js';

export const QUESTION = '**Question for the team:**';

export interface RraContext {
  readonly inventory: Inventory;
  /** The run's analyses (cascades are read from here). */
  readonly analyses: Analyses;
  readonly model: Model;
  readonly privilege: PrivilegeGraph;
  readonly placement: Placement;
  readonly criticality: Criticality;
  /** Findings after the criticality raise. */
  readonly findings: readonly RaisedFinding[];
  readonly paths: readonly AttackPath[];
  /** Owners by component or zone id, from a threat-model file when one is given. */
  readonly owners: ReadonlyMap<string, string>;
  /** Source files under this folder are shown relative to it, so output does not depend on the checkout. */
  readonly basePath?: string;
  /** Pod key (`ns/name`) → workload component id. */
  readonly podWorkload: ReadonlyMap<string, string>;
}

/**
 * The RRA's view of one assessment: its model, criticality and findings (already raised for criticality, once,
 * by assess) and the run's analyses for what the assessment keeps only as JSON (attack paths, cascades).
 */
export function buildRraContext(
  assessment: Assessment,
  analyses: Analyses,
  options: { readonly owners?: ReadonlyMap<string, string>; readonly basePath?: string } = {},
): RraContext {
  const inventory = analyses.inventory;
  const podWorkload = new Map<string, string>();
  for (const w of groupWorkloads(inventory))
    for (const p of w.pods) podWorkload.set(`${w.namespace}/${p.object.metadata?.name ?? ''}`, w.id);
  return {
    inventory,
    analyses,
    model: assessment.model,
    privilege: analyses.privilegeGraph(),
    placement: assessment.placement,
    criticality: assessment.criticality,
    findings: assessment.findings,
    paths: analyses.worstPaths(RRA_PATH_LIMIT).paths,
    owners: options.owners ?? new Map(),
    ...(options.basePath === undefined ? {} : { basePath: options.basePath }),
    podWorkload,
  };
}

/** Attack paths the RRA looks through for each subject (more than a report lists: each subject takes its own). */
const RRA_PATH_LIMIT = 1000;

export type RraSubject =
  | { readonly type: 'component'; readonly component: Component }
  | { readonly type: 'zone'; readonly zone: TrustZone };

/**
 * The subjects an argument names, with the one name resolver (src/model/names.ts): nothing = every control-plane
 * component; a component id or name; a component kind (every instance); a zone; a node (its zone); a workload or
 * Service. An unknown name is a KtmError naming the closest matches.
 */
export function resolveRraTargets(model: Model, target?: string, where = 'rra'): RraSubject[] {
  const comp = (c: Component): RraSubject => ({ type: 'component', component: c });
  if (target === undefined) return model.components.filter((c) => c.kind.type === 'control-plane').map(comp);
  return resolveModelName(model, target, where)
    .flatMap((t): RraSubject[] => {
      if (t.type === 'component') return [comp(t.component)];
      if (t.type === 'zone') return [{ type: 'zone', zone: t.zone }];
      const zone = model.zones.find((z) => z.kind === 'node' && z.name === t.node);
      return zone !== undefined
        ? [{ type: 'zone', zone }]
        : model.components.filter((c) => c.nodes.includes(t.node)).map(comp);
    })
    .filter((s, i, all) => all.findIndex((o) => subjectId(o) === subjectId(s)) === i);
}

const subjectId = (s: RraSubject): string => (s.type === 'component' ? s.component.id : `zone:${s.zone.id}`);

function notesKey(c: Component): string | undefined {
  if (c.kind.type === 'control-plane') return c.kind.process;
  if (c.kind.type === 'node-agent') return c.kind.agent;
  return undefined;
}

function settingsOf(ctx: RraContext, c: Component): ComponentSettings | undefined {
  const key = notesKey(c);
  if (key === undefined || key === 'container-runtime') return undefined;
  const all = ctx.inventory.settings.filter((s) => s.component === key);
  if (c.nodes.length > 0) {
    const onNode = all.find((s) => s.node !== undefined && c.nodes.includes(s.node));
    if (onNode !== undefined) return onNode;
  }
  return all[0];
}

const refKey = (r: Ref): string => `${r.kind}\u0000${r.namespace ?? ''}\u0000${r.name}`;

interface Scope {
  readonly subjectType: 'component' | 'zone';
  readonly title: string;
  readonly id: string;
  readonly zoneId: string;
  readonly components: readonly Component[];
  readonly rating: CriticalityRating | undefined;
  readonly flows: readonly Flow[];
  readonly notes: ComponentNotes;
  readonly settings: ComponentSettings | undefined;
  readonly findings: readonly RaisedFinding[];
  readonly paths: readonly AttackPath[];
  readonly cascade: CascadeResult | undefined;
}

function zoneDescendants(model: Model, id: string): Set<string> {
  const out = new Set([id]);
  for (let grew = true; grew;) {
    grew = false;
    for (const z of model.zones)
      if (z.parent !== undefined && out.has(z.parent) && !out.has(z.id)) {
        out.add(z.id);
        grew = true;
      }
  }
  return out;
}

const TOP_OF: Readonly<Record<string, string>> = {
  'api-server': 'API Server',
  'master-components': 'Master Components',
  'master-data': 'Master Data',
  worker: 'Worker',
  container: 'Container',
  internet: 'Internet',
};

function topZoneOf(model: Model, zoneId: string): string {
  const byId = new Map(model.zones.map((z) => [z.id, z]));
  let z = byId.get(zoneId);
  for (let guard = 0; z?.parent !== undefined && guard < 64; guard++) z = byId.get(z.parent);
  return z?.id ?? zoneId;
}

function scopeOf(ctx: RraContext, s: RraSubject): Scope {
  const { model } = ctx;
  if (s.type === 'component') {
    const c = s.component;
    const key = notesKey(c);
    const refs = new Set(c.refs.map(refKey));
    const top = TOP_OF[topZoneOf(model, c.zone)];
    const findings = ctx.findings.filter((f) => {
      if (refs.has(refKey(f.subject))) return true;
      if (c.kind.type === 'control-plane' && f.zone === top) return true;
      if (c.kind.type === 'node-agent' && c.kind.agent === 'kubelet')
        return f.subject.kind === 'Node' && c.nodes.includes(f.subject.name);
      if (c.kind.type === 'node-agent' && c.kind.agent === 'kube-proxy' && f.subject.kind === 'Pod') {
        const pod = ctx.inventory.get('Pod', f.subject.namespace, f.subject.name);
        return f.subject.name.startsWith('kube-proxy-') && c.nodes.includes(pod?.object.spec?.nodeName ?? '');
      }
      if (c.kind.type === 'workload') {
        if (f.subject.kind === 'Pod')
          return ctx.podWorkload.get(`${f.subject.namespace ?? ''}/${f.subject.name}`) === c.id;
        return (
          f.subject.kind === 'ServiceAccount' &&
          f.subject.namespace === c.kind.namespace &&
          f.subject.name === c.kind.serviceAccount
        );
      }
      return false;
    });
    const cascade = ctx.analyses.cascade(c.id);
    return {
      subjectType: 'component',
      title: c.name,
      id: c.id,
      zoneId: c.zone,
      components: [c],
      rating: ctx.criticality.components.find((r) => r.id === c.id),
      flows: model.flows.filter((f) => f.from === c.id || f.to === c.id),
      notes: (key === undefined ? undefined : NOTES[key]) ?? GENERIC_NOTES,
      settings: settingsOf(ctx, c),
      findings,
      paths: ctx.paths.filter((p) => pathConcerns(ctx, p, c)),
      cascade,
    };
  }
  const z = s.zone;
  const zones = zoneDescendants(model, z.id);
  const components = model.components.filter((c) => zones.has(c.zone));
  const refs = new Set(components.flatMap((c) => c.refs.map(refKey)));
  const namespaces = new Set(
    model.zones.filter((x) => zones.has(x.id) && x.kind === 'namespace').map((x) => x.name),
  );
  const nodes = new Set(model.zones.filter((x) => zones.has(x.id) && x.kind === 'node').map((x) => x.name));
  const flowIds = new Set(z.boundaryFlows.map((b) => b.flow));
  const cascade = ctx.analyses.cascade(z.id);
  return {
    subjectType: 'zone',
    title: `zone ${z.name}`,
    id: z.id,
    zoneId: z.id,
    components,
    rating: ctx.criticality.zones.find((r) => r.id === z.id),
    flows: model.flows.filter((f) => flowIds.has(f.id)),
    notes: GENERIC_NOTES,
    settings: undefined,
    findings: ctx.findings.filter(
      (f) =>
        refs.has(refKey(f.subject)) ||
        (f.subject.namespace !== undefined && namespaces.has(f.subject.namespace)) ||
        (f.subject.kind === 'Namespace' && namespaces.has(f.subject.name)) ||
        (f.subject.kind === 'Node' && nodes.has(f.subject.name)) ||
        f.zone === z.name,
    ),
    paths: ctx.paths.filter((p) =>
      [p.entry, ...p.steps.map((st) => st.to)].some(
        (v) =>
          (v.namespace !== undefined && namespaces.has(v.namespace)) ||
          ((v.kind === 'Node' || v.kind === 'Kubelet') && nodes.has(v.name)) ||
          (v.kind === 'Zone' && v.name === z.name),
      ),
    ),
    cascade,
  };
}

function pathConcerns(ctx: RraContext, p: AttackPath, c: Component): boolean {
  const vs: VertexRef[] = [p.entry, ...p.steps.map((s) => s.to)];
  if (c.kind.type === 'control-plane') {
    switch (c.kind.process) {
      case 'kube-apiserver':
        return p.jewel === 'cluster-admin' || p.jewel === 'kube-system-credentials';
      case 'etcd':
        return p.jewel === 'etcd-data';
      default:
        return p.jewel === 'control-plane-node';
    }
  }
  if (c.kind.type === 'node-agent')
    return vs.some((v) => (v.kind === 'Node' || v.kind === 'Kubelet') && c.nodes.includes(v.name));
  if (c.kind.type === 'workload') {
    const ns = c.kind.namespace;
    const sa = c.kind.serviceAccount;
    return vs.some(
      (v) =>
        v.namespace === ns &&
        ((v.kind === 'ServiceAccount' && v.name === sa) ||
          ((v.kind === 'Pod' || v.kind === 'Container' || v.kind === 'Volume') &&
            ctx.podWorkload.get(`${ns}/${v.name.split('/')[0]!}`) === c.id)),
    );
  }
  return false;
}

// ---- rendering helpers ----

const SEVERITY_WORD = {
  info: 'Info',
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'Critical',
} as const;

function displayPath(file: string, base: string | undefined): string {
  if (base === undefined || base === '') return file;
  const prefix = base.endsWith('/') ? base : `${base}/`;
  return file.startsWith(prefix) ? file.slice(prefix.length) : file;
}

function evidenceText(ev: Evidence, base: string | undefined): string {
  const where =
    ev.source?.file !== undefined
      ? ` (${displayPath(ev.source.file, base)}${ev.source.line === undefined ? '' : `:${String(ev.source.line)}`})`
      : '';
  return `${refToString(ev.ref)}${ev.path === undefined ? '' : ` ${ev.path}`}${ev.value === undefined ? '' : ` = ${ev.value}`}${where}`;
}

function cell(s: string): string {
  return e(s);
}

function settingLine(s: ComponentSettings, name: string, base: string | undefined): string {
  const v = s.get(name);
  const value = v.value === undefined ? '(unset)' : v.value;
  const where =
    v.origin === 'flag' || v.origin === 'config-file' || v.origin === 'configz'
      ? `${v.origin}${v.evidence.path === undefined ? '' : ` ${v.evidence.path}`}${v.evidence.source?.file === undefined ? '' : ` in ${displayPath(v.evidence.source.file, base)}`}`
      : v.origin === 'not-visible'
        ? `not visible${v.evidence.value === undefined ? '' : `: ${v.evidence.value}`}`
        : `${v.origin} for Kubernetes 1.${String(s.minorVersion ?? '?')}`;
  return `- \`${name}\` = ${e(value)} — ${e(where)}`;
}

function ratingWord(r: CriticalityRating | undefined): string {
  if (r === undefined) return 'not rated';
  return `${highestLevel(r)} (confidentiality ${r.confidentiality.level}, integrity ${r.integrity.level}, availability ${r.availability.level})`;
}

function flowLine(f: Flow, self: ReadonlySet<string>, names: ReadonlyMap<string, string>): string {
  const inbound = self.has(f.to);
  const peer = inbound ? f.from : f.to;
  const port = f.port !== undefined ? `/${String(f.port)}` : f.socket !== undefined ? ` ${f.socket}` : '';
  return `| ${inbound ? 'in' : 'out'} | ${cell(names.get(peer) ?? peer)} | ${cell(`${f.protocol}${port}`)} | ${f.tls} | ${f.authn} | ${cell(f.purpose)} |`;
}

const ACTORS = [
  {
    id: 'external-no-access',
    title: 'External attacker without access to the client application',
    matches: (p: AttackPath) => p.entryKind === 'internet',
  },
  {
    id: 'external-valid-access',
    title: 'External attacker with valid access to the client application',
    matches: (p: AttackPath) =>
      p.entryKind === 'identity' && (p.entry.kind === 'User' || p.entry.kind === 'Group'),
  },
  {
    id: 'internal-cluster-access',
    title: 'Internal attacker with access to the cluster',
    matches: (p: AttackPath) => p.entryKind === 'pod',
  },
  {
    id: 'malicious-internal-user',
    title: 'Malicious internal user',
    matches: (p: AttackPath) => p.entryKind === 'identity' && p.entry.kind === 'ServiceAccount',
  },
] as const;

function pathText(p: AttackPath): string {
  return [vertexLabel(p.entry), ...p.steps.map((s) => `—${s.type}→ ${vertexLabel(s.to)}`)].join(' ');
}

function familyFindings(findings: readonly RaisedFinding[], fam: string): RaisedFinding[] {
  return findings.filter((f) => (RULE_FAMILIES[f.rule] ?? []).some((x) => x === fam));
}

function findingLine(f: RaisedFinding): string {
  const raised =
    f.severityRaise === undefined
      ? ''
      : ` (raised from ${SEVERITY_WORD[f.severityRaise.from]}: zone ${e(f.severityRaise.zoneName)} is rated Critical for ${f.severityRaise.dimension})`;
  return `- **${SEVERITY_WORD[f.severity]}** ${e(f.id)}${f.status === 'unverifiable' ? ' (unverifiable)' : ''}: ${e(f.message)}${raised}`;
}

function cascadeSummary(c: CascadeResult | undefined, names: ReadonlyMap<string, string>): string[] {
  if (c === undefined)
    return [`${QUESTION} ktm could not compute what stops with it; what happens under denial of service?`];
  const n = (id: string): string => e(names.get(id) ?? id);
  const out: string[] = [];
  const self = new Set(c.stopped);
  const fails = c.fails.filter((f) => !self.has(f.component));
  out.push(
    fails.length === 0
      ? '- Nothing else fails with it (ktm\u2019s cascade over the data flows).'
      : `- Fails with it (${String(fails.length)}): ${fails
          .slice(0, 12)
          .map((f) => `${n(f.component)} (${e(f.reason)})`)
          .join('; ')}${fails.length > 12 ? `; and ${String(fails.length - 12)} more` : ''}.`,
  );
  if (c.degraded.length > 0)
    out.push(
      `- Degraded (${String(c.degraded.length)}): ${c.degraded
        .slice(0, 12)
        .map((f) => n(f.component))
        .join(', ')}${c.degraded.length > 12 ? ` and ${String(c.degraded.length - 12)} more` : ''}.`,
    );
  for (const w of c.blockedWrites) out.push(`- Writes rejected: ${e(w)}.`);
  if (c.stoppedNodes.length > 0) out.push(`- Nodes down with it: ${c.stoppedNodes.map(e).join(', ')}.`);
  return out;
}

function levelOfData(r: CriticalityRating | undefined, dim: 'confidentiality' | 'integrity'): Level {
  return r === undefined ? 'Low' : r[dim].level;
}

/** Render the RRA of one subject. */
export function renderRraSection(ctx: RraContext, subject: RraSubject): string {
  const s = scopeOf(ctx, subject);
  const names = new Map(ctx.model.components.map((c) => [c.id, c.name]));
  const zoneById = new Map(ctx.model.zones.map((z) => [z.id, z]));
  const zone = zoneById.get(s.zoneId);
  const selfIds = new Set(s.components.map((c) => c.id));
  const out: string[] = [];
  const push = (...l: string[]): void => {
    out.push(...l);
  };

  push(`# Rapid Risk Assessment: ${e(s.title)}`, '');
  push(
    `_Filled by ktm from the cluster. Statements cite what ktm observed; lines marked ${QUESTION} need an answer only the owning team can give._`,
    '',
  );

  // 1. Overview
  push('## 1. Overview', '');
  push('| | |', '|---|---|');
  push(`| Component | ${cell(s.title)} (\`${cell(s.id)}\`) |`);
  push(
    `| Trust zone | ${cell(zone?.name ?? s.zoneId)}${zone?.parent !== undefined ? ` (inside ${cell(zoneById.get(zone.parent)?.name ?? zone.parent)})` : ''} |`,
  );
  const nodes = [...new Set(s.components.flatMap((c) => c.nodes))].sort();
  if (nodes.length > 0)
    push(
      `| Runs on | ${nodes.slice(0, 20).map(cell).join(', ')}${nodes.length > 20 ? ` and ${String(nodes.length - 20)} more` : ''} |`,
    );
  const owner = ctx.owners.get(s.id) ?? ctx.owners.get(s.zoneId);
  push(
    `| Owner | ${owner !== undefined ? cell(owner) : `${QUESTION} which team owns and operates it? (declare it in threatmodel.yaml)`} |`,
  );
  push(`| Data classification | ${ratingWord(s.rating)} |`);
  const top =
    s.rating === undefined
      ? undefined
      : DIMENSIONS.map((d) => ({ d, r: s.rating![d] })).sort(
          (a, b) => levelRank(b.r.level) - levelRank(a.r.level),
        )[0];
  push(
    `| Highest risk impact | ${top === undefined || top.r.reasons[0] === undefined ? 'nothing observed raises it above Low' : `${top.d} ${top.r.level}: ${cell(top.r.reasons[0].text)}`} |`,
    '',
  );
  if (s.rating !== undefined) {
    push('Ratings and their reasons:', '');
    for (const d of DIMENSIONS) {
      push(`- **${d[0]!.toUpperCase()}${d.slice(1)}: ${s.rating[d].level}**`);
      for (const r of s.rating[d].reasons.slice(0, 5)) push(`  - ${r.kind}: ${e(r.text)}`);
      if (s.rating[d].reasons.length > 5)
        push(`  - and ${String(s.rating[d].reasons.length - 5)} more reasons`);
    }
    push('');
  }

  // 2. Service notes
  push('## 2. Service notes', '', '### How it works', '');
  if (s.notes.howItWorks !== '') push(s.notes.howItWorks, '');
  for (const c of s.components.slice(0, 30)) {
    if (c.kind.type === 'workload')
      push(
        `- ${e(c.name)}: ${c.kind.owner} with ${plural(c.kind.pods, 'pod')}, service account ${e(c.kind.serviceAccount)}${c.kind.roles.length > 0 ? `, recognised as ${c.kind.roles.join(', ')}` : ''}.`,
      );
    else if (s.subjectType === 'zone' || s.notes === GENERIC_NOTES) push(`- ${e(c.name)} (${c.kind.type}).`);
  }
  if (s.components.length > 30) push(`- and ${String(s.components.length - 30)} more components.`);
  if (s.notes === GENERIC_NOTES)
    push('', `${QUESTION} what does it do for the business, and who depends on it?`);
  push('', '### Sub-components and shared boundaries', '');
  if (zone !== undefined) {
    const siblings = zone.members.filter((m) => !selfIds.has(m));
    push(
      `- It sits in trust zone ${e(zone.name)}${
        siblings.length > 0
          ? `, which it shares with ${siblings
              .slice(0, 10)
              .map((m) => e(names.get(m) ?? m))
              .join(', ')}${siblings.length > 10 ? ` and ${String(siblings.length - 10)} more` : ''}`
          : ''
      }.`,
    );
    const peers = [...new Set(zone.boundaryFlows.map((b) => b.peerZone))].sort();
    if (peers.length > 0)
      push(
        `- Its zone's boundary is crossed by ${String(zone.boundaryFlows.length)} flows to and from: ${peers.map((p) => e(zoneById.get(p)?.name ?? p)).join(', ')}.`,
      );
  }
  for (const n of nodes.slice(0, 5)) {
    const np = ctx.placement.nodes.find((x) => x.name === n);
    if (np !== undefined) {
      const others = np.workloads.filter((w) => !selfIds.has(w));
      push(
        `- Node ${e(n)}${np.controlPlane ? ' (control plane)' : ''} also runs ${String(others.length)} other workloads${
          np.escapeCapable.length > 0
            ? `; escape-capable among them: ${
                np.escapeCapable
                  .filter((w) => !selfIds.has(w))
                  .map((w) => e(names.get(w) ?? w))
                  .join(', ') || 'none'
              }`
            : ''
        }.`,
      );
    }
  }
  push('', '### Protocols and ports', '');
  const listens = s.components.flatMap((c) => c.listens.map((l) => ({ c, l })));
  if (listens.length > 0) {
    push('| listener | protocol | TLS | authentication | bound to | purpose |', '|---|---|---|---|---|---|');
    for (const { c, l } of listens.slice(0, 40))
      push(
        `| ${cell(s.components.length > 1 ? `${c.name} ` : '')}${l.port !== undefined ? String(l.port) : cell(l.socket ?? '')} | ${cell(l.protocol)} | ${l.tls} | ${l.authn} | ${cell(l.bindAddress ?? 'unknown')} | ${cell(l.purpose)}${l.open === 'unknown' ? ' (open: unknown)' : ''} |`,
      );
    push('');
  }
  if (s.flows.length > 0) {
    push(`Data flows (${String(s.flows.length)}):`, '');
    push(
      '| direction | peer | protocol/port | TLS | authentication | purpose |',
      '|---|---|---|---|---|---|',
    );
    const shown = [...s.flows].sort((a, b) => a.id.localeCompare(b.id)).slice(0, 60);
    for (const f of shown) push(flowLine(f, selfIds, names));
    if (s.flows.length > shown.length)
      push(`| … | ${String(s.flows.length - shown.length)} more flows | | | | |`);
    push('');
  } else push('No data flows observed.', '');
  push('### Where and how it stores data', '');
  if (s.notes.storage !== '') push(s.notes.storage, '');
  if (s.settings !== undefined)
    for (const n of s.notes.storageSettings) push(settingLine(s.settings, n, ctx.basePath));
  if (s.notes.storage === '')
    push(`${QUESTION} where does it keep data (volumes, external databases), and is it encrypted there?`);
  push('', '### Most sensitive data', '');
  const cReasons =
    s.rating?.confidentiality.reasons.filter(
      (r) => r.kind === 'data-held' || r.kind === 'credentials-held' || r.kind === 'cluster-admin-identity',
    ) ?? [];
  if (cReasons.length > 0) for (const r of cReasons.slice(0, 4)) push(`- ${e(r.text)}`);
  else if (s.notes.data.length > 0) push(`- ${s.notes.data[0]!.name}`);
  else push(`${QUESTION} what is the most sensitive data it handles?`);
  push('');

  // 3. Data dictionary
  push('## 3. Data dictionary', '', '| name | classification | comments |', '|---|---|---|');
  for (const d of s.notes.data)
    push(`| ${d.name} | ${levelOfData(s.rating, d.dimension)} (${d.dimension}) | ${d.comment} |`);
  const ns = new Set(s.components.flatMap((c) => (c.kind.type === 'workload' ? [c.kind.namespace] : [])));
  for (const c of s.components)
    if (c.kind.type === 'workload') {
      const w = ctx.inventory.get(c.refs[0]?.kind ?? '', c.kind.namespace, c.kind.name)?.object as
        { spec?: { template?: { spec?: { volumes?: { secret?: { secretName?: string } }[] } } } } | undefined;
      for (const v of w?.spec?.template?.spec?.volumes ?? [])
        if (v.secret?.secretName !== undefined)
          push(
            `| Secret ${cell(`${c.kind.namespace}/${v.secret.secretName}`)} | ${levelOfData(s.rating, 'confidentiality')} (confidentiality) | mounted by ${cell(c.name)}; value never read by ktm |`,
          );
    }
  if (s.notes === GENERIC_NOTES || ns.size > 0)
    push(
      `| ${QUESTION} application data | | what business data does it hold or pass, and how sensitive is it? |`,
    );
  push('');

  // 4. Control families
  push('## 4. Control families', '');
  push('### Behaviour under denial of service', '', ...cascadeSummary(s.cascade, names), '');
  for (const fam of CONTROL_FAMILIES) {
    const n = s.notes.families[fam];
    push(`### ${FAMILY_TITLES[fam]}`, '');
    push(`- **What it does:** ${n.does}`);
    if (s.settings !== undefined && n.settings.length > 0) {
      push('- **Observed settings:**');
      for (const name of n.settings) push(`  ${settingLine(s.settings, name, ctx.basePath)}`);
    }
    if (fam === 'cryptography' || fam === 'authentication' || fam === 'networking') {
      const counts = new Map<string, number>();
      for (const f of s.flows) {
        const k =
          fam === 'authentication'
            ? f.authn
            : fam === 'cryptography'
              ? f.tls
              : f.to === [...selfIds][0]
                ? 'inbound'
                : 'outbound';
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      if (counts.size > 0)
        push(
          `- **Observed on its flows:** ${[...counts.entries()]
            .sort((a, b) => a[0].localeCompare(b[0]))
            .map(([k, v]) => `${k} ${String(v)}`)
            .join(
              ', ',
            )}${fam === 'cryptography' ? ' (TLS)' : fam === 'authentication' ? ' (authentication)' : ''}`,
        );
    }
    const ff = familyFindings(s.findings, fam).sort(
      (a, b) => severityRank(b.severity) - severityRank(a.severity) || a.id.localeCompare(b.id),
    );
    if (ff.length > 0) {
      push('- **Findings:**');
      for (const f of ff.slice(0, 12)) push(`  ${findingLine(f)}`);
      if (ff.length > 12) push(`  - and ${String(ff.length - 12)} more`);
    } else push('- **Findings:** none from ktm\u2019s rules in this family.');
    if (ff.length > 0) {
      const top = ff[0]!;
      push(`- **What an attacker can do with access / the simplest attack:** ${e(top.message)}`);
      const ev = top.evidence[0];
      if (ev !== undefined) push(`  - evidence: ${e(evidenceText(ev, ctx.basePath))}`);
      push(
        `- **Recommended mitigations:** ${[...new Set(ff.map((f) => f.remediation.shortTerm))].slice(0, 3).map(e).join(' ')}`,
      );
    } else {
      push(
        `- **What an attacker can do with access:** ${QUESTION} ktm found nothing in this family; what would access to it give an attacker?`,
      );
      push(
        `- **Recommended mitigations:** ${QUESTION} keep the settings above; which mitigations does the team rely on?`,
      );
    }
    const refs = [...new Set(ff.flatMap((f) => f.references))]
      .filter((r) => /TOB-K8S|CVE-|kubernetes\/issues/i.test(r))
      .sort();
    push(
      refs.length > 0
        ? `- **Similar past vulnerabilities:** ${refs.slice(0, 5).map(e).join(', ')}`
        : `- **Similar past vulnerabilities:** ${QUESTION} any incidents or CVEs the team tracks for it?`,
    );
    push('');
  }
  const others = s.settings === undefined ? [] : s.notes.otherSettings;
  const otherFindings = s.findings.filter((f) => RULE_FAMILIES[f.rule] === undefined);
  if (others.length > 0 || otherFindings.length > 0) {
    push('### Other families the audit kept in view (auditing and logging, configuration)', '');
    if (s.settings !== undefined)
      for (const name of others) push(settingLine(s.settings, name, ctx.basePath));
    for (const f of otherFindings) push(findingLine(f));
    push('');
  }

  // 5. Threat scenarios
  push('## 5. Threat scenarios', '');
  for (const a of ACTORS) {
    push(`### ${a.title}`, '');
    const ps = s.paths
      .filter((p) => a.matches(p))
      .sort((x, y) => x.steps.length - y.steps.length || pathText(x).localeCompare(pathText(y)));
    if (ps.length === 0) {
      push('- ktm found no attack path from this actor that concerns this component.');
    } else {
      push(`- ${plural(ps.length, 'attack path')} from this actor concern it; the shortest:`);
      for (const p of ps.slice(0, 3)) {
        push(`  - to ${p.jewel} in ${plural(p.steps.length, 'step')}: ${e(pathText(p))}`);
        const cut = p.steps.find((st) => st.control !== '')?.control;
        if (cut !== undefined) push(`    - cut it: ${e(cut)}`);
      }
    }
    if (a.id === 'external-valid-access' || a.id === 'malicious-internal-user')
      push(
        `- ${QUESTION} who holds valid credentials for it outside ktm\u2019s view (kubeconfigs, CI secrets, break-glass accounts)?`,
      );
    push('');
  }
  push('### Summary', '');
  const counts = ACTORS.map(
    (a) => `${a.title.toLowerCase()}: ${String(s.paths.filter((p) => a.matches(p)).length)}`,
  );
  push(`Attack paths concerning it, by actor — ${counts.join('; ')}.`, '');

  // 6. Recommendations
  push('## 6. Recommendations', '');
  const recs = [...s.findings]
    .filter((f) => f.status === 'fail')
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.id.localeCompare(b.id));
  const perKey = new Map<string, number>();
  for (const f of recs)
    perKey.set(`${f.rule}#${f.variant ?? ''}`, (perKey.get(`${f.rule}#${f.variant ?? ''}`) ?? 0) + 1);
  const seen = new Set<string>();
  for (const f of recs) {
    const key = `${f.rule}#${f.variant ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (seen.size > 15) {
      push(`- and ${String(perKey.size - 15)} more kinds of finding: run \`ktm assess\` for all.`);
      break;
    }
    const more = (perKey.get(key) ?? 1) - 1;
    push(
      `- **${SEVERITY_WORD[f.severity]}** ${e(f.rule)}${f.variant === undefined ? '' : ` (${e(f.variant)})`} on ${e(refToString(f.subject))}${more > 0 ? ` and ${String(more)} more` : ''}`,
    );
    push(`  - short term: ${e(f.remediation.shortTerm)}`);
    push(`  - long term: ${e(f.remediation.longTerm)}`);
  }
  if (seen.size === 0) push('- No failing finding concerns it.');
  push(`- ${QUESTION} which of these does the team accept, and by when will the rest be done?`, '');
  return out.join('\n');
}

/** The RRA documents for the subjects, separated by rules, ending with a newline. */
export function renderRraMarkdown(ctx: RraContext, subjects: readonly RraSubject[]): string {
  return (
    subjects
      .map((s) => renderRraSection(ctx, s))
      .join('\n---\n\n')
      .trimEnd() + '\n'
  );
}
