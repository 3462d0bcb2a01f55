// Console, the session: the token (sessionStorage, sent only as a bearer header), admin API calls,
// and the live stream read with fetch (server-sent events with the header: no token in a URL).
import { TOKEN_KEY, app, byId, setStatus } from './dom.js';
import { render } from './views.js';

const loginForm = byId('login'); // kept: the form is taken out of the page while signed in

// ---- auth and the admin API ---------------------------------------------------------------
export function signOut(message) {
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

export function showLogin(message) {
  const main = byId('main');
  main.replaceChildren(loginForm);
  byId('login-error').textContent = message;
  byId('token').value = '';
  byId('token').focus();
}

/** Calls the admin API with the token; resolves the JSON answer or throws an Error with its message. */
export async function api(method, path, body) {
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
export async function connect() {
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
