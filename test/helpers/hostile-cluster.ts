// A cluster whose names, labels, images and annotations are attacks on the reports: markup, event handlers,
// javascript: URLs, Markdown and Mermaid injection, control characters, terminal escapes and a 100 KB name.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDirSync } from './temp-dir.js';

/** Set by any injected script that runs; a browser test asserts it stays undefined. */
export const PWNED = '__ktmPwned';
/** A loopback URL the payloads try to load; a browser test asserts no request reaches it. */
export const LEAK = 'http://127.0.0.1:9/ktm-leak';

export const HOSTILE = {
  script: `<script>window.${PWNED}=1</script>`,
  handler: `web" onmouseover="window.${PWNED}=2" x="`,
  img: `<img src="${LEAK}.png" onerror="window.${PWNED}=3">`,
  js: `javascript:window.${PWNED}=4`,
  markdown: `[click me](javascript:alert(1)) | col | ![x](${LEAK}.gif) # not a heading`,
  mermaid: `x"] --> evil["y %%{init: {"securityLevel": "loose"}}%% click n0 call alert(1)`,
  control: `line1\r\n# heading\u0007\u001b[31mRED\u001b]8;;${LEAK}\u0007link\u2028sep\u2029end`,
  closing: `</script><script>window.${PWNED}=5</script><!--`,
  long: `n${'a'.repeat(100_000)}`,
} as const;

const ns = HOSTILE.script;

function deployment(name: string, namespace: string, extra: Record<string, unknown> = {}): unknown {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: { app: 'hostile' }, annotations: { note: HOSTILE.markdown } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'hostile' } },
      template: {
        metadata: { labels: { app: 'hostile' } },
        spec: {
          containers: [
            {
              name: HOSTILE.img,
              image: HOSTILE.js,
              env: [{ name: HOSTILE.mermaid, value: 'plain' }],
              securityContext: { privileged: true },
              ports: [{ containerPort: 8080 }],
            },
          ],
          volumes: [{ name: 'host', hostPath: { path: '/' } }],
          ...extra,
        },
      },
    },
  };
}

/** Writes the hostile cluster as one manifest file in a new temporary folder and returns the file. */
export function writeHostileCluster(): string {
  const items = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: HOSTILE.mermaid } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: HOSTILE.control } },
    deployment(HOSTILE.handler, ns),
    deployment(HOSTILE.long, HOSTILE.mermaid),
    deployment(HOSTILE.closing, HOSTILE.control, { hostNetwork: true }),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: HOSTILE.markdown, namespace: ns },
      spec: { type: 'LoadBalancer', selector: { app: 'hostile' }, ports: [{ port: 80, targetPort: 8080 }] },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: HOSTILE.control },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: ns }],
    },
  ];
  const dir = tempDirSync('ktm-hostile-');
  const file = path.join(dir, 'hostile.json');
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  return file;
}
