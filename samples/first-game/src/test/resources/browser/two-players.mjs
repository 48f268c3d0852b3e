// Two players in real Chromium, driven by playwright-core, against a running first-game server:
//
//   node two-players.mjs <node_modules holding playwright-core> <chromium> <http url of the game> <screenshot dir>
//
// Player 101 and player 202 open the game in two browser contexts (two separate profiles, as two people on two
// machines would be); each page logs in with a token it fetches from the server's development login
// (/hetu/dev-token). Each must see the other's dot; 101 then walks right with the arrow key and down with S, and
// 202 must see the dot move there. Then 101's WebSocket (routed through this script) is cut: the page reconnects,
// fetches a fresh token, logs in again, and 202 sees 101 walk left. Prints one JSON object per line of what it
// observed; the last is {"event":"done", ...}. A failed check prints {"event":"fail"} and exits 1. Screenshots of
// both pages go to the screenshot dir. The waits have a hang guard only; how long anything takes is not checked.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [nodeModules, chromiumPath, gameUrl, screenshots] = process.argv.slice(2);
const HANG_GUARD_MS = 60_000;
// Shared with the other browser tests: beside the test tools' node_modules.
const { CHROMIUM_ARGS, emit, failure, playwright } = await import(pathToFileURL(join(nodeModules, '..',
  'browser-run.mjs')).href);
const { chromium } = playwright(nodeModules);

let browser;
const fail = failure(() => browser);

browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: [
    ...CHROMIUM_ARGS,
    // Both pages keep running at full speed although only one can have the focus.
    '--disable-background-timer-throttling', '--disable-renderer-backgrounding',
    '--disable-backgrounding-occluded-windows',
  ],
});

const problems = [];
/** The development tokens each player's page fetched: the address and the answer's status. */
const tokens = { 101: [], 202: [] };
/** Player 101's WebSockets, each routed through here so that the test can cut it. */
const annLinks = [];

async function open(player) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 640 } });
  if (player === 101) {
    await context.routeWebSocket((url) => url.pathname === '/hetu', (link) => {
      link.connectToServer();
      annLinks.push(link);
    });
  }
  const page = await context.newPage();
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (url.pathname === '/hetu/dev-token') {
      tokens[player].push({ path: url.pathname + url.search, status: response.status() });
    }
  });
  page.on('pageerror', (error) => problems.push(`player ${player}: page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') {
      problems.push(`player ${player}: console error: ${message.text()}`);
    }
  });
  const response = await page.goto(`${gameUrl}/?player=${player}`);
  if (response === null || response.status() !== 200) {
    await fail(`GET ${gameUrl}/ answered ${response?.status()}`);
  }
  await page.waitForSelector('body[data-state="playing"], body[data-state="failed"]', { timeout: HANG_GUARD_MS });
  const status = await page.textContent('#status');
  if ((await page.$eval('body', (body) => body.dataset.state)) === 'failed') {
    await fail(`player ${player}'s page cannot play: ${status}`);
  }
  emit({ event: 'playing', player, status });
  return page;
}

/** Where `page` shows `owner`'s dot, read from the player list it renders. */
async function seen(page, owner) {
  return page.$eval(`li[data-owner="${owner}"]`, (item) => ({ x: Number(item.dataset.x), y: Number(item.dataset.y) }));
}

const ann = await open(101);
const bob = await open(202);
await ann.waitForSelector('li[data-owner="202"]', { timeout: HANG_GUARD_MS });
await bob.waitForSelector('li[data-owner="101"]', { timeout: HANG_GUARD_MS });
const start = await seen(bob, 101);
const annSelf = await seen(ann, 101);
emit({ event: 'both-on-the-map', start, annSelf });

// Ann walks right with the arrow key, then down with S.
await ann.bringToFront();
await ann.keyboard.down('ArrowRight');
await ann.waitForTimeout(500);
await ann.keyboard.up('ArrowRight');
await ann.keyboard.down('s');
await ann.waitForTimeout(500);
await ann.keyboard.up('s');
await bob.waitForFunction(
  ([x, y]) => {
    const item = document.querySelector('li[data-owner="101"]');
    return item !== null && Number(item.dataset.x) > x + 2 && Number(item.dataset.y) > y + 2;
  },
  [start.x, start.y],
  { timeout: HANG_GUARD_MS },
);
// Once Ann stops, both pages settle on the same spot.
await ann.waitForTimeout(300);
const annEnd = await seen(ann, 101);
await bob.waitForFunction(
  ([x, y]) => {
    const item = document.querySelector('li[data-owner="101"]');
    return item !== null && Number(item.dataset.x) === x && Number(item.dataset.y) === y;
  },
  [annEnd.x, annEnd.y],
  { timeout: HANG_GUARD_MS },
);
const bobSaw = await seen(bob, 101);
const bobSelf = await seen(bob, 202);
await bob.screenshot({ path: join(screenshots, 'first-game-player-202.png') });
await ann.screenshot({ path: join(screenshots, 'first-game-player-101.png') });
const bobCanvasPainted = await bob.$eval('#map', (canvas) => {
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let coloured = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    if (pixels[i + 3] > 0 && (pixels[i] > 150 || pixels[i + 1] > 150)) {
      coloured++;
    }
  }
  return coloured;
});
// The round clock is a tick on the server; both pages show the same round.
await ann.waitForSelector('#round[data-number]', { timeout: HANG_GUARD_MS });
await bob.waitForSelector('#round[data-number]', { timeout: HANG_GUARD_MS });
const rounds = {
  ann: { number: await ann.$eval('#round', (p) => p.dataset.number), text: await ann.textContent('#round') },
  bob: { number: await bob.$eval('#round', (p) => p.dataset.number), text: await bob.textContent('#round') },
};

async function until(condition, what) {
  const guard = Date.now() + HANG_GUARD_MS;
  while (!condition()) {
    if (Date.now() > guard) {
      await fail(`gave up waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// Ann's link is cut. Her page reconnects by itself and, in its login step, fetches a new token first.
await until(() => annLinks.length === 1 && tokens[101].length === 1, "Ann's first link and token");
annLinks[0].close({ code: 4000, reason: 'the test cuts the link' });
await until(() => annLinks.length === 2 && tokens[101].length === 2, "Ann's reconnect and a second token");
await ann.waitForSelector('body[data-state="playing"]', { timeout: HANG_GUARD_MS });
// Logged in again: her moves go through, and Bob sees her walk left.
await ann.keyboard.down('ArrowLeft');
await ann.waitForTimeout(400);
await ann.keyboard.up('ArrowLeft');
await bob.waitForFunction(
  (x) => {
    const item = document.querySelector('li[data-owner="101"]');
    return item !== null && Number(item.dataset.x) < x - 2;
  },
  annEnd.x,
  { timeout: HANG_GUARD_MS },
);
const bobSawAfterCut = await seen(bob, 101);
await browser.close();
emit({ event: 'done', start, annEnd, bobSaw, bobSelf, bobCanvasPainted, rounds, tokens, bobSawAfterCut, problems });
