// Audit log: who did what, when, with which outcome (GET /api/audit), newest first.
import { call, query } from './api.js';
import { failed, start } from './layout.js';
import { byId, el, rows, time } from './dom.js';

async function refresh() {
  const form = byId('audit-filter');
  const list = await call('GET', '/api/audit' + query({ action: form.elements.action.value.trim(),
    limit: form.elements.limit.value }));
  rows('audit', list.entries.map((e) => el('tr', { dataset: { action: e.action || '', subject: e.subject || '' } },
    el('td', {}, String(e.seq)), el('td', {}, time(e.at)), el('td', {}, e.action), el('td', {}, e.by),
    el('td', {}, e.subject || ''), el('td', {}, e.outcome || ''),
    el('td', { class: 'details' }, e.details ? JSON.stringify(e.details) : ''))));
}

start(async () => {
  byId('audit-filter').addEventListener('change', () => refresh().catch(failed));
  byId('audit-filter').addEventListener('submit', (event) => event.preventDefault());
}, refresh);
