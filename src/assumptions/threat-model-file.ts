// threatmodel.yaml: the declared threat model the teams own (zones and owners, components, flows, assumptions), validated precisely.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { KtmError } from '../errors.js';
import { formatPath, locate, parseLocated } from './yaml-locate.js';

export const ASSUMPTION_TOPICS = [
  'networking',
  'cryptography',
  'secrets-management',
  'authentication',
  'authorization',
  'multi-tenancy',
  'failure-modes',
  'dependencies',
  'data-retention',
  'logging',
  'exposure',
  'placement',
] as const;

/**
 * Kubernetes' own limits: an object name (a DNS subdomain) is at most 253 characters, a namespace (a
 * DNS label) at most 63. https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
 */
const name = z.string().min(1).max(253);
const namespaceName = z.string().min(1).max(63);
/**
 * Component, zone and flow-end ids are composed of names (`workload:NAMESPACE/KIND/NAME`: 9 + 63 + 1 +
 * 63 + 1 + 253 = 390 characters at most), so they get room for every id ktm derives.
 */
const id = z.string().min(1).max(512);

export const AssumptionCheckSchema = z.union([
  z.strictObject({
    builtin: name.describe('name of a built-in verification (`ktm assumptions` lists them)'),
    params: z.record(z.string(), z.unknown()).optional().describe('parameters of the verification'),
  }),
  z.strictObject({
    cel: z.string().min(1).describe('a CEL expression over the read-only model view; true means confirmed'),
    evidence: z
      .string()
      .optional()
      .describe('a CEL expression listing the subjects that contradict it, for the evidence'),
  }),
]);

export const AssumptionSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/, 'lower-case letters, digits and dashes'),
  text: z.string().min(1).describe('the assumption in the team’s words'),
  zone: id.optional(),
  owner: name.optional().describe('team that holds the assumption'),
  topic: z.enum(ASSUMPTION_TOPICS).optional(),
  check: AssumptionCheckSchema,
  notes: z.string().optional(),
});
export type DeclaredAssumption = z.infer<typeof AssumptionSchema>;

export const ZoneSchema = z.strictObject({
  id: id.describe('zone id (derived ids such as `container/ns/shop`, or a new one)'),
  name: z.string().min(1).optional(),
  parent: id.optional(),
  owner: name.optional().describe('team owning the zone'),
  members: z
    .strictObject({
      namespaces: z.array(namespaceName).optional(),
      components: z.array(id).optional(),
      nodes: z.array(name).optional(),
    })
    .optional(),
  criticality: z.enum(['Low', 'Medium', 'High', 'Critical']).optional().describe('what the team believes'),
  controls: z
    .array(
      z.strictObject({
        kind: z
          .string()
          .describe('a control kind as `ktm zones -o json` shows it, e.g. network-policy-default-deny'),
        status: z
          .enum(['present', 'partial', 'inert', 'absent'])
          .describe('the strength the team relies on (ktm init writes what it observed)'),
      }),
    )
    .optional()
    .describe('controls the team relies on; drift when the observed control is weaker'),
  notes: z.string().optional(),
  status: z.enum(['declared', 'new', 'vanished']).optional().describe('written by `ktm model update`'),
});
export type DeclaredZone = z.infer<typeof ZoneSchema>;

export const ComponentSchema = z.strictObject({
  id: id,
  zone: id.optional(),
  owner: name.optional(),
  dependsOn: z.array(id).optional(),
  notes: z.string().optional(),
  status: z.enum(['declared', 'new', 'vanished']).optional(),
});

export const FlowSchema = z.strictObject({
  from: id,
  to: id,
  protocol: z.string().optional(),
  port: z.number().int().min(0).max(65535).optional(),
  tls: z.enum(['none', 'unverified', 'verified', 'mutual', 'unknown']).optional(),
  authn: z.enum(['none', 'anonymous', 'token', 'certificate', 'unknown']).optional(),
  purpose: z.string().optional(),
  status: z.enum(['declared', 'new', 'vanished']).optional(),
});

export const ThreatModelSchema = z.strictObject({
  apiVersion: z.literal('ktm.dev/v1alpha1'),
  kind: z.literal('ThreatModel'),
  metadata: z.strictObject({
    // The cluster's name as ktm read it: a kubeconfig context, or the input paths joined.
    name: z.string().min(1).max(4096),
    cluster: z.string().optional(),
    description: z.string().optional(),
  }),
  teams: z.array(z.strictObject({ name: name, contact: z.string().optional() })).optional(),
  zones: z.array(ZoneSchema).default([]),
  components: z.array(ComponentSchema).default([]),
  flows: z.array(FlowSchema).default([]),
  assumptions: z.array(AssumptionSchema).default([]),
});
export type ThreatModelFile = z.infer<typeof ThreatModelSchema>;

/**
 * The last line ktm writes into threatmodel.yaml. A file cut at a line boundary (a crash of an editor
 * or a copy, a partial checkout) is still valid YAML and passes the schema with its assumptions gone;
 * a file ktm wrote without this last line is refused instead, so `model update` never rewrites a cut
 * file and `--model` never judges one.
 */
export const THREAT_MODEL_END =
  '# end of threat model (ktm checks this line is last, to tell a whole file from a cut one)';

/** Whether the text is a threat model ktm wrote (its header says so), which then must end with THREAT_MODEL_END. */
const WRITTEN_BY_KTM = /^# .*Written by `ktm init`/m;

/** The text with THREAT_MODEL_END as its last line (once). */
export function withEndLine(text: string): string {
  const body = text.replace(/\s+$/, '').split('\n');
  while (body.length > 0 && body[body.length - 1]!.trim() === THREAT_MODEL_END) body.pop();
  return `${body.join('\n').replace(/\s+$/, '')}\n${THREAT_MODEL_END}\n`;
}

function checkComplete(text: string, file: string): void {
  if (!WRITTEN_BY_KTM.test(text)) return;
  const lines = text.replace(/\s+$/, '').split('\n');
  if (lines[lines.length - 1]?.trim() === THREAT_MODEL_END) return;
  throw new KtmError(
    `the file looks cut: ktm wrote it, but its last line is not '${THREAT_MODEL_END.slice(0, 22)}…'`,
    `${file}:${lines.length}:1`,
    'restore the file from version control; if you removed that line by hand, add it back as the last line',
  );
}

/** JSON Schema for editors (yaml-language-server), generated from the same zod schema that validates. */
export function threatModelJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://ktm.dev/schema/threatmodel.schema.json',
    title: 'ktm threat model',
    ...z.toJSONSchema(ThreatModelSchema, { io: 'input' }),
  };
}

/** Parses and validates threatmodel.yaml text; every problem is reported as file:line:column with what is allowed. */
/** Says what is wrong with an assumption's check (unknown builtin, bad parameters, CEL syntax), or undefined. */
export type CheckValidator = (
  check: DeclaredAssumption['check'],
) => { path: PropertyKey[]; message: string } | undefined;

export function parseThreatModel(
  text: string,
  file: string,
  validateCheck?: CheckValidator,
): ThreatModelFile {
  const y = parseLocated(text);
  const yamlError = y.doc.errors[0];
  if (yamlError !== undefined) {
    // The error's offset, mapped through the document's own line counter: the line the problem is on.
    const pos = y.lines.linePos(yamlError.pos[0]);
    throw new KtmError(
      yamlError.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? 'invalid YAML',
      `${file}:${pos.line}:${pos.col}`,
      'fix the YAML syntax',
    );
  }
  checkComplete(text, file);
  const parsed = ThreatModelSchema.safeParse(y.value);
  if (parsed.success) {
    checkReferences(parsed.data, file, (p) => locate(y, p), validateCheck);
    return parsed.data;
  }
  const issue = parsed.error.issues[0]!;
  const pos = locate(y, issue.path);
  throw new KtmError(
    `${formatPath(issue.path)}: ${issue.message}`,
    `${file}:${pos.line}:${pos.col}`,
    'see schema/threatmodel.schema.json',
  );
}

function checkReferences(
  m: ThreatModelFile,
  file: string,
  at: (path: PropertyKey[]) => { line: number; col: number },
  validateCheck: CheckValidator | undefined,
): void {
  const fail = (path: PropertyKey[], message: string, hint: string): never => {
    const pos = at(path);
    throw new KtmError(`${formatPath(path)}: ${message}`, `${file}:${pos.line}:${pos.col}`, hint);
  };
  const seen = new Set<string>();
  m.assumptions.forEach((a, i) => {
    if (seen.has(a.id))
      fail(['assumptions', i, 'id'], `duplicate assumption id '${a.id}'`, 'ids must be unique');
    seen.add(a.id);
    const problem = validateCheck?.(a.check);
    if (problem !== undefined) {
      fail(
        ['assumptions', i, 'check', ...problem.path],
        problem.message,
        '`ktm assumptions` lists the built-in checks and their parameters',
      );
    }
  });
  const zones = new Set<string>();
  m.zones.forEach((z, i) => {
    if (zones.has(z.id)) fail(['zones', i, 'id'], `duplicate zone id '${z.id}'`, 'merge the two entries');
    zones.add(z.id);
  });
  m.zones.forEach((z, i) => {
    if (z.parent !== undefined && !zones.has(z.parent))
      fail(['zones', i, 'parent'], `unknown zone '${z.parent}'`, 'name a zone listed under zones');
  });
}

export async function readThreatModel(
  file: string,
  validateCheck?: CheckValidator,
): Promise<ThreatModelFile> {
  const text = await readFile(file, 'utf8').catch((caught: unknown) => {
    const err = caught as NodeJS.ErrnoException;
    throw new KtmError(
      err.code === 'ENOENT' ? 'no such file' : `cannot read: ${err.message}`,
      file,
      'run `ktm init` to write one',
    );
  });
  return parseThreatModel(text, file, validateCheck);
}
