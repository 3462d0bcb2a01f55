// The Strangler console (plain browser JavaScript, no library, nothing fetched from elsewhere).
// The admin token is kept in sessionStorage and sent only as a bearer header: on the event stream
// (read with fetch, so it never appears in a URL or a log) and on the admin API calls. Every value
// from the server is written with textContent, never parsed as markup.
'use strict';

(() => {
  const TOKEN_KEY = 'strangler.console.token';
  const STAGES = ['off', 'dualwrite', 'shadow', 'live', 'rampdown', 'complete'];
  const app = { token: sessionStorage.getItem(TOKEN_KEY), viewer: null, snapshot: null, stream: null, retryMs: 1000, history: new Map() };

  // ---- small DOM helpers -------------------------------------------------------------------
  const byId = (id) => document.getElementById(id);
  /** h('td', { class: 'num', dataset: { x: 1 } }, 'text', child): children are text or nodes. */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
    return el;
  }
  const svg = (tag, attrs) => {
    const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
    return el;
  };
  const pct = (x) => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(x < 0.01 && x > 0 ? 2 : 1)} %`);
  const ms = (x) => (x === null || x === undefined ? '–' : `${x < 10 ? x.toFixed(1) : Math.round(x)} ms`);
  const when = (iso) => (iso ? new Date(iso).toLocaleString() : '–');
  const show = (v) => (v === undefined ? '(absent)' : typeof v === 'string' ? v : JSON.stringify(v, null, 1));
  const stageText = (state) => (state.rollout ? `${state.stage} + ${state.rollout.percent} % ${state.rollout.stage}` : state.stage);
  const routeHref = (name) => `#/route/${encodeURIComponent(name)}`;

  function toast(message, kind) {
    const t = byId('toast');
    t.textContent = message;
    t.className = `toast ${kind || ''}`;
    t.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { t.hidden = true; }, 8000);
  }

  function setStatus(text, kind) {
    const s = byId('status');
    s.textContent = text;
    s.className = `status ${kind || ''}`;
  }

  // ---- auth and the admin API ---------------------------------------------------------------
  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    app.token = null;
    app.viewer = null;
    app.snapshot = null;
    app.history.clear();
    if (app.stream) app.stream.abort();
    app.stream = null;
    byId('sign-out').hidden = true;
    byId('viewer').textContent = '';
    setStatus('signed out');
    showLogin(message || '');
  }

  function showLogin(message) {
    const main = byId('main');
    main.replaceChildren(loginForm);
    byId('login-error').textContent = message;
    byId('token').value = '';
    byId('token').focus();
  }

  /** Calls the admin API with the token; resolves the JSON answer or throws an Error with its message. */
  async function api(method, path, body) {
    const res = await fetch(path, {
      method, cache: 'no-store',
      headers: { authorization: `Bearer ${app.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const answer = await res.json().catch(() => ({}));
    if (res.status === 401) { signOut('The token was refused.'); throw new Error('the token was refused'); }
    if (!res.ok) throw new Error(answer.message || `${res.status} ${answer.error || res.statusText}`);
    return answer;
  }

  // ---- the live stream (fetch-based server-sent events, with the bearer header) ---------------
  async function connect() {
    if (!app.token) return;
    const controller = new AbortController();
    app.stream = controller;
    setStatus('connecting…');
    let res;
    try {
      res = await fetch('/console/events', { headers: { authorization: `Bearer ${app.token}`, accept: 'text/event-stream' }, cache: 'no-store', signal: controller.signal });
    } catch (err) {
      if (!controller.signal.aborted) reconnect(controller);
      return;
    }
    if (res.status === 401 || res.status === 403) {
      const answer = await res.json().catch(() => ({}));
      signOut(answer.message || 'The token was refused.');
      return;
    }
    if (!res.ok || !res.body) { reconnect(controller); return; }
    app.retryMs = 1000;
    setStatus('live', 'live');
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          onFrame(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch (err) {
      // aborted (sign-out) or the connection dropped
    }
    if (!controller.signal.aborted) reconnect(controller);
  }

  function reconnect(controller) {
    if (app.stream !== controller) return;
    setStatus('reconnecting…', 'warn');
    setTimeout(() => { if (app.stream === controller) connect(); }, app.retryMs);
    app.retryMs = Math.min(app.retryMs * 2, 30000);
  }

  function onFrame(frame) {
    let event = 'message';
    const data = [];
    for (const line of frame.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length === 0) return;
    const payload = JSON.parse(data.join('\n'));
    if (event === 'hello') {
      app.viewer = payload;
      byId('viewer').textContent = `${payload.name} (${payload.role})`;
      byId('sign-out').hidden = false;
    } else if (event === 'snapshot') {
      app.snapshot = payload;
      setStatus('live', 'live');
      render();
    } else if (event === 'problem') {
      setStatus(`stale: ${payload.message}`, 'warn');
    }
  }

  // ---- rendering ------------------------------------------------------------------------------
  function currentView() {
    const m = /^#\/route\/(.+)$/.exec(location.hash);
    return m ? { kind: 'route', name: decodeURIComponent(m[1]) } : { kind: 'list' };
  }

  /** Re-renders the main area, keeping open <details> and the focused control across snapshots. */
  function render() {
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
  async function refreshHistory(name) {
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

  // ---- stage changes (the same admin endpoints and gate as the CLI) -----------------------------
  function rollbackTarget(state) {
    if (!state.rollout) { const i = STAGES.indexOf(state.stage); return i > 0 ? STAGES[i - 1] : null; }
    return STAGES.indexOf(state.rollout.stage) > STAGES.indexOf(state.stage) ? state.stage : state.rollout.stage;
  }
  const leading = (state) => (state.rollout ? state.rollout.stage : state.stage);

  const change = { route: null, mode: null, gate: null, openerKey: undefined };

  function openChange(route, mode) {
    change.route = route;
    change.mode = mode;
    change.openerKey = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.key : undefined;
    const select = byId('change-stage');
    select.replaceChildren(...STAGES.map((s) => h('option', { value: s }, s)));
    select.value = mode === 'promote' ? route.gate.to : mode === 'rollback' ? rollbackTarget(route.state) : leading(route.state);
    byId('change-stage-row').hidden = mode !== 'set';
    byId('change-title').textContent = mode === 'promote' ? `Promote ${route.name}` : mode === 'rollback' ? `Roll back ${route.name}` : `Set the stage of ${route.name}`;
    byId('change-percent').value = '';
    byId('change-reason').value = '';
    byId('change-force').checked = false;
    byId('change-error').textContent = '';
    byId('change').showModal();
    updateChange();
    (mode === 'set' ? select : byId('change-reason')).focus();
  }

  /** Shows from → to and, when the move is forward, the gate's checks for it (GET /routes/:name/gate). */
  async function updateChange() {
    const route = change.route;
    const target = byId('change-stage').value;
    const from = route.state.stage;
    byId('change-what').textContent = `${route.name}: ${stageText(route.state)} → ${target}`;
    const box = byId('change-gate');
    change.gate = null;
    const forward = STAGES.indexOf(target) > STAGES.indexOf(from);
    const skips = Math.abs(STAGES.indexOf(target) - STAGES.indexOf(from)) > 1;
    box.replaceChildren(forward ? h('p', { class: 'muted' }, 'checking the gate…') : h('p', { class: 'muted' }, 'Going back is never gated.'));
    byId('change-force-row').hidden = !skips;
    refreshConfirm();
    if (!forward) return;
    try {
      const q = new URLSearchParams({ stage: from, target });
      const { result } = await api('GET', `/routes/${encodeURIComponent(route.name)}/gate?${q}`);
      if (byId('change-stage').value !== target) return;
      change.gate = result;
      box.replaceChildren(h('p', { class: `gate ${result.pass ? 'pass' : 'fail'}` }, h('strong', {}, `gate ${result.from} → ${result.to}: ${result.pass ? 'passes' : 'refuses'}`)),
        h('ul', {}, result.checks.map((c) => h('li', { class: c.status }, h('b', {}, `${c.pass ? '✓' : '✗'} ${c.name}`), ` ${c.figures} — ${c.message}`))));
      byId('change-force-row').hidden = result.pass && !skips;
    } catch (err) {
      box.replaceChildren(h('p', { class: 'error' }, `The gate could not be checked: ${err.message}`));
    }
    refreshConfirm();
  }

  function refreshConfirm() {
    const refused = change.gate && !change.gate.pass;
    byId('change-confirm').disabled = Boolean(refused && !byId('change-force').checked);
    byId('change-confirm').textContent = refused && byId('change-force').checked ? 'Force the change' : 'Confirm';
  }

  async function submitChange(ev) {
    ev.preventDefault();
    const route = change.route;
    const stage = byId('change-stage').value;
    const reason = byId('change-reason').value.trim();
    if (!reason) { byId('change-error').textContent = 'Give a reason: it goes to the audit log.'; byId('change-reason').focus(); return; }
    const percentText = byId('change-percent').value.trim();
    const body = { stage, reason, force: byId('change-force').checked || undefined, details: { via: 'console', ...(change.gate ? { gate: change.gate } : {}) } };
    if (percentText !== '') body.percent = Number(percentText);
    try {
      const done = await api('PUT', `/routes/${encodeURIComponent(route.name)}`, body);
      byId('change').close();
      toast(`${done.route}: ${done.from} → ${done.to}${done.percent !== null && done.percent !== undefined ? ` (${done.percent} %)` : ''}, recorded as ${done.audit.actor}`, 'ok');
      refreshHistory(route.name);
    } catch (err) {
      byId('change-error').textContent = err.message;
    }
  }

  function openIgnore(route, field) {
    change.route = route;
    change.openerKey = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.key : undefined;
    byId('ignore-what').textContent = `Route ${route.name}. The rule re-classifies past comparisons too.`;
    byId('ignore-path').value = field;
    byId('ignore-reason').value = '';
    byId('ignore-error').textContent = '';
    byId('ignore').showModal();
    byId(field ? 'ignore-reason' : 'ignore-path').focus();
  }

  async function submitIgnore(ev) {
    ev.preventDefault();
    const path = byId('ignore-path').value.trim();
    const reason = byId('ignore-reason').value.trim();
    if (!path || !reason) { byId('ignore-error').textContent = 'Give the path and a reason.'; return; }
    try {
      const rule = await api('POST', `/routes/${encodeURIComponent(change.route.name)}/ignore`, { path, reason });
      byId('ignore').close();
      toast(`ignore rule ${rule.path} added on ${rule.route} by ${rule.actor}`, 'ok');
    } catch (err) {
      byId('ignore-error').textContent = err.message;
    }
  }

  // ---- wiring -------------------------------------------------------------------------------------
  const loginForm = byId('login');
  loginForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const value = byId('token').value.trim();
    if (!value) return;
    app.token = value;
    sessionStorage.setItem(TOKEN_KEY, value);
    byId('main').replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
    connect();
  });
  byId('sign-out').addEventListener('click', () => signOut(''));
  byId('change-form').addEventListener('submit', submitChange);
  byId('change-stage').addEventListener('change', updateChange);
  byId('change-force').addEventListener('change', refreshConfirm);
  byId('change-cancel').addEventListener('click', () => byId('change').close());
  byId('ignore-form').addEventListener('submit', submitIgnore);
  byId('ignore-cancel').addEventListener('click', () => byId('ignore').close());
  // Back to the button that opened the dialog (found again by key: a snapshot may have re-rendered it).
  for (const id of ['change', 'ignore']) {
    byId(id).addEventListener('close', () => {
      const again = [...byId('main').querySelectorAll('[data-key]')].find((e) => e.dataset.key === change.openerKey);
      if (again) again.focus();
    });
  }
  window.addEventListener('hashchange', () => { render(); byId('main').focus(); });

  if (app.token) { byId('main').replaceChildren(h('p', { class: 'muted' }, 'Loading…')); connect(); } else showLogin('');
})();
