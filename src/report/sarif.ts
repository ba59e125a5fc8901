// SARIF 2.1.0 reporter for code scanning: one reportingDescriptor per ktm rule (its metadata and help), one result per
// finding with a stable partial fingerprint, a file location when the object came from a file, a logical location
// (Kind/namespace/name) always. https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
// GitHub code scanning rejects the whole file when one location has no physical location ("expected a physical
// location"), so an object not read from a file is located in the cluster: `Kind/namespace/name` under the base id
// CLUSTER, which the run describes.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import type { Assessment } from '../assess.js';
import { RULES } from '../rules/registry.js';
import { ruleSeverity } from '../rules/framework/define-rule.js';
import type { Finding } from '../rules/finding.js';
import { refToString, type Severity } from '../types.js';
import { relativeFile, type ReportOptions } from './report-options.js';

const LEVEL: Readonly<Record<Severity, Sarif.ReportingConfiguration.level>> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** GitHub code scanning reads `security-severity` (0.0–10.0) to rank alerts as critical, high, medium or low. */
const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '1.0',
};

/** Stable across runs while the finding is the same one: sha256 of its deterministic id. */
export function findingFingerprint(f: Finding): string {
  return createHash('sha256').update(f.id).digest('hex').slice(0, 32);
}

/** Base ids: the filesystem root (files outside the base folder) and the cluster (objects not read from a file). */
const ROOTPATH = 'ROOTPATH';
const CLUSTER = 'CLUSTER';

function artifactLocation(file: string, options: ReportOptions): Sarif.ArtifactLocation {
  const rel = relativeFile(file, options);
  // Outside the base folder: the absolute path relative to ROOTPATH (file:///), since code scanning takes only
  // relative URIs with a base id.
  if (path.isAbsolute(rel) || rel.startsWith('../'))
    return { uri: pathToFileURL(path.resolve(file)).href.slice('file:///'.length), uriBaseId: ROOTPATH };
  return { uri: rel.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

/** Where a finding without a source file is: the object in the cluster, as a path under the CLUSTER base id. */
function clusterLocation(f: Finding): Sarif.ArtifactLocation {
  const s = f.subject;
  const parts = [s.kind, ...(s.namespace === undefined ? [] : [s.namespace]), s.name];
  return { uri: parts.map(encodeURIComponent).join('/'), uriBaseId: CLUSTER };
}

function ruleDescriptor(rule: (typeof RULES)[number]): Sarif.ReportingDescriptor {
  const m = rule.meta;
  const markdown = [
    m.description,
    '',
    `**Detection.** ${m.detection}`,
    '',
    `**False positives.** ${m.falsePositives}`,
    '',
    `**Short term.** ${m.remediation.shortTerm}`,
    '',
    `**Long term.** ${m.remediation.longTerm}`,
    ...(m.references.length > 0 ? ['', ...m.references.map((r) => `- ${r}`)] : []),
  ].join('\n');
  return {
    id: m.id,
    name: m.id
      .split('-')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join(''),
    shortDescription: { text: m.title },
    fullDescription: { text: m.description },
    help: {
      text: `${m.description}\nShort term: ${m.remediation.shortTerm}\nLong term: ${m.remediation.longTerm}`,
      markdown,
    },
    ...(m.references[0] === undefined ? {} : { helpUri: m.references[0] }),
    properties: {
      tags: ['security', 'kubernetes', `zone:${m.zone}`, ...m.stride.map((s) => `stride:${s}`)],
      'security-severity': SECURITY_SEVERITY[ruleSeverity(m)],
      aliases: [...m.aliases],
    },
  };
}

export function renderSarif(a: Assessment, options: ReportOptions = {}): string {
  const rules = [...RULES].sort((x, y) => (x.meta.id < y.meta.id ? -1 : 1));
  const index = new Map(rules.map((r, i) => [r.meta.id, i]));
  const results: Sarif.Result[] = a.findings.map((f) => {
    const file = f.evidence.find((ev) => ev.source !== undefined)?.source;
    const logical: Sarif.LogicalLocation = {
      kind: 'resource',
      name: f.subject.name,
      fullyQualifiedName: refToString(f.subject),
    };
    const location: Sarif.Location = {
      physicalLocation:
        file === undefined
          ? { artifactLocation: clusterLocation(f) }
          : {
              artifactLocation: artifactLocation(file.file, options),
              ...(file.line === undefined ? {} : { region: { startLine: file.line } }),
            },
      logicalLocations: [logical],
    };
    const ruleIndex = index.get(f.rule);
    return {
      ruleId: f.rule,
      ...(ruleIndex === undefined ? {} : { ruleIndex }),
      kind: f.status === 'fail' ? 'fail' : 'review',
      level: f.status === 'fail' ? LEVEL[f.severity] : 'none',
      message: {
        text:
          f.status === 'unverifiable' && f.missing !== undefined
            ? `${f.message} (missing: ${f.missing})`
            : f.message,
      },
      locations: [location],
      partialFingerprints: { 'ktmFinding/v1': findingFingerprint(f) },
      properties: {
        severity: f.severity,
        'security-severity': SECURITY_SEVERITY[f.severity],
        zone: f.zone,
        findingId: f.id,
      },
    };
  });
  const log: Sarif.Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'ktm',
            semanticVersion: a.tool.version,
            rules: rules.map(ruleDescriptor),
          },
        },
        automationDetails: { id: `ktm/${a.cluster.name}/` },
        originalUriBaseIds: {
          [ROOTPATH]: { uri: 'file:///' },
          [CLUSTER]: {
            description: {
              text: `The objects of cluster ${a.cluster.name} that were not read from a file, as Kind/namespace/name.`,
            },
          },
        },
        results,
        properties: { cluster: a.cluster.name, schemaVersion: a.schemaVersion },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
