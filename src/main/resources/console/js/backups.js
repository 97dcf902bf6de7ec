// Backups: every backup with filters (GET /api/backups), one backup's record and manifest
// (GET /api/backups/{id}, /manifest); an operator starts a backup (POST /api/backups) and verifies one
// (POST /api/backups/{id}/verify).
import { call, query } from './api.js';
import { allows, failed, notice, start } from './layout.js';
import { badge, byId, bytes, el, json, rows, time } from './dom.js';

let me;
let selected = null;

function filter() {
  const form = byId('backup-filter');
  return {
    store: form.elements.store.value, region: form.elements.region.value,
    type: form.elements.type.value, status: form.elements.status.value,
  };
}

async function show(id) {
  selected = id;
  byId('backup-details').hidden = false;
  byId('backup-id').textContent = id;
  byId('verify-result').textContent = '';
  const record = await call('GET', '/api/backups/' + encodeURIComponent(id));
  let manifest = null;
  if (record.status === 'completed') {
    manifest = await call('GET', '/api/backups/' + encodeURIComponent(id) + '/manifest');
  }
  byId('backup-manifest').textContent = json({ record, manifest });
  const actions = [];
  if (allows(me, 'operator') && record.status === 'completed') {
    for (const level of ['quick', 'full']) {
      actions.push(el('button', { type: 'button', class: 'verify', dataset: { level },
        onclick: () => verify(id, level) }, 'Verify (' + level + ')'));
    }
  }
  byId('verify-actions').replaceChildren(...actions);
}

async function verify(id, level) {
  const line = byId('verify-result');
  line.textContent = 'verifying (' + level + ') ...';
  try {
    const result = await call('POST', '/api/backups/' + encodeURIComponent(id) + '/verify', { level });
    line.replaceChildren(badge(result.passed ? 'passed' : 'failed'), ' ' + result.level + ': ',
      result.passed ? (result.checks || []).join('; ') : result.failure);
    line.dataset.passed = String(result.passed);
  } catch (error) {
    line.textContent = '';
    failed(error);
  }
}

async function refresh() {
  const f = filter();
  const list = await call('GET', '/api/backups' + query({ store: f.store, region: f.region }));
  const shown = list.backups.filter((b) => (!f.type || b.type === f.type) && (!f.status || b.status === f.status));
  rows('backups', shown.map((b) => el('tr', { dataset: { id: b.id, status: b.status, store: b.store }, class: 'pick',
    onclick: () => show(b.id).catch(failed) },
  el('td', {}, el('a', { href: '#' + b.id }, b.id)), el('td', {}, b.type), el('td', {}, b.store), el('td', {}, b.region),
  el('td', {}, badge(b.status)), el('td', {}, time(b.startedAt)), el('td', {}, bytes(b.size)),
  el('td', {}, b.items === null ? '—' : String(b.items)), el('td', {}, b.verification || b.error || ''))));
  const unreachable = Object.entries(list.unreachableRegions || {});
  byId('unreachable').textContent = unreachable.map(([region, why]) => region + ' unreachable: ' + why).join('; ');
}

async function startBackup(event) {
  event.preventDefault();
  const form = byId('backup-form');
  try {
    const accepted = await call('POST', '/api/backups', {
      type: form.elements.type.value, store: form.elements.store.value, region: form.elements.region.value,
    });
    byId('backup-started').textContent = 'started ' + accepted.id;
    byId('backup-started').dataset.id = accepted.id;
    notice('');
    await refresh();
  } catch (error) {
    failed(error);
  }
}

start(async (caller) => {
  me = caller;
  const status = await call('GET', '/api/status');
  const regions = (status.regions || []).map((r) => r.region);
  byId('backup-filter').elements.region.append(...regions.map((r) => el('option', {}, r)));
  byId('backup-filter').addEventListener('change', () => refresh().catch(failed));
  if (allows(me, 'operator')) {
    const region = byId('backup-form').elements.region;
    region.append(...regions.map((r) => el('option', { selected: r === status.system.activeRegion }, r)));
    byId('backup-form').addEventListener('submit', startBackup);
    byId('start-backup-button').disabled = false;
  }
  const linked = location.hash.substring(1);
  if (linked) {
    await show(linked).catch(failed);
  }
}, async () => {
  await refresh();
  if (selected && byId('backup-manifest').textContent.includes('"status": "running"')) {
    await show(selected);
  }
});
