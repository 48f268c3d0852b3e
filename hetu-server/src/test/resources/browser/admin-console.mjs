// The admin console in real Chromium, driven by playwright-core, against a server the JUnit test runs:
//
//   HETU_ADMIN_SECRET=... node admin-console.mjs <node_modules holding playwright-core> <chromium> <http url>
//       <screenshot dir> <empty folder for the browser's profile>
//
// Logs in (a wrong secret first), sees the tables, browses servertest.Marker, tells the test it is browsing
// ({"event":"browsing"} on standard output) and waits for "changed" on standard input: by then a player's call
// changed owner 102's row, which must show its new value without a reload. Then it narrows the range with an
// operator, kicks the player's connection and waits until it is gone. Prints one JSON object per line; the last
// is {"event":"done"}, or {"event":"fail"} with exit code 1. Screenshots go to the screenshot dir.
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const [nodeModules, chromiumPath, base, screenshots, profile] = process.argv.slice(2);
const secret = process.env.HETU_ADMIN_SECRET;
const HANG_GUARD_MS = 30_000;
// Shared with the other browser tests: beside the test tools' node_modules.
const { CHROMIUM_ARGS, emit, failure, playwright } = await import(pathToFileURL(join(nodeModules, '..',
  'browser-run.mjs')).href);
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

let context;
const fail = failure(() => context);
// A fresh profile (user data dir) that the test made for this run.
context = await playwright(nodeModules).chromium.launchPersistentContext(profile, {
  executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 1400 },
});
const page = await context.newPage();
const problems = [];
page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
page.on('console', (message) => {
  // The wrong secret's 401 is logged by Chromium as a failed resource load: that one is expected.
  if (message.type() === 'error' && !message.text().includes('401')) {
    problems.push(`console error: ${message.text()}`);
  }
});
const wait = { timeout: HANG_GUARD_MS };

const response = await page.goto(`${base}/admin`);
if (response === null || response.status() !== 200 || !page.url().endsWith('/admin/')) {
  await fail(`GET /admin answered ${response?.status()} at ${page.url()}`);
}
await page.waitForSelector('body[data-state="login"] #secret', wait);
await page.fill('#secret', 'certainly not the secret');
await page.click('#login-form button');
await page.waitForFunction(() => document.querySelector('#login-error').textContent.includes('not the admin secret'),
  null, wait);
emit({ event: 'refused', text: await page.textContent('#login-error') });
await page.screenshot({ path: join(screenshots, 'admin-console-login.png') });

await page.fill('#secret', secret);
await page.click('#login-form button');
await page.waitForSelector('body[data-state="console"]', wait);
await page.waitForSelector('[data-table="servertest.Marker"]', wait);
const markerRows = await page.$eval('[data-table="servertest.Marker"]', (tr) => tr.cells[1].textContent);
emit({ event: 'tables', markerRows, charts: await page.$$eval('#charts svg', (all) => all.length) });

await page.click('[data-browse="servertest.Marker"]');
await page.waitForFunction(() => document.querySelectorAll('#rows tbody tr').length === 5, null, wait);
const cell = (owner) => page.$$eval('#rows tbody tr', (rows, wanted) => {
  const row = rows.find((tr) => tr.cells[1].textContent === wanted);
  return row === undefined ? null : { value: row.cells[2].textContent, version: row.dataset.version };
}, String(owner));
emit({ event: 'browsing', before: await cell(102), status: await page.textContent('#rows-status') });

const told = await lines.next();
if (told.value !== 'changed') {
  await fail(`expected "changed" on standard input, got ${JSON.stringify(told.value)}`);
}
await page.waitForFunction(() => [...document.querySelectorAll('#rows tbody tr')]
  .some((tr) => tr.cells[1].textContent === '102' && tr.cells[2].textContent === '999'), null, wait);
const after = await cell(102);
await page.screenshot({ path: join(screenshots, 'admin-console-live-row.png'), fullPage: true });

await page.selectOption('#operator', 'ge');
await page.fill('#value', '103');
await page.click('#browse button[type="submit"]');
await page.waitForFunction(() => document.querySelectorAll('#rows tbody tr').length === 2, null, wait);
const narrowed = await page.$$eval('#rows tbody tr', (rows) => rows.map((tr) => tr.cells[1].textContent));

const player = await page.waitForSelector('[data-connection] >> text=player', wait);
const kicked = await player.evaluate((td) => td.closest('tr').dataset.connection);
await page.click(`[data-kick="${kicked}"]`);
await page.waitForFunction((id) => document.querySelector(`[data-connection="${id}"]`) === null, kicked, wait);
const left = await page.$$eval('[data-connection]', (rows) => rows.map((tr) => tr.cells[2].textContent));
await page.screenshot({ path: join(screenshots, 'admin-console-after-kick.png'), fullPage: true });

emit({ event: 'done', after, narrowed, kicked: Number(kicked), left, problems });
await context.close();
process.exit(0);
