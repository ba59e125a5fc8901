// The Rapid Risk Assessment as Markdown: every section of the audit's template, observed settings cited, questions
// for the team marked, hostile names escaped, deterministic.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analysesFor, assess } from '../../../src/assess.js';
import type { Inventory } from '../../../src/collect/inventory.js';
import { loadInventory } from '../../../src/collect/load.js';
import {
  buildRraContext,
  QUESTION,
  renderRraMarkdown,
  resolveRraTargets,
  type RraContext,
} from '../../../src/report/rra/rra-markdown.js';
import { escapeMarkdown as e } from '../../../src/text/escape.js';
import { tempDir } from '../../helpers/temp-dir.js';

let demo: RraContext;

function rraOf(inv: Inventory): RraContext {
  const analyses = analysesFor(inv);
  return buildRraContext(assess(inv, {}, analyses), analyses);
}

beforeAll(async () => {
  const inv = await loadInventory({ kind: 'demo' });
  demo = rraOf(inv);
}, 60_000);

function rra(ctx: RraContext, target?: string): string {
  const subjects = resolveRraTargets(ctx.model, target);
  if (subjects === undefined) throw new Error(`nothing named ${target ?? ''}`);
  return renderRraMarkdown(ctx, subjects);
}

describe('RRA of kube-apiserver on the example cluster', () => {
  let md: string;
  beforeAll(() => {
    md = rra(demo, 'kube-apiserver');
  });

  it('has every section of the audit template', () => {
    for (const heading of [
      `# Rapid Risk Assessment: ${e('kube-apiserver')}`,
      '## 1. Overview',
      '## 2. Service notes',
      '### How it works',
      '### Sub-components and shared boundaries',
      '### Protocols and ports',
      '### Where and how it stores data',
      '### Most sensitive data',
      '## 3. Data dictionary',
      '## 4. Control families',
      '### Behaviour under denial of service',
      '### Networking',
      '### Cryptography',
      '### Secrets management',
      '### Authentication',
      '### Authorization',
      '### Multi-tenancy isolation',
      '## 5. Threat scenarios',
      '### External attacker without access to the client application',
      '### External attacker with valid access to the client application',
      '### Internal attacker with access to the cluster',
      '### Malicious internal user',
      '### Summary',
      '## 6. Recommendations',
    ])
      expect(md.split('\n')).toContain(heading);
    const order = ['## 1.', '## 2.', '## 3.', '## 4.', '## 5.', '## 6.'].map((h) => md.indexOf(h));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('classifies it Critical from the ratings and marks the owner as a question for the team', () => {
    expect(md).toMatch(/\| Data classification \| Critical \(confidentiality Critical/);
    expect(md).toMatch(new RegExp(`\\| Owner \\| ${QUESTION.replace(/\*/g, '\\*')}`));
  });

  it('cites observed settings with their value and origin', () => {
    expect(md).toContain(`\`authorization-mode\` = Node,RBAC — ${e('flag spec.containers[0].command[')}`);
    expect(md).toContain(`\`anonymous-auth\` = true — ${e('default for Kubernetes 1.30')}`);
    expect(md).toContain(
      `\`encryption-provider-config\` = ${e('/etc/kubernetes/enc/encryption-config.yaml')} — flag`,
    );
  });

  it('lists listeners and flows with TLS and authentication', () => {
    expect(md).toContain(`| 6443 | https | mutual | anonymous | ${e('0.0.0.0')} | Kubernetes API |`);
    expect(md).toContain(`| out | ${e('etcd (lab-cp-1)')} | ${e('https/2379')} | mutual | certificate |`);
  });

  it('puts findings in their control family with ids, and recommendations with both remediations', () => {
    const crypto = md.slice(md.indexOf('### Cryptography'), md.indexOf('### Secrets management'));
    expect(crypto).toContain(
      e('weak-tls@Pod/kube-system/kube-apiserver-lab-cp-1#kubelet-certificate-authority'),
    );
    const authz = md.slice(md.indexOf('### Authorization'), md.indexOf('### Multi-tenancy isolation'));
    expect(authz).toContain(e('rbac-dangerous-rights@ServiceAccount/kube-system/admin-tools'));
    const recs = md.slice(md.indexOf('## 6. Recommendations'));
    expect(recs).toMatch(/short term: /);
    expect(recs).toMatch(/long term: /);
    expect(recs).toContain(QUESTION);
  });

  it('answers denial of service from the cascade', () => {
    const dos = md.slice(md.indexOf('### Behaviour under denial of service'), md.indexOf('### Networking'));
    expect(dos).toMatch(/Degraded \(\d+\): /);
    expect(dos).toContain(e('kube-controller-manager'));
  });

  it('fills threat scenarios from attack paths whose entries match each actor', () => {
    const ext = md.slice(
      md.indexOf('### External attacker without access'),
      md.indexOf('### External attacker with valid access'),
    );
    expect(ext).toContain(e('Zone/Internet —ENDPOINT_EXPLOIT→'));
    const insider = md.slice(md.indexOf('### Malicious internal user'), md.indexOf('### Summary'));
    expect(insider).toContain(e('ServiceAccount/ci/ci-deployer —TOKEN_LIST→'));
  });

  it('is deterministic', () => {
    expect(rra(demo, 'kube-apiserver')).toBe(md);
  });
});

describe('RRA targets', () => {
  it('defaults to every control-plane component', () => {
    const subjects = resolveRraTargets(demo.model);
    expect(subjects?.map((s) => (s.type === 'component' ? s.component.id : s.zone.id))).toEqual([
      'etcd:lab-cp-1',
      'kube-apiserver',
      'kube-controller-manager',
      'kube-scheduler',
    ]);
  });

  it('resolves a process name, a zone and nothing', () => {
    expect(resolveRraTargets(demo.model, 'kubelet')?.length).toBe(3);
    expect(resolveRraTargets(demo.model, 'ci')?.[0]?.type).toBe('zone');
    expect(() => resolveRraTargets(demo.model, 'no-such-thing')).toThrow(/nothing named 'no-such-thing'/);
  });

  it('renders a namespace zone with the placement and reach reasons', () => {
    const md = rra(demo, 'kube-system');
    expect(md).toContain(
      `single-point-of-failure: ${e('all 2 replicas of kube-system/coredns run on one node')}`,
    );
    expect(md).toContain(`${QUESTION} application data`);
  });
});

describe('hostile names', () => {
  it('escapes every cluster-supplied string', async () => {
    const dir = await tempDir('ktm-rra-');
    const evil = 'x|<img src=x onerror=alert(1)>`*[a](http://e)';
    const file = path.join(dir, 'hostile.yaml');
    await writeFile(
      file,
      [
        'apiVersion: v1',
        'kind: Namespace',
        'metadata: {name: "evil"}',
        '---',
        'apiVersion: apps/v1',
        'kind: Deployment',
        `metadata: {name: ${JSON.stringify(evil)}, namespace: evil}`,
        'spec:',
        '  replicas: 1',
        '  selector: {matchLabels: {app: web}}',
        '  template:',
        '    metadata: {labels: {app: web}}',
        '    spec:',
        `      serviceAccountName: ${JSON.stringify(`sa${evil}`)}`,
        '      containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]',
        '---',
        'apiVersion: v1',
        'kind: Service',
        'metadata: {name: web, namespace: evil}',
        'spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80}]}',
        '',
      ].join('\n'),
    );
    const inv = await loadInventory({ kind: 'paths', paths: [file] });
    const ctx = rraOf(inv);
    const md = rra(ctx, 'evil');
    expect(md).toContain(`# Rapid Risk Assessment: ${e('zone evil')}`);
    expect(md).not.toMatch(/(^|[^\\])<img/m);
    expect(md).not.toMatch(/(^|[^\\])\]\(http/m);
    expect(md).toContain(e('<img src=x onerror=alert(1)>'));
    // Table rows keep their column count: a raw | from a name would add one.
    for (const line of md.split('\n').filter((l) => l.startsWith('| in ') || l.startsWith('| out ')))
      expect(line.replace(/\\\|/g, '').split('|').length).toBe(8);
    expect(rra(ctx, 'evil')).toBe(md);
  }, 60_000);
});
