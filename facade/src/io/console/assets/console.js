// The Strangler console (plain browser JavaScript modules, no library, nothing fetched from
// elsewhere): wires the page's forms and buttons. See docs/reference/console.md.
import { TOKEN_KEY, app, byId, h } from './dom.js';
import { connect, showLogin, signOut } from './session.js';
import { render } from './views.js';
import { change, refreshConfirm, submitChange, submitIgnore, updateChange } from './dialogs.js';

// ---- wiring -------------------------------------------------------------------------------------
byId('login').addEventListener('submit', (ev) => {
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
