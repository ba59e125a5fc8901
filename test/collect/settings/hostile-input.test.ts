// Hostile or malformed cluster data never makes settings derivation throw, and evidence paths point at real words.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InventoryItem } from '../../../src/collect/inventory.js';
import { parseFlags, splitShellWords } from '../../../src/collect/settings/command-line.js';
import { deriveSettings } from '../../../src/collect/settings/derive-settings.js';

const word = fc.oneof(
  fc.string(),
  fc.constantFrom(
    '--',
    '-',
    '--=',
    '---x',
    '--a=',
    "'",
    '"',
    '\\',
    '&&',
    '$(X)',
    '--token=s3cr3t',
    'kube-apiserver',
    'etcd',
  ),
  fc.string().map((s) => `--${s}`),
  fc.string().map((s) => `--x=${s}`),
);

const junk = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.string(),
  fc.array(fc.anything(), { maxLength: 3 }),
  fc.object(),
);

describe('hostile input', () => {
  it('the shell splitter and flag parser accept any text', () => {
    fc.assert(
      fc.property(fc.string(), fc.array(word, { maxLength: 12 }), (line, tokens) => {
        splitShellWords(line);
        const parsed = parseFlags(tokens);
        for (const o of parsed.occurrences) expect(o.index).toBeLessThan(tokens.length);
      }),
    );
  });

  it('deriveSettings never throws on malformed pods, and every flag evidence path names a real word', () => {
    fc.assert(
      fc.property(
        fc.array(word, { maxLength: 10 }),
        fc.option(fc.array(word, { maxLength: 6 }), { nil: undefined }),
        fc.constantFrom('kube-apiserver', 'etcd', 'kube-scheduler', 'kube-controller-manager', 'x<script>'),
        junk,
        junk,
        (command, args, component, extraSpec, configz) => {
          const pod: InventoryItem = {
            object: {
              apiVersion: 'v1',
              kind: 'Pod',
              metadata: { name: `${component}-n1`, namespace: 'kube-system', labels: { component } },
              spec: {
                nodeName: 'n1',
                containers: [
                  { name: component, command: [component, ...command], ...(args ? { args } : {}) },
                ],
              },
            },
            source: { file: 'pods.yaml' },
          };
          const weird: InventoryItem = {
            object: {
              apiVersion: 'v1',
              kind: 'Pod',
              metadata: { name: 'etcd-x', namespace: 'kube-system', labels: { component: 'etcd' } },
              spec: extraSpec,
            },
            source: { file: 'weird.yaml' },
          };
          const cz: InventoryItem = {
            object: {
              apiVersion: 'v1',
              kind: 'KubeletConfigz',
              metadata: { name: 'n1' },
              kubeletconfig: configz,
            },
            source: { file: 'configz.json' },
          };
          const settings = deriveSettings({ items: [pod, weird, cz], nodeFiles: [] });
          const words = [component, ...command, ...(args ?? [])];
          for (const s of settings) {
            for (const e of s.explicit()) {
              if (e.origin !== 'flag' || s.ref.name !== `${component}-n1`) continue;
              const m = /\.(command|args)\[(\d+)\]$/.exec(e.evidence.path ?? '');
              expect(m, e.evidence.path).not.toBeNull();
              const idx = Number(m![2]) + (m![1] === 'args' ? command.length + 1 : 0);
              expect(idx).toBeLessThan(words.length);
            }
            s.get('anonymous-auth');
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
