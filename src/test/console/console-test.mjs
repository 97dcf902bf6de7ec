// Browser tests of the web console, run by ConsoleBrowserIT against a running dr server with real stores.
// Drives the system's Chromium (never a downloaded browser) through playwright-core. Input from the environment:
//   CONSOLE_URL       the console's address, e.g. http://127.0.0.1:8080/console/
//   OPERATOR_TOKEN, VIEWER_TOKEN, ADMIN_TOKEN   bearer tokens of those roles
//   CONFLICT_ID       an open conflict the test created, to resolve with an edited record
//   ACTIVE_REGION     the region whose stores must all be healthy
//   CHROMIUM          the browser executable (default /usr/bin/chromium)
//   USER_DATA_DIR     a fresh, empty profile directory
//   RESULT_FILE       where to write the JSON result
// Exit status 0 only when every scenario passed; the result names each scenario's outcome and what it saw.
import { chromium } from 'playwright-core';
import { writeFileSync } from 'node:fs';

const env = (name) => {
  const value = process.env[name];
  if (!value) {
    throw new Error(name + ' is not set');
  }
  return value;
};
const CONSOLE = env('CONSOLE_URL');
const ACTIVE = env('ACTIVE_REGION');
const STORES = ['mongodb', 'redis', 'influxdb'];
const result = { scenarios: {} };
const problems = [];

async function scenario(name, context, run) {
  const page = await context.newPage();
  page.setDefaultTimeout(30000);
  const errors = [];
  page.on('pageerror', (error) => errors.push('page error: ' + error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of (401|403|404|409)/.test(message.text())) {
      errors.push('console error: ' + message.text());
    }
  });
  const seen = {};
  try {
    await run(page, seen);
    if (errors.length) {
      throw new Error(errors.join('; '));
    }
    result.scenarios[name] = { ok: true, ...seen };
  } catch (error) {
    result.scenarios[name] = { ok: false, error: String(error && error.stack || error), ...seen };
    problems.push(name);
  } finally {
    await page.close();
  }
}

async function signIn(page, token, seen) {
  const first = await page.goto(CONSOLE);
  seen.csp = first.headers()['content-security-policy'] || null;
  await page.waitForURL(/login\.html$/);
  await page.fill('#token', token);
  await page.click('#sign-in');
  await page.waitForURL(/index\.html$/);
  await page.waitForSelector('#who:not(:empty)');
  seen.who = await page.textContent('#who');
}

/** Opens a console page and waits until it has shown its first data (its actions are wired by then). */
async function open(page, file) {
  await page.goto(new URL(file, CONSOLE).href);
  await page.waitForSelector('#updated[data-at]', { state: 'attached' });
}

async function healthyStores(page) {
  const selector = STORES.map((s) => `#stores tr[data-region="${ACTIVE}"][data-component="${s}"][data-health="healthy"]`).join(', ');
  await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 3, selector, { timeout: 60000 });
  return page.$$eval(selector, (rows) => rows.map((r) => r.dataset.component).sort());
}

const browser = await chromium.launchPersistentContext(env('USER_DATA_DIR'), {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

try {
  await scenario('operatorOverview', browser, async (page, seen) => {
    await signIn(page, env('OPERATOR_TOKEN'), seen);
    seen.healthyStores = await healthyStores(page);
    await open(page, 'replication.html');
    await page.waitForSelector('#replication-stores tbody tr');
    seen.replicatedStores = await page.$$eval('#replication-stores tbody tr', (rows) => rows.map((r) => r.dataset.store).sort());
    await page.waitForSelector('#lag-legend li:not([data-samples="0"])', { timeout: 30000 });
    seen.lagLines = await page.$$eval('#lag-chart svg polyline, #lag-chart svg circle', (lines) => lines.length);
  });

  await scenario('operatorBackup', browser, async (page, seen) => {
    await signIn(page, env('OPERATOR_TOKEN'), seen);
    await open(page, 'backups.html');
    await page.selectOption('#backup-form select[name="store"]', 'redis');
    await page.selectOption('#backup-form select[name="type"]', 'full');
    await page.click('#start-backup-button');
    await page.waitForSelector('#backup-started[data-id]');
    const id = await page.getAttribute('#backup-started', 'data-id');
    seen.backupId = id;
    await page.waitForSelector(`#backups tr[data-id="${id}"][data-status="completed"]`, { timeout: 120000 });
    await page.click(`#backups tr[data-id="${id}"]`);
    await page.waitForFunction(() => document.getElementById('backup-manifest').textContent.includes('"sections"'));
    seen.manifestShown = true;
    await page.click('#verify-actions button[data-level="quick"]');
    await page.waitForSelector('#verify-result[data-passed]', { timeout: 60000 });
    seen.verifyPassed = (await page.getAttribute('#verify-result', 'data-passed')) === 'true';
  });

  await scenario('operatorResolvesConflict', browser, async (page, seen) => {
    const id = env('CONFLICT_ID');
    await signIn(page, env('OPERATOR_TOKEN'), seen);
    await open(page, 'conflicts.html');
    await page.click(`#conflicts tr[data-id="${id}"]`);
    await page.waitForSelector(`#conflict-details[data-id="${id}"]`);
    seen.sourceVersion = JSON.parse((await page.textContent('#source-version')).split('\n\n')[0]);
    seen.targetVersion = JSON.parse((await page.textContent('#target-version')).split('\n\n')[0]);
    seen.choices = await page.$$eval('#resolve-actions button', (buttons) => buttons.map((b) => b.id));
    await page.fill('#edited-json', JSON.stringify({ _id: 'a', v: 'edited in the console' }));
    await page.click('#resolve-edited');
    await page.waitForSelector('#resolve-result[data-decision]');
    seen.decision = await page.getAttribute('#resolve-result', 'data-decision');
    await open(page, 'audit.html');
    await page.waitForSelector(`#audit tr[data-action="conflict-resolved"][data-subject="${id}"]`);
    seen.audited = true;
  });

  await scenario('viewerSeesNoActions', browser, async (page, seen) => {
    await signIn(page, env('VIEWER_TOKEN'), seen);
    seen.healthyStores = await healthyStores(page);
    const buttons = {};
    await open(page, 'backups.html');
    await page.click('#backups tbody tr');
    await page.waitForFunction(() => document.getElementById('backup-manifest').textContent.length > 0);
    buttons['backups.html'] = await page.$$eval('main button', (list) => list.map((b) => b.id || b.textContent));
    await open(page, 'conflicts.html');
    await page.selectOption('#conflict-filter select[name="status"]', 'all');
    await page.click(`#conflicts tr[data-id="${env('CONFLICT_ID')}"]`);
    await page.waitForSelector('#conflict-details[data-id]');
    buttons['conflicts.html'] = await page.$$eval('main button', (list) => list.map((b) => b.id || b.textContent));
    for (const file of ['failovers.html', 'replication.html']) {
      await open(page, file);
      buttons[file] = await page.$$eval('main button', (list) => list.map((b) => b.id || b.textContent));
    }
    seen.replicationRows = await page.$$eval('#replication-stores tbody tr', (rows) => rows.length);
    seen.buttons = buttons;
    seen.forcedBackup = await page.evaluate(async () => {
      const response = await fetch('/api/backups', { method: 'POST', headers: {
        Authorization: 'Bearer ' + sessionStorage.getItem('devflow-dr.token'), 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'full', store: 'redis' }) });
      return { status: response.status, body: await response.json() };
    });
  });

  await scenario('adminFailoverNeedsTheTypedRegion', browser, async (page, seen) => {
    await signIn(page, env('ADMIN_TOKEN'), seen);
    await open(page, 'failovers.html');
    await page.waitForSelector('#failover-target option', { state: 'attached' });
    const target = await page.inputValue('#failover-target');
    seen.target = target;
    await page.fill('#failover-reason', 'console test');
    await page.fill('#failover-confirm', target + 'x');
    seen.enabledWithWrongName = await page.isEnabled('#failover-button');
    await page.fill('#failover-confirm', target);
    seen.enabledWithTypedName = await page.isEnabled('#failover-button');
    seen.drillButton = await page.$('#drill-button') !== null;
  });
} finally {
  await browser.close();
  result.failed = problems;
  writeFileSync(env('RESULT_FILE'), JSON.stringify(result, null, 2));
}
process.exit(problems.length ? 1 : 0);
