// What every console page shares: the header with its navigation, the sign-in check, who is signed in
// (GET /api/whoami), the notice line for errors, and polling: a page's refresh runs now and then every few seconds,
// so what it shows is never more than POLL_MS old.
import { call, token, signOut, ApiError } from './api.js';
import { byId, el } from './dom.js';

export const POLL_MS = 4000;
const RANKS = { viewer: 0, operator: 1, admin: 2 };
/** The console's pages, in the navigation's order: a new page is added here and nowhere else. */
const PAGES = [
  ['index.html', 'overview', 'Overview'],
  ['replication.html', 'replication', 'Replication'],
  ['backups.html', 'backups', 'Backups'],
  ['conflicts.html', 'conflicts', 'Conflicts'],
  ['failovers.html', 'failovers', 'Failovers and drills'],
  ['audit.html', 'audit', 'Audit log'],
];

/** Fills the page's empty header: the title, the navigation with the current page marked, the session. */
function header() {
  const current = document.body.dataset.page;
  const links = PAGES.map(([href, page, title]) =>
    el('a', { href, dataset: { page }, 'aria-current': page === current ? 'page' : null }, title));
  document.querySelector('header').replaceChildren(
    el('h1', {}, 'devflow-dr'),
    el('nav', {}, links),
    el('div', { class: 'session' }, el('span', { id: 'who' }), ' ',
      el('button', { type: 'button', id: 'sign-out' }, 'Sign out')));
}

/** Whether the signed-in role may do what the role {@code needed} may. */
export function allows(me, needed) {
  return (RANKS[me.role] ?? -1) >= RANKS[needed];
}

export function notice(message) {
  const line = byId('notice');
  line.textContent = message || '';
  line.hidden = !message;
}

/** Shows an error of an action or a refresh; a token the server no longer takes goes back to sign-in. */
export function failed(error) {
  if (error instanceof ApiError && error.status === 401) {
    signOut();
    location.replace('login.html');
    return;
  }
  notice(error.message);
}

/**
 * Starts a page: sends an operator without a token to sign in, shows who is signed in, keeps only the sections the
 * role may use, then runs {@code refresh(me)} now and every POLL_MS.
 */
export async function start(setup, refresh) {
  header();
  if (!token()) {
    location.replace('login.html');
    return;
  }
  let me;
  try {
    me = await call('GET', '/api/whoami');
  } catch (error) {
    failed(error);
    return;
  }
  byId('who').textContent = me.name + ' (' + me.role + ')';
  document.body.dataset.role = me.role;
  byId('sign-out').addEventListener('click', () => {
    signOut();
    location.replace('login.html');
  });
  // sections of actions the role may not take are removed, not merely hidden
  for (const [selector, needed] of [['.operator-only', 'operator'], ['.admin-only', 'admin']]) {
    for (const section of document.querySelectorAll(selector)) {
      if (allows(me, needed)) {
        section.hidden = false;
      } else {
        section.remove();
      }
    }
  }
  await setup(me);
  const tick = async () => {
    try {
      await refresh(me);
      byId('updated').textContent = 'updated ' + new Date().toISOString().substring(11, 19) + ' UTC';
      byId('updated').dataset.at = String(Date.now());
    } catch (error) {
      failed(error);
    } finally {
      setTimeout(tick, POLL_MS);
    }
  };
  await tick();
}
