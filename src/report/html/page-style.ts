// The HTML report's stylesheet: readable contrast (WCAG AA text colours), visible focus, a print layout.
export const PAGE_STYLE = String.raw`
:root { --fg: #1b1f24; --muted: #4d5560; --line: #d0d7de; --bg: #ffffff; --panel: #f6f8fa; --accent: #0b57d0;
  --critical: #8e1b10; --high: #b3261e; --medium: #8a5a00; --low: #3a5f0b; --info: #41505e; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--fg); background: var(--bg); }
header.top { padding: 16px 28px; border-bottom: 1px solid var(--line); background: #102a43; color: #fff; }
header.top h1 { margin: 0; font-size: 22px; overflow-wrap: anywhere; }
header.top p { margin: 4px 0 0; color: #d9e2ec; overflow-wrap: anywhere; }
nav.sections { position: sticky; top: 0; z-index: 5; background: #fff; border-bottom: 1px solid var(--line); padding: 6px 28px; display: flex; flex-wrap: wrap; gap: 4px 16px; }
nav.sections a { color: var(--accent); text-decoration: none; padding: 4px 2px; }
nav.sections a:hover { text-decoration: underline; }
main { padding: 8px 28px 48px; max-width: 1500px; }
section.block { margin: 24px 0; }
h2 { font-size: 20px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 16px 0 6px; overflow-wrap: anywhere; }
h4 { font-size: 14px; margin: 12px 0 4px; }
p, li, td, th, summary, code, pre { overflow-wrap: anywhere; word-break: break-word; }
.muted { color: var(--muted); }
.cards { display: flex; gap: 12px; flex-wrap: wrap; }
.card { border: 1px solid var(--line); border-left-width: 6px; border-radius: 6px; padding: 10px 16px; min-width: 130px; background: var(--panel); }
.card .count { font-size: 28px; font-weight: 700; }
.sev-border-critical { border-left-color: var(--critical); } .sev-border-high { border-left-color: var(--high); }
.sev-border-medium { border-left-color: var(--medium); } .sev-border-low { border-left-color: var(--low); } .sev-border-info { border-left-color: var(--info); }
.badge { display: inline-block; min-width: 64px; text-align: center; border-radius: 4px; padding: 0 6px; font-size: 12px; font-weight: 700; color: #fff; text-transform: uppercase; }
.sev-critical { background: var(--critical); } .sev-high { background: var(--high); } .sev-medium { background: var(--medium); }
.sev-low { background: var(--low); } .sev-info { background: var(--info); }
.tag { display: inline-block; margin-left: 4px; border: 1px solid var(--muted); border-radius: 4px; padding: 0 4px; font-size: 12px; }
.level { font-weight: 700; } .lvl-critical { color: var(--critical); } .lvl-high { color: var(--high); } .lvl-medium { color: var(--medium); } .lvl-low { color: var(--low); }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 20px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--panel); }
td { max-width: 60ch; }
.diagram-wrap { display: grid; grid-template-columns: minmax(0, 1fr) minmax(300px, 420px); gap: 16px; }
#diagram { border: 1px solid var(--line); border-radius: 6px; height: 720px; overflow: hidden; background: #fff; cursor: grab; touch-action: none; }
#diagram svg { width: 100%; height: 100%; }
#diagram .clickable { cursor: pointer; }
#diagram .clickable:hover > polygon, #diagram .clickable:hover > path, #diagram .clickable:focus > polygon, #diagram .clickable:focus > path { stroke: var(--accent); stroke-width: 3px; }
.toolbar { display: flex; gap: 6px; margin: 6px 0; align-items: center; flex-wrap: wrap; }
button, select, input { font: inherit; }
button { border: 1px solid #8c959f; background: #fff; color: var(--fg); border-radius: 4px; padding: 3px 10px; cursor: pointer; }
button:hover { background: var(--panel); }
button.link { border: none; color: var(--accent); text-decoration: underline; padding: 0; background: none; }
button[aria-pressed="true"] { background: #dbe9ff; border-color: var(--accent); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
#panel { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; background: var(--panel); max-height: 760px; overflow: auto; }
.panel-head { display: flex; justify-content: space-between; align-items: start; gap: 8px; }
.close { font-size: 18px; line-height: 1; }
.filters { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: end; margin-bottom: 10px; }
.filters label { display: flex; flex-direction: column; font-size: 13px; color: var(--muted); }
.filters select, .filters input { min-width: 150px; max-width: 260px; padding: 3px; }
details.finding { border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; margin: 6px 0; }
details.finding summary { cursor: pointer; }
.subject { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
ul.evidence { margin: 0; padding-left: 20px; font-size: 13px; }
.where { color: var(--muted); font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.paths { display: grid; grid-template-columns: minmax(280px, 1fr) minmax(0, 2fr); gap: 16px; }
#paths-list { list-style: none; padding: 0; margin: 0; max-height: 620px; overflow: auto; }
#paths-list li { margin: 2px 0; }
.path-button { width: 100%; text-align: left; }
ol.steps { padding-left: 24px; }
li.step { border-left: 3px solid var(--high); padding: 4px 10px; margin: 8px 0; background: var(--panel); }
.technique { font-weight: 700; }
.cut { color: #0f5132; }
.columns { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 12px; }
.column { border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; }
.assumption { border-top: 1px solid var(--line); }
.result-confirmed { color: #0f5132; } .result-contradicted { color: var(--high); } .result-unverifiable { color: var(--medium); }
pre { white-space: pre-wrap; background: var(--panel); padding: 8px; border-radius: 4px; font-size: 13px; max-height: 480px; overflow: auto; }
@media (max-width: 900px) { .diagram-wrap, .paths, .columns { grid-template-columns: 1fr; } }
@media print {
  nav.sections, .toolbar, .filters, .pager, button.close, #zoom-controls { display: none !important; }
  header.top { background: none; color: #000; border-bottom: 2px solid #000; } header.top p { color: #000; }
  #diagram { height: auto; border: none; overflow: visible; } .diagram-wrap, .paths { display: block; }
  #panel, pre, #paths-list { max-height: none; overflow: visible; }
  details.finding, li.step, .card { break-inside: avoid; }
  .badge { color: #000; border: 1px solid #000; background: none !important; }
  a { color: #000; }
}
`;
