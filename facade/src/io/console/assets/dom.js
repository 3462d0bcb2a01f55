// Console, shared bits: the page's state, DOM builders and formatters, the status line and toasts.
// Every value from the server goes through textContent (h() never parses markup).
export const TOKEN_KEY = 'strangler.console.token';
export const STAGES = ['off', 'dualwrite', 'shadow', 'live', 'rampdown', 'complete'];
export const app = { token: sessionStorage.getItem(TOKEN_KEY), viewer: null, snapshot: null, stream: null, retryMs: 1000, history: new Map() };

// ---- small DOM helpers -------------------------------------------------------------------
export const byId = (id) => document.getElementById(id);
/** h('td', { class: 'num', dataset: { x: 1 } }, 'text', child): children are text or nodes. */
export function h(tag, attrs, ...children) {
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
export const svg = (tag, attrs) => {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  return el;
};
export const pct = (x) => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(x < 0.01 && x > 0 ? 2 : 1)} %`);
export const ms = (x) => (x === null || x === undefined ? '–' : `${x < 10 ? x.toFixed(1) : Math.round(x)} ms`);
export const when = (iso) => (iso ? new Date(iso).toLocaleString() : '–');
export const show = (v) => (v === undefined ? '(absent)' : typeof v === 'string' ? v : JSON.stringify(v, null, 1));
export const stageText = (state) => (state.rollout ? `${state.stage} + ${state.rollout.percent} % ${state.rollout.stage}` : state.stage);
export const routeHref = (name) => `#/route/${encodeURIComponent(name)}`;

export function toast(message, kind) {
  const t = byId('toast');
  t.textContent = message;
  t.className = `toast ${kind || ''}`;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 8000);
}

export function setStatus(text, kind) {
  const s = byId('status');
  s.textContent = text;
  s.className = `status ${kind || ''}`;
}
