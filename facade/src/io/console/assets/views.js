// Console, the views: the route list and a route's page, rebuilt from each snapshot (open details
// and the focused control survive), with the latency charts as SVG and the route's audit log.
import { app, byId, h, svg, pct, ms, when, show, stageText, routeHref } from './dom.js';
import { api } from './session.js';
import { openChange, openIgnore, rollbackTarget } from './dialogs.js';

// ---- rendering ------------------------------------------------------------------------------
export function currentView() {
  const m = /^#\/route\/(.+)$/.exec(location.hash);
  return m ? { kind: 'route', name: decodeURIComponent(m[1]) } : { kind: 'list' };
}

/** Re-renders the main area, keeping open <details> and the focused control across snapshots. */
export function render() {
  if (!app.snapshot) return;
  const main = byId('main');
  const open = new Set([...main.querySelectorAll('details[open][data-key]')].map((d) => d.dataset.key));
  const focusKey = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.key : undefined;
  const view = currentView();
  const route = view.kind === 'route' ? app.snapshot.routes.find((r) => r.name === view.name) : null;
  const content = route ? routePage(route) : view.kind === 'route' ? h('p', { class: 'error' }, `No route named ${view.name}.`) : routeList(app.snapshot);
  main.replaceChildren(content);
  for (const d of main.querySelectorAll('details[data-key]')) if (open.has(d.dataset.key)) d.open = true;
  if (focusKey) {
    const again = [...main.querySelectorAll('[data-key]')].find((e) => e.dataset.key === focusKey);
    if (again) again.focus();
  }
  byId('status').title = `updated ${when(app.snapshot.generatedAt)}`;
}

function sideOf(route, side) {
  return route.report ? route.report.sides.find((s) => s.side === side) : null;
}

function gateSummary(route) {
  if (!route.gate) return h('span', { class: 'gate none' }, 'no later stage');
  const failed = route.gate.checks.filter((c) => !c.pass);
  return h('div', { class: `gate ${route.gate.pass ? 'pass' : 'fail'}` },
    h('strong', {}, `gate ${route.gate.from} → ${route.gate.to}: ${route.gate.pass ? 'passes' : 'refuses'}`),
    failed.length ? h('ul', {}, failed.map((c) => h('li', {}, h('b', {}, c.name), `: ${c.message}`))) : null);
}

function figures(route) {
  const r = route.report;
  const cell = (label, value, key) => h('div', { class: 'figure' }, h('span', { class: 'label' }, label), h('span', { class: 'value', dataset: { figure: key } }, value));
  const mono = sideOf(route, 'monolith');
  const serv = sideOf(route, 'service');
  const lat = (s) => (s ? `${ms(s.latency.p50)} / ${ms(s.latency.p99)}` : '–');
  return h('div', { class: 'figures' },
    cell('stage', stageText(route.state), 'stage'),
    cell('comparisons', r ? String(r.total) : '0', 'comparisons'),
    cell('real differences', r ? pct(r.outcomes.mismatch.rate) : '–', 'mismatch-rate'),
    cell('unjudged', r ? pct(r.outcomes.unjudged.rate) : '–', 'unjudged-rate'),
    cell('monolith p50 / p99', lat(mono), 'monolith-latency'),
    cell('service p50 / p99', lat(serv), 'service-latency'),
    cell('divergences', r ? String(r.divergences.length) : '0', 'divergences'));
}

function endpointsTable(route, limit, withFields) {
  const endpoints = route.report ? route.report.endpoints.slice(0, limit) : [];
  if (endpoints.length === 0) return h('p', { class: 'muted' }, 'No comparisons yet.');
  return h('table', { class: 'endpoints' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'endpoint'), h('th', { scope: 'col', class: 'num' }, 'compared'),
      h('th', { scope: 'col', class: 'num' }, 'real-difference rate'), withFields ? h('th', { scope: 'col' }, 'top fields') : null)),
    h('tbody', {}, endpoints.map((e) => h('tr', { dataset: { endpoint: e.endpoint } },
      h('td', { class: 'mono' }, e.endpoint), h('td', { class: 'num' }, String(e.compared)),
      h('td', { class: `num ${e.realRate ? 'bad' : ''}` }, pct(e.realRate)),
      withFields ? h('td', { class: 'mono' }, e.fields.filter((f) => f.class === 'real' || f.class === 'unjudged').slice(0, 3)
        .map((f) => `${f.field} (${f.class}, ${f.count})`).join(', ') || '–') : null))));
}

function actions(route) {
  const can = app.viewer && app.viewer.canChange;
  const title = can ? undefined : app.snapshot.provider === 'launchdarkly' ? 'stages live in LaunchDarkly' : 'a read token cannot change anything';
  const promoteTo = route.gate ? route.gate.to : null;
  const back = rollbackTarget(route.state);
  return h('div', { class: 'actions' },
    h('button', { type: 'button', disabled: !can || !promoteTo, title, dataset: { key: `promote:${route.name}` }, onclick: () => openChange(route, 'promote') },
      promoteTo ? `Promote to ${promoteTo}…` : 'Promote…'),
    h('button', { type: 'button', disabled: !can || !back, title, dataset: { key: `rollback:${route.name}` }, onclick: () => openChange(route, 'rollback') },
      back ? `Roll back to ${back}…` : 'Roll back…'),
    h('button', { type: 'button', disabled: !can, title, dataset: { key: `set:${route.name}` }, onclick: () => openChange(route, 'set') }, 'Set stage…'),
    h('button', { type: 'button', disabled: !(app.viewer && app.viewer.role === 'write'), dataset: { key: `ignore:${route.name}` }, onclick: () => openIgnore(route, '') }, 'Add ignore rule…'));
}

function routeList(snapshot) {
  return h('div', { class: 'list' },
    h('h1', {}, 'Routes'),
    snapshot.routes.map((route) => h('section', { class: 'route-card', dataset: { route: route.name }, 'aria-labelledby': `r-${route.name}` },
      h('h2', { id: `r-${route.name}` }, h('a', { href: routeHref(route.name), dataset: { key: `open:${route.name}` } }, route.name),
        h('span', { class: 'muted' }, ` ${route.pattern} → ${route.service}`)),
      figures(route),
      gateSummary(route),
      endpointsTable(route, 3, true),
      recentDivergences(route, 3),
      actions(route))));
}

function recentDivergences(route, limit) {
  const rows = route.report ? route.report.divergences.slice(-limit).reverse() : [];
  if (rows.length === 0) return null;
  return h('div', { class: 'divergences' }, h('h3', {}, 'Recent divergences'),
    h('ul', {}, rows.map((d) => h('li', {}, h('span', { class: 'mono' }, `${d.method} ${d.path}`), ` ${d.reason} (${d.primaryStatus ?? '–'} / ${d.shadowStatus ?? '–'}) at ${when(d.at)}`))));
}

function routePage(route) {
  const r = route.report;
  const page = h('div', { class: 'route-page', dataset: { route: route.name } },
    h('p', {}, h('a', { href: '#/', dataset: { key: 'back' } }, '← all routes')),
    h('h1', {}, route.name, h('span', { class: 'muted' }, ` ${route.pattern} → ${route.service}`)),
    figures(route),
    actions(route),
    h('h2', {}, 'Gate'), gateTable(route),
    h('h2', {}, 'Endpoints, ranked by real-difference rate'), endpointsTable(route, 50, false),
    r ? r.endpoints.map((e) => endpointDetails(route, e)) : null,
    h('h2', {}, 'Noise and its evidence'),
    r && r.noise.length ? h('ul', { class: 'noise' }, r.noise.map((n) => h('li', {}, h('span', { class: 'mono' }, `${n.endpoint} ${n.field}`), `: ${n.why}`)))
      : h('p', { class: 'muted' }, 'No noise found yet.'),
    h('h2', {}, 'Latency per side'),
    h('div', { class: 'charts' }, ['monolith', 'service'].map((side) => latencyChart(sideOf(route, side), side))),
    h('h2', {}, 'Divergences'),
    r && r.divergences.length ? recentDivergences(route, 50) : h('p', { class: 'muted' }, 'No divergences.'),
    h('h2', {}, 'Audit log'), historyTable(route.name));
  refreshHistory(route.name);
  return page;
}

function gateTable(route) {
  if (!route.gate) return h('p', { class: 'muted' }, 'At complete: no later stage.');
  return h('div', {}, gateSummary(route), h('table', { class: 'gate-checks' },
    h('thead', {}, h('tr', {}, ['check', 'status', 'figures', 'why'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, route.gate.checks.map((c) => h('tr', { class: c.status },
      h('td', {}, c.name), h('td', {}, c.status.replace('_', ' ')), h('td', {}, c.figures), h('td', {}, c.message))))));
}

function endpointDetails(route, e) {
  return h('details', { class: 'endpoint', dataset: { key: `ep:${route.name}:${e.endpoint}`, endpoint: e.endpoint } },
    h('summary', {}, h('span', { class: 'mono' }, e.endpoint), ` — ${e.compared} compared, ${pct(e.realRate)} real differences, ${e.fields.length} fields`),
    e.fields.length === 0 ? h('p', { class: 'muted' }, 'No differing field.') : h('table', { class: 'fields' },
      h('thead', {}, h('tr', {}, ['field', 'class', 'count', 'rate', 'example request', 'monolith / primary', 'service / shadow', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, e.fields.map((f) => h('tr', { class: f.class },
        h('td', { class: 'mono' }, f.field), h('td', { title: f.why }, f.class), h('td', { class: 'num' }, String(f.count)), h('td', { class: 'num' }, pct(f.rate)),
        h('td', { class: 'mono' }, `${f.example.request.method} ${f.example.request.path}`),
        h('td', {}, h('pre', {}, show(f.example.primary))), h('td', {}, h('pre', {}, show(f.example.shadow))),
        h('td', {}, f.class === 'ignored' ? null : h('button', { type: 'button', class: 'small', disabled: !(app.viewer && app.viewer.role === 'write'),
          onclick: () => openIgnore(route, f.field) }, 'Ignore…')))))));
}

/** One side's latency histogram as an SVG bar chart (the report's buckets). */
function latencyChart(side, name) {
  const fig = h('figure', { class: `chart chart-${name}` });
  if (!side || side.latency.samples === 0) { fig.append(h('figcaption', {}, `${name}: no answers yet`)); return fig; }
  const W = 520; const H = 160; const pad = 24;
  const buckets = side.latency.histogram;
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const bw = (W - pad) / buckets.length;
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H + 30}`, role: 'img', 'aria-label': `${name} latency histogram` });
  buckets.forEach((b, i) => {
    const bh = Math.round((b.count / max) * H);
    const rect = svg('rect', { x: pad + i * bw + 1, y: H - bh, width: bw - 2, height: Math.max(bh, b.count ? 1 : 0), class: `bar ${name}` });
    const tip = svg('title', {});
    tip.textContent = `${b.le === null ? 'slower' : `≤ ${b.le} ms`}: ${b.count}`;
    rect.append(tip);
    chart.append(rect);
    const label = svg('text', { x: pad + i * bw + bw / 2, y: H + 14, 'text-anchor': 'middle', class: 'tick' });
    label.textContent = b.le === null ? '>' : String(b.le);
    chart.append(label);
  });
  const axis = svg('text', { x: W / 2, y: H + 28, 'text-anchor': 'middle', class: 'tick' });
  axis.textContent = 'answer time, ms (upper bound of each bucket)';
  chart.append(axis);
  fig.append(chart, h('figcaption', {}, `${name}: ${side.latency.samples} answers, p50 ${ms(side.latency.p50)}, p95 ${ms(side.latency.p95)}, p99 ${ms(side.latency.p99)}, errors ${pct(side.errorRate)}`));
  return fig;
}

function historyTable(name) {
  const rows = app.history.get(name) || [];
  const table = h('table', { class: 'history' },
    h('thead', {}, h('tr', {}, ['when', 'who', 'from', 'to', 'share', 'reason', 'forced'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows.map((a) => h('tr', {}, h('td', {}, when(a.at)), h('td', {}, a.actor), h('td', {}, a.from), h('td', {}, a.to),
      h('td', {}, a.percent === null || a.percent === undefined ? '' : `${a.percent} %`), h('td', {}, a.reason || ''), h('td', {}, a.forced ? 'yes' : '')))));
  return rows.length ? h('div', { class: 'scroll', id: 'history' }, table) : h('div', { id: 'history' }, h('p', { class: 'muted' }, app.snapshot.provider === 'launchdarkly' ? 'No local audit log with the launchdarkly provider.' : 'No stage change yet.'));
}

/** Fetches the audit log for the route page (each snapshot: a change shows up with the next push). */
export async function refreshHistory(name) {
  if (app.snapshot.provider === 'launchdarkly') return;
  try {
    const { history } = await api('GET', `/routes/${encodeURIComponent(name)}/history`);
    const before = JSON.stringify(app.history.get(name) || []);
    app.history.set(name, history);
    const old = byId('history');
    if (old && before !== JSON.stringify(history)) old.replaceWith(historyTable(name));
  } catch (err) {
    // shown on the next snapshot; a refused token signs out in api()
  }
}
