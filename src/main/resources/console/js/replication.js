// Replication: each store's lag over the last hour (GET /api/replication/lag), and per target region and store
// the phase, health, lag and backlog of GET /api/status; an operator starts and stops a store's replication.
import { call } from './api.js';
import { allows, failed, notice, start } from './layout.js';
import { badge, byId, el, facts, rows, seconds } from './dom.js';
import { lagChart } from './chart.js';

let me;

async function change(store, running) {
  try {
    await call('POST', '/api/replication/' + (running ? 'start' : 'stop'), { store });
    notice('');
    await refresh();
  } catch (error) {
    failed(error);
  }
}

function actions(store) {
  if (!allows(me, 'operator')) {
    return '';
  }
  return store.running
    ? el('button', { type: 'button', class: 'stop', onclick: () => change(store.store, false) }, 'Stop')
    : el('button', { type: 'button', class: 'start', onclick: () => change(store.store, true) }, 'Start');
}

async function refresh() {
  const [status, lag] = await Promise.all([call('GET', '/api/status'), call('GET', '/api/replication/lag')]);
  const replication = status.replication || {};
  facts('replication-summary', [
    ['State', replication.state], ['Source', replication.source], ['Strategy', replication.strategy],
    ['Reported by', replication.reportedBy], ['Report age', seconds(replication.reportAgeSeconds)],
  ]);
  const list = [];
  for (const target of replication.targets || []) {
    for (const store of target.stores) {
      list.push(el('tr', { dataset: { target: target.region, store: store.store, health: store.health } },
        el('td', {}, target.region), el('td', {}, store.store), el('td', {}, badge(store.phase)),
        el('td', {}, badge(store.health)), el('td', {}, seconds(store.lagSeconds)), el('td', {}, String(store.backlog)),
        el('td', {}, String(store.applied)), el('td', {}, String(store.conflicts)),
        el('td', {}, store.lastError || store.warning || ''), el('td', {}, actions(store))));
    }
  }
  rows('replication-stores', list);
  const to = Date.now();
  const series = lag.series.map((s) => ({
    label: s.store + ' → ' + s.target,
    points: s.samples.map((p) => [Date.parse(p.at), p.lagSeconds]),
  }));
  const colours = lagChart(byId('lag-chart'), series, to - 3600 * 1000, to);
  byId('lag-legend').replaceChildren(...series.map((s, i) => el('li', { dataset: { samples: String(s.points.length) } },
    el('span', { class: 'swatch', style: null, dataset: { colour: colours[i] } }), s.label,
    ' (' + (s.points.length ? seconds(s.points[s.points.length - 1][1]) : 'no samples') + ')')));
  for (const swatch of byId('lag-legend').querySelectorAll('.swatch')) {
    swatch.style.backgroundColor = swatch.dataset.colour;
  }
}

start(async (caller) => {
  me = caller;
}, refresh);
