// Console, the changes: stage change (promote, roll back, set) and ignore-rule dialogs, each with a
// reason and a confirmation, through the admin API's own endpoints and the same gate as the CLI.
import { STAGES, app, byId, h, stageText, toast } from './dom.js';
import { api } from './session.js';
import { refreshHistory } from './views.js';

// ---- stage changes (the same admin endpoints and gate as the CLI) -----------------------------
export function rollbackTarget(state) {
  if (!state.rollout) { const i = STAGES.indexOf(state.stage); return i > 0 ? STAGES[i - 1] : null; }
  return STAGES.indexOf(state.rollout.stage) > STAGES.indexOf(state.stage) ? state.stage : state.rollout.stage;
}
const leading = (state) => (state.rollout ? state.rollout.stage : state.stage);

export const change = { route: null, mode: null, gate: null, openerKey: undefined };

export function openChange(route, mode) {
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
export async function updateChange() {
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

export function refreshConfirm() {
  const refused = change.gate && !change.gate.pass;
  byId('change-confirm').disabled = Boolean(refused && !byId('change-force').checked);
  byId('change-confirm').textContent = refused && byId('change-force').checked ? 'Force the change' : 'Confirm';
}

export async function submitChange(ev) {
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

export function openIgnore(route, field) {
  change.route = route;
  change.openerKey = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.key : undefined;
  byId('ignore-what').textContent = `Route ${route.name}. The rule re-classifies past comparisons too.`;
  byId('ignore-path').value = field;
  byId('ignore-reason').value = '';
  byId('ignore-error').textContent = '';
  byId('ignore').showModal();
  byId(field ? 'ignore-reason' : 'ignore-path').focus();
}

export async function submitIgnore(ev) {
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
