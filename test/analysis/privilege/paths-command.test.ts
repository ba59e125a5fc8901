// `ktm paths` end to end, in process: table, JSON contract, DOT, --from/--to, bad references, hostile names escaped.
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import type { CliIo } from '../../../src/cli/io.js';
import { findAttackPaths } from '../../../src/analysis/privilege/attack-paths.js';
import { pathsToJson, renderPathsJson } from '../../../src/analysis/privilege/render-paths.js';
import { FIXTURES, graphOf, hasEdge } from './helpers.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    stdin: Readable.from([]),
    stderrIsTty: false,
    env: {},
    cwd: process.cwd(),
  };
  const code = await main(['paths', ...args], io);
  return { code, out, err };
}

const fx = (f: string) => path.join(FIXTURES, f);

describe('ktm paths', () => {
  it('prints each chain step by step with evidence and the control that cuts it', async () => {
    const r = await run([
      fx('edges/pod-create.yaml'),
      '--from',
      'ServiceAccount/app/deployer',
      '--to',
      'Node/n1',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ServiceAccount\/app\/deployer --POD_CREATE--> Namespace\/app/);
    expect(r.out).toMatch(/evidence: RoleBinding\/app\/deployer roleRef = Role\/deploy/);
    expect(r.out).toMatch(
      /cut by: +remove create on pods and pod controllers from Role app\/deploy rules\[0\]/,
    );
  });

  it('a manifests folder: Internet → privileged Deployment with docker.sock → any node → the pods it may hold', async () => {
    const r = await run([fx('manifests-escape'), '-o', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as {
      paths: {
        entry: { kind: string; name: string };
        jewel: string;
        steps: { type: string; to: { kind: string; namespace?: string; name: string } }[];
      }[];
    };
    const fromInternet = doc.paths.filter((p) => p.entry.kind === 'Zone' && p.entry.name === 'Internet');
    expect(fromInternet.length).toBeGreaterThan(0);
    const p = fromInternet.find((x) => x.jewel === 'kube-system-credentials')!;
    expect(p.steps.map((s) => `${s.type} ${s.to.kind}/${s.to.namespace ?? ''}/${s.to.name}`)).toEqual([
      'ENDPOINT_EXPLOIT Container/shop/web/app',
      expect.stringMatching(/^(CE_PRIV_MOUNT|CE_MODULE_LOAD|EXPLOIT_CONTAINERD_SOCK) Node\/\/\*$/),
      'VOLUME_ACCESS Volume/kube-system/log-agent/kube-api-access',
      'TOKEN_STEAL ServiceAccount/kube-system/log-agent',
    ]);
    const table = await run([fx('manifests-escape'), '--from', 'Internet', '--to', 'Worker']);
    expect(table.out).toMatch(/Container\/shop\/web\/app --CE_PRIV_MOUNT--> Node\/\*/);
    expect(table.out).toMatch(/assumes: +not bound to a node, and no Node was read: it may run on any node/);
    const sock = await graphOf('manifests-escape');
    expect(hasEdge(sock, 'EXPLOIT_CONTAINERD_SOCK', 'Container/shop/web/app', 'Node/*')).toBe(true);
    const e = sock.graph.edges.find((x) => x.type === 'EXPLOIT_CONTAINERD_SOCK')!;
    expect(e.evidence.map((x) => `${x.path ?? ''} = ${x.value ?? ''}`)).toContain(
      'spec.template.spec.volumes[0].hostPath.path = /var/run/docker.sock',
    );
  });

  it('JSON carries attackGraph.edges[] with typed endpoints and evidence, and paths[]', async () => {
    const r = await run([fx('edges/role-bind.yaml'), '-o', 'json']);
    const doc = JSON.parse(r.out) as {
      attackGraph: {
        edges: {
          type: string;
          from: { kind: string; namespace?: string; name: string };
          to: { kind: string; name: string };
          evidence: unknown[];
        }[];
      };
      paths: { entry: { name: string }; jewel: string; steps: { type: string }[] }[];
    };
    const bind = doc.attackGraph.edges.find(
      (e) => e.type === 'ROLE_BIND' && e.from.kind === 'ServiceAccount',
    );
    expect(bind?.from).toEqual({ kind: 'ServiceAccount', namespace: 'app', name: 'binder' });
    expect(bind?.to).toEqual({ kind: 'PermissionSet', name: 'cluster-admin' });
    expect(bind?.evidence.length).toBeGreaterThan(0);
    expect(
      doc.paths.some(
        (p) => p.entry.name === 'binder' && p.jewel === 'cluster-admin' && p.steps[0]?.type === 'ROLE_BIND',
      ),
    ).toBe(true);
  });

  it('--edges paths keeps only the edges of the paths shown, hub membership included', async () => {
    const r = await run([
      fx('edges/token-list.yaml'),
      '-o',
      'json',
      '--edges',
      'paths',
      '--from',
      'ServiceAccount/app/reader',
      '--to',
      'Secret/app/db-password',
    ]);
    const doc = JSON.parse(r.out) as { attackGraph: { edges: { type: string }[] }; paths: unknown[] };
    expect(doc.paths).toHaveLength(1);
    expect(doc.attackGraph.edges.map((e) => e.type).sort()).toEqual(['EXPAND', 'TOKEN_LIST']);
  });

  it('DOT output draws the paths', async () => {
    const r = await run([fx('edges/role-bind.yaml'), '-o', 'dot']);
    expect(r.out).toMatch(/^digraph attack_paths \{/);
    expect(r.out).toMatch(/label="ROLE_BIND"/);
  });

  it('an unknown --from is a one-line error, exit 2', async () => {
    const r = await run([fx('edges/role-bind.yaml'), '--complete', '--from', 'ServiceAccount/nope/nope']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^ktm: --from: nothing named 'ServiceAccount\/nope\/nope' \(/);
    expect(r.err.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('escapes hostile names in every format', async () => {
    const table = await run([fx('hostile.yaml')]);
    expect(table.out).toContain('User/mallory\\x1b[31m');
    expect(table.out).not.toContain('\u001b');
    const dot = await run([fx('hostile.yaml'), '-o', 'dot']);
    expect(dot.out).not.toContain('\u001b');
    expect(dot.out).toContain('mallory\\\\x1b[31m\\"\\}\\<b\\>');
    const json = await run([fx('hostile.yaml'), '-o', 'json']);
    expect(() => JSON.parse(json.out) as unknown).not.toThrow();
    expect(json.out).not.toContain('\u001b');
  });
});

describe('ktm paths on the example cluster', () => {
  it('shows the over-privileged CI service account reaching cluster-admin and, by a hostPath volume, a node', async () => {
    const r = await run([
      '--demo',
      '--from',
      'ServiceAccount/ci/ci-deployer',
      '-o',
      'json',
      '--edges',
      'paths',
    ]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as {
      paths: { jewel: string; steps: { type: string; to: { kind: string; name: string } }[] }[];
    };
    const admin = doc.paths.find((p) => p.jewel === 'cluster-admin');
    expect(admin?.steps.map((s) => s.type)).toContain('POD_CREATE');
    expect(admin?.steps.at(-1)?.to).toEqual({ kind: 'PermissionSet', name: 'cluster-admin' });
    const node = doc.paths.find((p) => p.jewel === 'control-plane-node');
    expect(node?.steps.map((s) => s.type)).toEqual(['HOSTPATH_PV']);
  });
});

describe('JSON written in chunks', () => {
  it('is one valid document equal to the object form', async () => {
    const pg = await graphOf('edges/exploit-host-traverse.yaml');
    const r = findAttackPaths(pg);
    expect(JSON.parse(renderPathsJson(pg, r))).toEqual(JSON.parse(JSON.stringify(pathsToJson(pg, r))));
  });
});
