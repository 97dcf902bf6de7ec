// Failovers and drills: the active region, failover history (GET /api/failovers) and drill results
// (GET /api/tests); an operator runs drills (POST /api/tests); an admin starts a failover (POST /api/failovers)
// only after typing the target region's name.
import { call } from './api.js';
import { allows, failed, notice, start } from './layout.js';
import { badge, byId, el, facts, rows, time } from './dom.js';

function confirmed() {
  const target = byId('failover-target').value;
  return target !== '' && byId('failover-confirm').value === target && byId('failover-reason').value.trim() !== '';
}

async function failover(event) {
  event.preventDefault();
  if (!confirmed()) {
    return;
  }
  const line = byId('failover-result');
  try {
    const record = await call('POST', '/api/failovers', {
      target: byId('failover-target').value, reason: byId('failover-reason').value.trim(),
    });
    line.textContent = 'failover ' + record.id + ' ' + record.state;
    byId('failover-confirm').value = '';
    byId('failover-button').disabled = true;
    notice('');
    await refresh();
  } catch (error) {
    failed(error);
  }
}

async function drill(event) {
  event.preventDefault();
  const type = byId('drill-form').elements.type.value;
  try {
    const accepted = await call('POST', '/api/tests', type ? { type } : {});
    byId('drill-result').textContent = 'started ' + accepted.tests.map((t) => t.type + ' ' + t.id).join(', ');
    notice('');
    await refresh();
  } catch (error) {
    failed(error);
  }
}

async function refresh() {
  const [status, failovers, tests] = await Promise.all([call('GET', '/api/status'), call('GET', '/api/failovers'),
    call('GET', '/api/tests')]);
  const system = status.system;
  facts('active', [['Active region', system.activeRegion], ['Since', time(system.activeSince)],
    ['Made active by', system.failoverId], ['Automatic failover', status.autoFailover
      ? (status.autoFailover.enabled ? 'on' : 'off') + (status.autoFailover.action ? ', ' + status.autoFailover.action : '') : null]]);
  const target = byId('failover-target');
  if (target) {
    const others = (status.regions || []).map((r) => r.region).filter((r) => r !== system.activeRegion);
    const current = [...target.options].map((o) => o.value);
    if (current.join() !== others.join()) {
      target.replaceChildren(...others.map((r) => el('option', {}, r)));
    }
  }
  rows('failovers', failovers.failovers.map((f) => el('tr', { dataset: { id: f.id, state: f.state } },
    el('td', {}, f.id), el('td', {}, badge(f.state)), el('td', {}, f.plan ? f.plan.source : '—'),
    el('td', {}, f.request.target), el('td', {}, f.request.reason), el('td', {}, f.request.by),
    el('td', {}, time(f.startedAt)), el('td', {}, time(f.finishedAt)), el('td', {}, f.error || ''))));
  rows('drills', tests.tests.map((t) => el('tr', { dataset: { id: t.id, status: t.status } },
    el('td', {}, t.id), el('td', {}, t.type), el('td', {}, badge(t.status)),
    el('td', {}, t.endedAt ? badge(t.passed ? 'passed' : 'failed') : '—'), el('td', {}, t.by || ''),
    el('td', {}, time(t.startedAt)), el('td', {}, time(t.endedAt)), el('td', {}, t.failure || ''))));
}

start(async (me) => {
  if (allows(me, 'admin')) {
    for (const id of ['failover-target', 'failover-confirm', 'failover-reason']) {
      byId(id).addEventListener('input', () => { byId('failover-button').disabled = !confirmed(); });
    }
    byId('failover-form').addEventListener('submit', failover);
  }
  if (allows(me, 'operator')) {
    byId('drill-form').addEventListener('submit', drill);
    byId('drill-button').disabled = false;
  }
}, refresh);
