// The zones file: a team's own zoning (rename, merge, assign) over the derived trust zones, validated with zod.
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { KtmError } from '../errors.js';

const zoneRef = z.string().min(1).max(253);

export const ZonesFileSchema = z
  .object({
    apiVersion: z.string().optional(),
    kind: z.literal('Zones').optional(),
    /** Put namespaces and components into a zone, created (under `parent`, default Container) when absent. */
    assign: z
      .array(
        z
          .object({
            zone: zoneRef,
            name: z.string().min(1).max(253).optional(),
            parent: zoneRef.optional(),
            namespaces: z.array(z.string().min(1)).optional(),
            components: z.array(z.string().min(1)).optional(),
          })
          .strict(),
      )
      .optional(),
    /** Fold zones into one: their members and children move into `into` (created when absent). */
    merge: z
      .array(
        z
          .object({
            into: zoneRef,
            name: z.string().min(1).max(253).optional(),
            zones: z.array(zoneRef).min(1),
          })
          .strict(),
      )
      .optional(),
    rename: z.array(z.object({ zone: zoneRef, name: z.string().min(1).max(253) }).strict()).optional(),
  })
  .strict();

export type ZonesFile = z.infer<typeof ZonesFileSchema>;

/** Parses and validates a zones file's text; errors name the file and the offending path. */
export function parseZonesFile(text: string, file: string): ZonesFile {
  const doc = parseDocument(text);
  const yamlError = doc.errors[0];
  if (yamlError !== undefined) {
    const pos = yamlError.linePos?.[0];
    throw new KtmError(
      `invalid YAML: ${yamlError.message.split('\n')[0] ?? ''}`,
      pos === undefined ? file : `${file}:${pos.line}:${pos.col}`,
      'fix the zones file',
    );
  }
  const parsed = ZonesFileSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue === undefined ? '' : issue.path.map(String).join('.');
    throw new KtmError(
      `invalid zones file: ${path === '' ? '' : `${path}: `}${issue?.message ?? 'invalid'}`,
      file,
      'see docs/data-flow.md, "The zones file"',
    );
  }
  return parsed.data;
}
