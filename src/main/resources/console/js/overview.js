// Overview: the active region, each region's stores and their health, and the measured RPO and RTO against
// their targets, from GET /api/status.
import { call } from './api.js';
import { start } from './layout.js';
import { badge, byId, el, facts, rows, seconds, time } from './dom.js';

function met(value) {
  return badge(value === null || value === undefined ? 'unknown' : value ? 'met' : 'missed');
}

async function refresh() {
  const status = await call('GET', '/api/status');
  const system = status.system;
  facts('system', [
    ['Active region', system.activeRegion],
    ['Primary region', system.primaryRegion],
    ['Health', badge(system.health)],
    ['This server', status.leadership ? badge(status.leadership.role || 'cli') : null],
    ['Replication', status.replication ? status.replication.state : null],
    ['Open conflicts', status.conflicts ? String(status.conflicts.open) : null],
    ['Last health check', time(system.lastHealthCheck)],
    ['Last backup', time(system.lastBackup)],
  ]);
  byId('problems').replaceChildren(...(system.problems || []).map((p) => el('li', {}, p)));
  const stores = [];
  for (const region of status.regions || []) {
    for (const check of region.checks) {
      stores.push(el('tr', { dataset: { region: region.region, component: check.component, health: check.ok ? 'healthy' : 'down' } },
        el('td', {}, region.region), el('td', {}, (system.roles || {})[region.region] || region.role),
        el('td', {}, check.component), el('td', {}, badge(check.ok)), el('td', {}, check.latencyMs + ' ms'),
        el('td', {}, check.error || '')));
    }
  }
  rows('stores', stores);
  rows('objectives', (status.objectives || []).map((o) => el('tr', { dataset: { store: o.store } },
    el('td', {}, o.store), el('td', {}, seconds(o.rpoTargetSeconds)), el('td', {}, seconds(o.rpoMeasuredSeconds)),
    el('td', {}, met(o.rpoMet)), el('td', {}, seconds(o.rtoTargetSeconds)), el('td', {}, seconds(o.rtoMeasuredSeconds)),
    el('td', {}, met(o.rtoMeasuredSeconds === null ? null : o.rtoMet)))));
}

start(async () => {}, refresh);
