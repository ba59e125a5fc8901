// The flag parser on real minikube and RKE2 control-plane pods from the regolibrary corpus (read-only, beside the repo).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { InventoryItem, KubeObject } from '../../../src/collect/inventory.js';
import { deriveSettings } from '../../../src/collect/settings/derive-settings.js';

const corpus = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../shared/corpora/regolibrary',
);
const CONTROL_PLANE = ['kube-apiserver', 'etcd', 'kube-scheduler', 'kube-controller-manager'];

interface PodLike {
  metadata?: { labels?: Record<string, string> };
  spec?: { containers?: { command?: string[]; args?: string[] }[] };
}

function controlPlanePods(): { file: string; item: InventoryItem; component: string }[] {
  const out: { file: string; item: InventoryItem; component: string }[] = [];
  for (const rule of readdirSync(corpus)) {
    const ruleDir = path.join(corpus, rule);
    if (!existsSync(ruleDir) || rule.endsWith('.json')) continue;
    for (const c of readdirSync(ruleDir)) {
      const input = path.join(ruleDir, c, 'input');
      if (!existsSync(input)) continue;
      for (const f of readdirSync(input)) {
        const file = path.join(input, f);
        for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
          const o = doc.toJS() as (KubeObject & PodLike) | null;
          const objects =
            o?.kind === 'List' ? ((o['items'] as (KubeObject & PodLike)[] | undefined) ?? []) : o ? [o] : [];
          for (const p of objects) {
            const component = p.metadata?.labels?.['component'];
            if (p.kind === 'Pod' && component !== undefined && CONTROL_PLANE.includes(component))
              out.push({ file, item: { object: p, source: { file } }, component });
          }
        }
      }
    }
  }
  return out;
}

describe.skipIf(!existsSync(corpus))(
  'regolibrary control-plane command lines (skipped: ../shared/corpora absent)',
  () => {
    it('accounts for every flag of every minikube and RKE2 kube-apiserver, etcd, scheduler and controller-manager pod', () => {
      const pods = controlPlanePods();
      expect(pods.length).toBeGreaterThan(50);
      for (const { file, item, component } of pods) {
        const settings = deriveSettings({ items: [item], nodeFiles: [] }).find(
          (s) => s.component === component,
        );
        expect(settings, file).toBeDefined();
        const c = (item.object as PodLike).spec?.containers?.[0];
        const words = [...(c?.command ?? []), ...(c?.args ?? [])];
        const names = new Set(
          words.filter((w) => w.startsWith('-')).map((w) => w.replace(/^--?/, '').split('=')[0]),
        );
        expect(
          settings
            ?.explicit()
            .map((s) => s.name)
            .sort(),
          file,
        ).toEqual([...names].sort());
        for (const w of words.filter((x) => x.startsWith('--') && x.includes('='))) {
          const [name, ...rest] = w.slice(2).split('=');
          // The last occurrence wins (or slice flags accumulate): check single-occurrence flags exactly.
          if (words.filter((x) => x.startsWith(`--${name ?? ''}=`)).length === 1)
            expect(settings?.get(name ?? '').value, `${file} ${w}`).toBe(rest.join('='));
        }
      }
    });
  },
);
