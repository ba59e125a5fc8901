// Every reporter of the registry on a hostile cluster: nothing a name carries can run, inject markup, end a label
// or a code block, or reach a terminal as a control character; machine formats stay valid.
import { beforeAll, describe, expect, it } from 'vitest';
import { assess, type Assessment } from '../../src/assess.js';
import { loadInventory } from '../../src/collect/load.js';
import {
  REPORTERS,
  REPORTER_NAMES,
  type CommandReportOptions,
  type ReporterName,
} from '../../src/report/index.js';
import { HOSTILE, writeHostileCluster } from '../helpers/hostile-cluster.js';
import { allReportOptions } from '../helpers/report-options.js';

const TERMINAL: readonly ReporterName[] = ['table', 'zones-table', 'connlist', 'what-if'];
const MARKDOWN: readonly ReporterName[] = ['md', 'rra', 'issues', 'reach-md'];
const JSON_FORMATS: readonly ReporterName[] = ['json', 'sarif', 'reach-json', 'what-if-json'];
const SVG: readonly ReporterName[] = ['svg', 'zones-svg'];

let a: Assessment;
let options: CommandReportOptions;
const out = new Map<ReporterName, string>();

beforeAll(async () => {
  const inv = await loadInventory({ kind: 'paths', paths: [writeHostileCluster()] });
  a = assess(inv);
  options = await allReportOptions(inv, a);
  for (const name of REPORTER_NAMES) out.set(name, REPORTERS[name].render(a, options));
}, 120_000);

/** A tag or an event-handler attribute that a browser would parse as markup (`\<` is Markdown's literal `<`). */
const LIVE_MARKUP = /(?<!\\)<(script|img|iframe|object|embed|a|svg:script)\b|(?<!\\)<[^>]*\son[a-z]+\s*=/i;

describe('every format escapes a hostile cluster', () => {
  it('the fixture reaches the reports (names appear, findings exist)', () => {
    expect(a.findings.length).toBeGreaterThan(5);
    expect(a.model.zones.some((z) => z.name === HOSTILE.script)).toBe(true);
    for (const name of REPORTER_NAMES) expect(out.get(name)!.length, name).toBeGreaterThan(0);
  });

  it('covers every reporter of the registry', () => {
    const classified = new Set([
      ...TERMINAL,
      ...MARKDOWN,
      ...JSON_FORMATS,
      ...SVG,
      'html',
      'dot',
      'zones-dot',
      'reach-dot',
      'mermaid',
    ]);
    expect(REPORTER_NAMES.filter((n) => !classified.has(n))).toEqual([]);
  });

  it('terminal formats carry no control character but newlines', () => {
    for (const name of TERMINAL)
      // eslint-disable-next-line no-control-regex -- control characters are what is checked
      expect(out.get(name)!, name).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/);
  });

  it('Markdown formats carry no live HTML, link, image or heading from a name', () => {
    for (const name of MARKDOWN) {
      const md = out.get(name)!;
      expect(md, name).not.toMatch(LIVE_MARKUP);
      expect(md, name).not.toMatch(/(?<!\\)\]\(javascript:/);
      expect(md, name).not.toMatch(/!(?<!\\)\[x(?<!\\)\]\(/);
      expect(md, name).not.toMatch(/^# heading/m);
      // eslint-disable-next-line no-control-regex -- control characters are what is checked
      expect(md, name).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u2028\u2029]/);
    }
  });

  it('Mermaid labels cannot close a node, add a directive or a click handler', () => {
    for (const text of [out.get('mermaid')!, out.get('md')!.split('```mermaid')[1]!.split('```')[0]!]) {
      expect(text).not.toContain('x"]');
      expect(text).not.toContain('%%{');
      expect(text).not.toMatch(/^\s*click /m);
      expect(text).not.toContain('<script');
    }
  });

  it('JSON formats parse and keep the names exactly (escaping, not loss)', () => {
    for (const name of JSON_FORMATS) {
      const text = out.get(name)!;
      expect(() => JSON.parse(text) as unknown, name).not.toThrow();
      // eslint-disable-next-line no-control-regex -- raw control characters are invalid inside JSON strings
      expect(text, name).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    }
    expect(JSON.stringify(JSON.parse(out.get('json')!))).toContain(
      JSON.stringify(HOSTILE.control).slice(1, -1),
    );
  });

  it('DOT parses in Graphviz and SVG carries no script, handler or external reference', () => {
    for (const name of ['dot', 'zones-dot', 'reach-dot'] as const)
      expect(() => options.svg!(out.get(name)!), name).not.toThrow();
    for (const name of SVG) {
      const svg = out.get(name)!;
      expect(svg, name).not.toMatch(LIVE_MARKUP);
      expect(svg, name).not.toMatch(/(xlink:)?href=/);
    }
  });

  it('HTML: cluster strings only inside the escaped JSON block and the escaped SVG', () => {
    const html = out.get('html')!;
    const open = '<script type="application/json" id="ktm-data">';
    const start = html.indexOf(open) + open.length;
    const json = html.slice(start, html.indexOf('</script>', start));
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    // Exactly the two scripts ktm writes: the data block and the page script.
    expect(html.match(/<script\b/g)).toHaveLength(2);
    const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>'));
    expect(svg).not.toMatch(LIVE_MARKUP);
    expect(html.slice(0, html.indexOf('<svg'))).not.toContain(HOSTILE.script);
    expect(html).toContain("default-src 'none'");
    // The data round-trips: the page shows the names as text.
    const data = JSON.parse(json) as { zones: { name: string }[] };
    expect(data.zones.some((z) => z.name === HOSTILE.script)).toBe(true);
  });
});
