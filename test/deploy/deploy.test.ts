// deploy/: the in-cluster manifests validate against the Kubernetes schemas (kubernetes-models), the Kustomize
// base and overlay name files that exist, the Helm chart's values match its schema and its templates read only
// values that exist, the chart's RBAC equals deploy/rbac.yaml, and the Dockerfile follows the image rules.
// No kustomize or helm binary can be installed here (neither npm nor Debian ships one): these checks stand in
// for `kubectl kustomize` and `helm lint`, which the README asks a user to run before applying.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { DockerfileParser } from 'dockerfile-ast';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/built-cli.js';

const DEPLOY = path.join(ROOT, 'deploy');
const CHART = path.join(DEPLOY, 'helm', 'ktm');

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string };
  [k: string]: unknown;
}

function yamlDocs(file: string): K8sObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0]?.message ?? ''}`);
      return d.toJS() as K8sObject | null;
    })
    .filter((d): d is K8sObject => d !== null);
}

/** Validates one object against the Kubernetes OpenAPI schema kubernetes-models ships for its kind. */
async function validateK8s(obj: K8sObject): Promise<void> {
  const mod = (await import(`kubernetes-models/${obj.apiVersion}/${obj.kind}`)) as Record<
    string,
    new (data: unknown) => { validate(): void }
  >;
  const Model = mod[obj.kind];
  if (Model === undefined) throw new Error(`no model for ${obj.apiVersion} ${obj.kind}`);
  new Model(obj).validate();
}

const manifestFiles = ['rbac.yaml', 'store-pvc.yaml', 'cronjob.yaml'].map((f) => path.join(DEPLOY, f));

describe('deploy/ manifests', () => {
  it('every object validates against the Kubernetes schema of its kind', async () => {
    const kinds: string[] = [];
    for (const file of manifestFiles)
      for (const obj of yamlDocs(file)) {
        await expect(validateK8s(obj), `${path.basename(file)} ${obj.kind}`).resolves.toBeUndefined();
        kinds.push(obj.kind);
      }
    expect(kinds).toEqual(
      expect.arrayContaining([
        'Namespace',
        'ServiceAccount',
        'ClusterRole',
        'CronJob',
        'PersistentVolumeClaim',
      ]),
    );
  });

  it('the schema check is real: a CronJob with a misspelt field type fails it', async () => {
    const [cron] = yamlDocs(path.join(DEPLOY, 'cronjob.yaml'));
    if (cron === undefined) throw new Error('no CronJob');
    const broken = { ...cron, spec: { ...(cron.spec as object), successfulJobsHistoryLimit: 'three' } };
    await expect(validateK8s(broken)).rejects.toThrow();
  });

  it('the CronJob runs ktm read-only and locked down, saving into the volume it mounts', () => {
    const [cron] = yamlDocs(path.join(DEPLOY, 'cronjob.yaml'));
    const pod = (cron as unknown as { spec: { jobTemplate: { spec: { template: { spec: PodSpec } } } } }).spec
      .jobTemplate.spec.template.spec;
    const c = pod.containers[0];
    expect(pod.serviceAccountName).toBe('ktm');
    expect(c?.args?.slice(0, 2)).toEqual(['assess', '--in-cluster']);
    const store = c?.args?.[(c.args.indexOf('--store') ?? -2) + 1] ?? '';
    expect(c?.volumeMounts?.some((m) => store.startsWith(`${m.mountPath}/`))).toBe(true);
    expect(c?.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
    });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
    // The ServiceAccount it runs as is bound to the read-only ClusterRole only.
    const rbac = yamlDocs(path.join(DEPLOY, 'rbac.yaml'));
    const binding = rbac.find((o) => o.kind === 'ClusterRoleBinding') as unknown as {
      roleRef: { name: string };
      subjects: { name: string }[];
    };
    expect(binding.subjects.map((s) => s.name)).toContain('ktm');
    const role = rbac.find(
      (o) => o.kind === 'ClusterRole' && o.metadata?.name === binding.roleRef.name,
    ) as unknown as {
      rules: { verbs: string[] }[];
    };
    expect(new Set(role.rules.flatMap((r) => r.verbs))).toEqual(new Set(['list', 'get']));
  });

  it('the Kustomize base and the postgres overlay name files that exist and objects the base has', () => {
    const base = yamlDocs(path.join(DEPLOY, 'kustomization.yaml'))[0] as unknown as { resources: string[] };
    for (const r of base.resources) expect(existsSync(path.join(DEPLOY, r)), r).toBe(true);
    const overlayDir = path.join(DEPLOY, 'overlays', 'postgres');
    const overlay = yamlDocs(path.join(overlayDir, 'kustomization.yaml'))[0] as unknown as {
      resources: string[];
      patches: ({ path: string } | { target: { kind: string; name: string } })[];
    };
    for (const r of overlay.resources)
      expect(existsSync(path.join(overlayDir, r, 'kustomization.yaml'))).toBe(true);
    const baseObjects = base.resources.flatMap((r) => yamlDocs(path.join(DEPLOY, r)));
    const has = (kind: string, name: string): boolean =>
      baseObjects.some((o) => o.kind === kind && o.metadata?.name === name);
    for (const p of overlay.patches) {
      if ('path' in p) {
        for (const o of yamlDocs(path.join(overlayDir, p.path)))
          expect(has(o.kind, o.metadata?.name ?? '')).toBe(true);
      } else expect(has(p.target.kind, p.target.name)).toBe(true);
    }
  });
});

interface PodSpec {
  serviceAccountName: string;
  securityContext: object;
  containers: { args?: string[]; securityContext?: object; volumeMounts?: { mountPath: string }[] }[];
}

/** Every `.Values.a.b` a template reads. */
function valuePaths(template: string): string[] {
  return [...template.matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)].map((m) => (m[1] ?? '').slice(1));
}

describe('the Helm chart (deploy/helm/ktm)', () => {
  const values = yamlDocs(path.join(CHART, 'values.yaml'))[0] as unknown as Record<string, unknown>;
  const schema = JSON.parse(readFileSync(path.join(CHART, 'values.schema.json'), 'utf8')) as object;
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

  it('has a v2 Chart.yaml whose appVersion is the package version', () => {
    const chart = yamlDocs(path.join(CHART, 'Chart.yaml'))[0] as unknown as Record<string, string>;
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(chart).toMatchObject({
      apiVersion: 'v2',
      name: 'ktm',
      type: 'application',
      appVersion: pkg.version,
    });
    expect(chart.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('its default values satisfy values.schema.json, and the schema rejects bad ones', () => {
    expect(validate(values), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...values, store: { type: 'mysql' } })).toBe(false);
    expect(validate({ ...values, schedule: 'nightly' })).toBe(false);
    expect(validate({ ...values, unknownKey: 1 })).toBe(false);
  });

  it('its templates read only values that values.yaml defines', () => {
    const dir = path.join(CHART, 'templates');
    const used = readdirSync(dir).flatMap((f) => valuePaths(readFileSync(path.join(dir, f), 'utf8')));
    expect(used.length).toBeGreaterThan(5);
    for (const p of used) {
      let v: unknown = values;
      for (const key of p.split('.')) v = (v as Record<string, unknown> | undefined)?.[key];
      expect(v, `.Values.${p}`).not.toBeUndefined();
    }
  });

  it('grants exactly the rules of deploy/rbac.yaml', () => {
    const role = yamlDocs(path.join(DEPLOY, 'rbac.yaml')).find(
      (o) => o.kind === 'ClusterRole' && o.metadata?.name === 'ktm-reader',
    ) as unknown as { rules: unknown };
    const rules = parseAllDocuments(
      readFileSync(path.join(CHART, 'files', 'rules.yaml'), 'utf8'),
    )[0]?.toJS() as unknown;
    expect(rules).toEqual(role.rules);
  });
});

describe('the Dockerfile', () => {
  const file = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  const df = DockerfileParser.parse(file);
  const froms = df.getFROMs();

  it('builds from pinned Node images of a version ktm supports', () => {
    expect(froms.length).toBeGreaterThan(0);
    for (const f of froms) {
      const tag = f.getImageTag() ?? '';
      expect(f.getImageName()).toBe('node');
      expect(tag).not.toBe('latest');
      expect(Number(/^(\d+)/.exec(tag)?.[1])).toBeGreaterThanOrEqual(20);
    }
  });

  it('runs the final stage as a non-root user with an exec-form entrypoint', () => {
    const last = froms.at(-1);
    const after = df
      .getInstructions()
      .filter((i) => last !== undefined && i.getRange().start.line > last.getRange().start.line);
    const user = after.filter((i) => i.getKeyword() === 'USER').at(-1);
    expect(user?.getArgumentsContent()).toBe('node');
    const entry = after.find((i) => i.getKeyword() === 'ENTRYPOINT');
    expect(entry?.getArgumentsContent()?.trim().startsWith('[')).toBe(true);
  });

  it('copies only paths that exist in the repository', () => {
    for (const copy of df.getCOPYs()) {
      if (copy.getFromFlag() !== null) continue;
      const args = copy.getArguments().map((a) => a.getValue());
      for (const src of args.slice(0, -1)) expect(existsSync(path.join(ROOT, src)), src).toBe(true);
    }
  });
});
