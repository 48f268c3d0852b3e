// Serves a folder over HTTP on loopback and opens one of its pages in headless Chromium (driven by playwright-core):
//
//   node browser.mjs --node-modules <dir holding playwright-core> --chromium <executable> --root <folder>
//                    --page <path and query under the root> --profile <empty folder for the browser's profile>
//
// The page sets `window.hetuDone` to a promise of what it observed; this prints that as one JSON line. A page error,
// a rejected promise or a console error prints {"fail": ...} and exits 1. Waits have a hang guard only.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { args, loadPlaywright } from './common.mjs';

const HANG_GUARD_MS = 60_000;
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.jslib': 'text/plain' };
const { 'node-modules': nodeModules, chromium: executablePath, root, page: pagePath, profile } = args();

const server = createServer((request, response) => {
  const path = normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname));
  const file = join(root, path.endsWith('/') ? join(path, 'index.html') : path);
  if (!file.startsWith(root) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(response);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

const { chromium } = loadPlaywright(nodeModules);
const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run'],
});
const problems = [];
let outcome;
try {
  const page = await context.newPage();
  // A page error ends the wait at once: the page will not finish.
  const pageFailed = new Promise((_, reject) => page.on('pageerror', (error) => reject(new Error(`page error: ${error.message}`))));
  page.on('console', (message) => message.type() === 'error'
    && problems.push(`console error: ${message.text()} (${message.location().url})`));
  const response = await page.goto(`http://127.0.0.1:${server.address().port}/${pagePath}`);
  if (response?.status() !== 200) {
    throw new Error(`GET /${pagePath} answered ${response?.status()}`);
  }
  await Promise.race([page.waitForFunction(() => window.hetuDone !== undefined, null, { timeout: HANG_GUARD_MS }),
    pageFailed]);
  outcome = await Promise.race([pageFailed, page.evaluate((guardMs) => Promise.race([window.hetuDone,
    new Promise((_, reject) => setTimeout(() => reject(new Error('the page did not finish')), guardMs))]), HANG_GUARD_MS)]);
} catch (error) {
  problems.push(String(error?.stack ?? error));
} finally {
  await context.close();
  server.close();
}
if (problems.length > 0) {
  process.stdout.write(JSON.stringify({ fail: problems }) + '\n');
  process.exit(1);
}
process.stdout.write(JSON.stringify(outcome) + '\n');
