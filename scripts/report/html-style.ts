// The HTML report's inline stylesheet: system fonts only (no web fonts, no network), GitHub-like
// colours, summary tiles, two charts side by side on wide screens, tables, field classes and
// coloured diffs. Long paths and values wrap (the markup adds <wbr> after separators; CSS
// `overflow-wrap: anywhere` breaks inside a long token), so nothing widens the page.
// Kept apart from html.ts so the markup stays readable.

export const REPORT_CSS = `
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa; --bad: #cf222e; --good: #1a7f37;
  --warn: #9a6700; --none: #59636e; --noise: #d4a72c; --unjudged: #8250df; --generated: #0969da; --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #eef1f4;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif; }
header.top { background: #24292f; color: #fff; padding: 18px 32px; }
header.top h1 { margin: 0 0 4px; font-size: 20px; font-weight: 600; }
header.top p { margin: 0; color: #c9d1d9; }
nav.routes { display: flex; flex-wrap: wrap; gap: 8px; padding: 12px 32px 0; }
nav.routes a { color: var(--fg); text-decoration: none; background: #fff; border: 1px solid var(--line); border-radius: 999px; padding: 3px 12px; }
main { padding: 16px 32px 32px; max-width: 1280px; }
section.route { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 20px 24px; margin: 0 0 20px;
  border-top: 4px solid var(--none); }
section.route.tone-bad { border-top-color: var(--bad); }
section.route.tone-good { border-top-color: var(--good); }
section.route.tone-warn { border-top-color: var(--warn); }
h2 { margin: 0; font-size: 20px; display: flex; align-items: center; gap: 10px; }
h3 { font-size: 15px; margin: 22px 0 8px; }
h3 small, figcaption small { font-weight: 400; color: var(--muted); }
h4 { font-size: 14px; margin: 14px 0 4px; display: flex; align-items: baseline; gap: 8px; min-width: 0; }
h4 .rank { color: var(--bad); font-variant-numeric: tabular-nums; }
.stage { font: 600 12px var(--mono); background: #ddf4ff; color: #0550ae; border-radius: 6px; padding: 2px 8px; }
.verdict { font-size: 16px; font-weight: 600; margin: 10px 0 2px; }
.verdict.bad { color: var(--bad); } .verdict.good { color: var(--good); } .verdict.warn { color: var(--warn); } .verdict.none { color: var(--none); }
.meta { color: var(--muted); margin: 2px 0; }
.notice { background: #fff8c5; border: 1px solid #d4a72c66; border-radius: 6px; padding: 6px 10px; margin: 10px 0; }
.empty { background: var(--soft); border: 1px dashed var(--line); border-radius: 8px; padding: 18px; margin: 14px 0; color: var(--muted); }
.empty strong { display: block; color: var(--fg); font-size: 15px; margin-bottom: 4px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(128px, 1fr)); gap: 10px; margin: 16px 0; }
.tile { background: var(--soft); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; border-left: 4px solid var(--line); }
.tile .label { display: block; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.tile .value { display: block; font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
.tile .rate { color: var(--muted); font-size: 12px; }
.tile.match { border-left-color: var(--good); } .tile.mismatch { border-left-color: var(--bad); } .tile.noise { border-left-color: var(--noise); }
.tile.unjudged { border-left-color: var(--unjudged); } .tile.generated { border-left-color: var(--generated); }
.tile.error, .tile.divergence { border-left-color: #8250df; } .tile.total { border-left-color: #0969da; }
.tile.hot .value { color: var(--bad); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 16px; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
figcaption { font-weight: 600; margin-bottom: 6px; }
figure .nodata { color: var(--muted); padding: 40px 0; text-align: center; }
svg.chart { display: block; width: 100%; height: auto; font-family: inherit; }
.pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 16px; align-items: start; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--soft); font-size: 12px; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); }
td.num, th.num { text-align: right; white-space: nowrap; }
td.why { color: var(--muted); font-size: 12.5px; max-width: 460px; }
td, h2, h4, .values, .example header, code { overflow-wrap: anywhere; }
td.field, td.endpoint { min-width: 8em; }
table.endpoints tr.hot td.num:nth-child(4), table.endpoints tr.hot td.num:nth-child(5) { color: var(--bad); font-weight: 600; }
code { font-family: var(--mono); font-size: 12.5px; background: var(--soft); border-radius: 4px; padding: 1px 5px; }
.pill { display: inline-block; font-size: 12px; font-weight: 600; border-radius: 999px; padding: 1px 9px; }
.pill.real { background: #ffebe9; color: var(--bad); } .pill.noise { background: #fff8c5; color: var(--warn); }
.pill.unjudged { background: #fbefff; color: var(--unjudged); } .pill.generated { background: #ddf4ff; color: var(--generated); }
.pill.ignored { background: var(--soft); color: var(--muted); }
section.findings { margin-top: 8px; }
h3.unjudged { color: var(--unjudged); } h3.noise { color: var(--warn); } h3.divergences { color: #8250df; }
.endpoint-block { border-left: 3px solid var(--bad); padding: 0 0 0 12px; margin: 14px 0; }
.example { border: 1px solid var(--line); border-radius: 8px; margin: 10px 0; overflow: hidden; }
.example header { background: var(--soft); padding: 8px 12px; border-bottom: 1px solid var(--line); }
.example .values { padding: 8px 12px; }
pre.diff { margin: 0; padding: 8px 0; font: 12.5px/1.5 var(--mono); background: #fff; border-top: 1px solid var(--line); }
pre.diff span { display: block; padding: 0 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
pre.diff .add { background: #dafbe1; color: #116329; } pre.diff .del { background: #ffebe9; color: #a40e26; }
pre.diff .hunk { background: #ddf4ff; color: #0550ae; } pre.diff .file { color: var(--muted); font-weight: 600; }
footer { color: var(--muted); padding: 0 32px 24px; font-size: 12px; }
`;
