// Every entry of the reporter registry, for every command it serves, on a hostile cluster: nothing a name carries
// can run, inject markup, end a label or a code block, start a spreadsheet formula, or reach a terminal as a control
// character; machine formats stay valid. The checks follow each output's file type, so a new entry is checked too.
import { beforeAll, describe, expect, it } from 'vitest';
import { assess, type Assessment } from '../../src/assess.js';
import { loadInventory } from '../../src/collect/load.js';
import { REPORTERS, REPORTER_NAMES, type ReportOptions } from '../../src/report/index.js';
import { HOSTILE, writeHostileCluster } from '../helpers/hostile-cluster.js';
import { allReportOptions, allViews, renderEveryFormat, type Rendered } from '../helpers/report-options.js';

let a: Assessment;
let options: ReportOptions;
let rendered: Rendered[];

beforeAll(async () => {
  const inv = await loadInventory({ kind: 'paths', paths: [writeHostileCluster()] });
  a = assess(inv);
  options = await allReportOptions(inv, a);
  rendered = renderEveryFormat(allViews(inv, a), options);
}, 180_000);

/** Every output of one file type, named `entry (command) path` for the failure message. */
function outputs(ext: string): [string, string][] {
  return rendered.flatMap((r) =>
    r.outputs
      .filter((o) => o.path.endsWith(`.${ext}`))
      .map((o): [string, string] => [`${r.name} (${r.command}) ${o.path}`, o.content]),
  );
}

/** A tag or an event-handler attribute that a browser would parse as markup (`\<` is Markdown's literal `<`). */
const LIVE_MARKUP = /(?<!\\)<(script|img|iframe|object|embed|a|svg:script)\b|(?<!\\)<[^>]*\son[a-z]+\s*=/i;
/** The cells of an RFC 4180 CSV text (every cell quoted, as ktm writes them); throws on anything else. */
function csvCells(csv: string): string[] {
  const cells: string[] = [];
  let i = 0;
  while (i < csv.length) {
    if (csv[i] !== '"') throw new Error(`unquoted cell at ${i}`);
    let cell = '';
    for (i++; ; i++) {
      if (i >= csv.length) throw new Error('unterminated cell');
      const c = csv.charAt(i);
      if (c === '"' && csv[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') break;
      else cell += c;
    }
    cells.push(cell);
    i++;
    if (csv.startsWith('\r\n', i)) i += 2;
    else if (csv[i] === ',') i++;
    else if (i < csv.length) throw new Error(`no separator at ${i}`);
  }
  return cells;
}

const KNOWN_TYPES = ['txt', 'md', 'json', 'sarif', 'dot', 'svg', 'mmd', 'html', 'csv'];

describe('every format of every command escapes a hostile cluster', () => {
  it('renders every entry for every command it serves, and the cluster strings reach them', () => {
    expect(a.findings.length).toBeGreaterThan(5);
    expect(a.model.zones.some((z) => z.name === HOSTILE.script)).toBe(true);
    expect(new Set(rendered.map((r) => r.name))).toEqual(new Set(REPORTER_NAMES));
    for (const name of REPORTER_NAMES)
      for (const command of Object.keys(REPORTERS[name].serves))
        expect(
          rendered.some((r) => r.name === name && r.command === command),
          `${name} ${command}`,
        ).toBe(true);
    for (const r of rendered) for (const o of r.outputs) expect(o.content.length, r.name).toBeGreaterThan(0);
    // The hostile names are in the data the cluster-facing formats render (escaped, so look for a plain part).
    const carry = rendered.filter((r) => r.outputs.some((o) => o.content.includes('__ktmPwned')));
    expect(carry.length).toBeGreaterThan(20);
  });

  it('every output has a file type the checks below know', () => {
    const unknown = rendered.flatMap((r) =>
      r.outputs.filter((o) => !KNOWN_TYPES.some((t) => o.path.endsWith(`.${t}`))).map((o) => o.path),
    );
    expect(unknown).toEqual([]);
  });

  it('terminal text carries no control character but newlines', () => {
    expect(outputs('txt').length).toBeGreaterThan(8);
    for (const [name, text] of outputs('txt'))
      // eslint-disable-next-line no-control-regex -- control characters are what is checked
      expect(text, name).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/);
  });

  it('Markdown carries no live HTML, link, image or heading from a name', () => {
    expect(outputs('md').length).toBeGreaterThan(4);
    for (const [name, md] of outputs('md')) {
      expect(md, name).not.toMatch(LIVE_MARKUP);
      expect(md, name).not.toMatch(/(?<!\\)\]\(javascript:/);
      expect(md, name).not.toMatch(/!(?<!\\)\[x(?<!\\)\]\(/);
      expect(md, name).not.toMatch(/^# heading/m);
      // eslint-disable-next-line no-control-regex -- control characters are what is checked
      expect(md, name).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u2028\u2029]/);
    }
  });

  it('Mermaid labels cannot close a node, add a directive or a click handler', () => {
    const md = outputs('md').find(([name]) => name.startsWith('md (assess)'))![1];
    const blocks = [...outputs('mmd').map(([, text]) => text), md.split('```mermaid')[1]!.split('```')[0]!];
    expect(blocks.length).toBeGreaterThan(1);
    for (const text of blocks) {
      expect(text).not.toContain('x"]');
      expect(text).not.toContain('%%{');
      expect(text).not.toMatch(/^\s*click /m);
      expect(text).not.toContain('<script');
    }
  });

  it('JSON and SARIF parse and keep the names exactly (escaping, not loss)', () => {
    const json = [...outputs('json'), ...outputs('sarif')];
    expect(json.length).toBeGreaterThan(10);
    for (const [name, text] of json) {
      expect(() => JSON.parse(text) as unknown, name).not.toThrow();
      // eslint-disable-next-line no-control-regex -- raw control characters are invalid inside JSON strings
      expect(text, name).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    }
    const assessment = outputs('json').find(([name]) => name.startsWith('json (assess)'))![1];
    expect(JSON.stringify(JSON.parse(assessment))).toContain(JSON.stringify(HOSTILE.control).slice(1, -1));
  });

  it('CSV cells are quoted and never start a spreadsheet formula', () => {
    expect(outputs('csv').length).toBeGreaterThan(1);
    for (const [name, csv] of outputs('csv')) {
      const cells = csvCells(csv);
      expect(cells.length, name).toBeGreaterThan(4);
      expect(
        cells.filter((c) => /^[=+\-@\t\r]/.test(c)),
        name,
      ).toEqual([]);
    }
  });

  it('DOT parses in Graphviz and SVG carries no script, handler or external reference', () => {
    expect(outputs('dot').length).toBeGreaterThan(2);
    for (const [name, dot] of outputs('dot')) expect(() => options.svg!(dot), name).not.toThrow();
    expect(outputs('svg').length).toBeGreaterThan(3);
    for (const [name, svg] of outputs('svg')) {
      expect(svg, name).not.toMatch(LIVE_MARKUP);
      expect(svg, name).not.toMatch(/(xlink:)?href=/);
    }
  });

  it('HTML: cluster strings only inside the escaped JSON block and the escaped SVG', () => {
    const html = outputs('html')[0]![1];
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
