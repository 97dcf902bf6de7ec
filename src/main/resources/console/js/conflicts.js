// Conflicts: the list (GET /api/conflicts), one conflict's source and target versions side by side
// (GET /api/conflicts/{id}); an operator resolves it with the source's version, the target's, or an edited
// record (POST /api/conflicts/{id}/resolve).
import { call, query } from './api.js';
import { allows, failed, notice, start } from './layout.js';
import { badge, byId, el, json, rows, time } from './dom.js';

let me;

function version(v) {
  if (!v) {
    return '';
  }
  return v.exists ? json(v.content) + '\n\nchanged ' + time(v.changedAt) : '(deleted ' + time(v.changedAt) + ')';
}

async function resolve(id, resolution) {
  try {
    const resolved = await call('POST', '/api/conflicts/' + encodeURIComponent(id) + '/resolve', { resolution });
    const line = byId('resolve-result');
    line.textContent = 'resolved: ' + resolved.decision + ' by ' + resolved.resolvedBy;
    line.dataset.decision = resolved.decision;
    notice('');
    await show(id);
    await refresh();
  } catch (error) {
    failed(error);
  }
}

function editedResolution(id) {
  const text = byId('edited-json').value;
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    notice('The edited record is not valid JSON: ' + e.message);
    return;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    notice('The edited record must be a JSON object.');
    return;
  }
  resolve(id, parsed);
}

async function show(id) {
  const conflict = await call('GET', '/api/conflicts/' + encodeURIComponent(id));
  byId('conflict-details').hidden = false;
  byId('conflict-details').dataset.id = id;
  byId('conflict-id').textContent = id;
  byId('conflict-reason').textContent = conflict.store + ' ' + conflict.record.database + '.' + conflict.record.collection
    + ' ' + conflict.record.key + ': ' + (conflict.reason || '') + (conflict.laterSourceVersions
    ? ' (' + conflict.laterSourceVersions + ' later source changes held)' : '');
  byId('source-region').textContent = conflict.source;
  byId('target-region').textContent = conflict.target;
  byId('source-version').textContent = version(conflict.sourceVersion);
  byId('target-version').textContent = version(conflict.targetVersion);
  const actions = [];
  if (conflict.status === 'open' && allows(me, 'operator')) {
    const base = conflict.sourceVersion && conflict.sourceVersion.exists ? conflict.sourceVersion.content
      : conflict.targetVersion && conflict.targetVersion.content;
    actions.push(
      el('div', { class: 'inline' },
        el('button', { type: 'button', id: 'keep-source', onclick: () => resolve(id, 'source') }, 'Keep the source version'),
        el('button', { type: 'button', id: 'keep-target', onclick: () => resolve(id, 'target') }, 'Keep the target version')),
      el('label', { class: 'block' }, 'Or resolve with an edited record (JSON):',
        el('textarea', { id: 'edited-json', rows: 8, spellcheck: 'false' }, json(base ?? {}))),
      el('button', { type: 'button', id: 'resolve-edited', onclick: () => editedResolution(id) }, 'Resolve with the edited record'));
  } else if (conflict.status !== 'open') {
    actions.push(el('p', {}, 'Resolved ', badge(conflict.decision), ' by ' + conflict.resolvedBy + ' at ' + time(conflict.resolvedAt)));
  }
  byId('resolve-actions').replaceChildren(...actions);
}

async function refresh() {
  const status = byId('conflict-filter').elements.status.value;
  const list = await call('GET', '/api/conflicts' + query({ status }));
  rows('conflicts', list.conflicts.map((c) => el('tr', { dataset: { id: c.id, status: c.status }, class: 'pick',
    onclick: () => { byId('resolve-result').textContent = ''; show(c.id).catch(failed); } },
  el('td', {}, el('a', { href: '#' + c.id }, c.id)), el('td', {}, c.store),
  el('td', {}, c.record.database + '.' + c.record.collection + ' ' + c.record.key),
  el('td', {}, c.source + ' → ' + c.target), el('td', {}, badge(c.status)), el('td', {}, badge(c.decision)),
  el('td', {}, time(c.detectedAt)))));
}

start(async (caller) => {
  me = caller;
  byId('conflict-filter').addEventListener('change', () => refresh().catch(failed));
  const linked = location.hash.substring(1);
  if (linked) {
    await show(linked).catch(failed);
  }
}, refresh);
