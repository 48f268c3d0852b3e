// A first-game player written against the generated TypeScript SDK, run on Node with `ws` by FirstGameSdksIT.
//
//   node node-client.mjs <compiled SDK dist/index.js> <node_modules holding ws> <server url> <login token>
//
// It connects, checks that moveTo is refused before logging in and that a login with a token that is not one is
// refused, logs in with the token (again after every reconnect, through the SDK's login hook), subscribes to every
// player's Position (owner 1..999) and then follows the test's commands, one per line on stdin:
//   move <x> <y>          call moveTo(x, y)                                    -> {"event":"moved"}
//   expect <owner> <x> <y> wait until the cache holds that owner's row at x, y -> {"event":"saw"}
//   await-login <n>       wait until logged in n times and the connection open -> {"event":"ready"}
//   finish                report the cache and everything seen, close, exit 0 -> {"event":"done"}
// Everything it observes goes to stdout as one JSON object per line. A failed check prints {"event":"fail"} and
// exits 1. The waits have a hang guard only; how long anything takes is not checked.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const [sdkIndex, nodeModules, url, token] = process.argv.slice(2);
const HANG_GUARD_MS = 45_000;

function emit(object) {
  process.stdout.write(JSON.stringify(object) + '\n');
}

function fail(message) {
  emit({ event: 'fail', message: String(message) });
  process.exit(1);
}

process.on('unhandledRejection', (error) => fail(`unhandled rejection: ${error?.stack ?? error}`));
process.on('uncaughtException', (error) => fail(`uncaught exception: ${error?.stack ?? error}`));

async function until(condition, what) {
  const guard = Date.now() + HANG_GUARD_MS;
  while (!condition()) {
    if (Date.now() > guard) {
      fail(`gave up waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const { connect, HetuRejection } = await import(pathToFileURL(sdkIndex).href);
const WebSocket = createRequire(join(nodeModules, 'resolve-from-here.js'))('ws');

const errors = [];
const states = [];
const events = [];
let logins = 0;

const client = await connect({
  url,
  WebSocket,
  // Short backoff so that the client is back soon after the server restarts.
  reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
  onError: (error) => {
    errors.push(String(error));
    emit({ event: 'error', message: String(error) });
  },
});
client.connection.onStateChange((state) => {
  states.push(state);
  emit({ event: 'state', state });
});
emit({ event: 'connected' });

// Not logged in yet: a USER system refuses the call, typed.
try {
  await client.systems.moveTo(0, 0);
  fail('moveTo before login was accepted');
} catch (error) {
  if (!(error instanceof HetuRejection)) {
    fail(`moveTo before login failed with something other than a HetuRejection: ${error?.stack ?? error}`);
  }
  emit({ event: 'rejected', call: 'moveTo', kind: error.name, code: error.code, message: error.message });
}

// The server verifies the token: one that is not a signed token logs nobody in.
try {
  await client.systems.login('not a token');
  fail('a login with a forged token was accepted');
} catch (error) {
  if (!(error instanceof HetuRejection)) {
    fail(`the forged login failed with something other than a HetuRejection: ${error?.stack ?? error}`);
  }
  emit({ event: 'rejected', call: 'login', kind: error.name, code: error.code, message: error.message });
}

// The SDK runs this now and again after every reconnect, before the subscriptions resume.
await client.login(async (c) => {
  await c.systems.login(token);
  logins++;
  emit({ event: 'login', count: logins });
});

const players = await client.position.queryByOwner({ low: 1n, high: 999n, limit: 100 });
const describe = (id, row) => ({ id: String(id), owner: String(row.owner), x: row.x, y: row.y });
const cache = () => [...players.rows].map(([id, row]) => describe(id, row))
  .sort((a, b) => (BigInt(a.owner) < BigInt(b.owner) ? -1 : 1));
emit({ event: 'subscribed', rows: cache() });

const seen = (object) => {
  events.push(object);
  emit(object);
};
players.onInsert((id, row) => seen({ event: 'insert', ...describe(id, row) }));
players.onUpdate((id, row, previous) => seen({ event: 'update', ...describe(id, row), previousX: previous.x, previousY: previous.y }));
players.onDelete((id, previous) => seen({ event: 'delete', ...describe(id, previous) }));
players.onEnd((error) => seen({ event: 'end', error: error === null ? null : String(error) }));

const rowOf = (owner) => [...players.rows].find(([, row]) => row.owner === owner);

let finished = false;
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  const [command, ...words] = line.trim().split(/\s+/);
  try {
    finished = await run(command, words, line);
  } catch (error) {
    fail(`${line}: ${error?.stack ?? error}`);
  }
  if (finished) {
    break;
  }
}
if (!finished) {
  fail('stdin closed before the test said finish');
}

/** Runs one command of the test; true when the client is done. */
async function run(command, words, line) {
  if (command === 'move') {
    const [x, y] = words.map(Number);
    await client.systems.moveTo(x, y);
    emit({ event: 'moved', x, y });
  } else if (command === 'expect') {
    const owner = BigInt(words[0]);
    const [x, y] = words.slice(1).map(Number);
    await until(() => {
      const found = rowOf(owner);
      return found !== undefined && found[1].x === x && found[1].y === y;
    }, `the row of owner ${owner} at (${x}, ${y})`);
    const [id, row] = rowOf(owner);
    emit({ event: 'saw', ...describe(id, row) });
  } else if (command === 'await-login') {
    const count = Number(words[0]);
    await until(() => logins >= count && client.connection.state === 'open', `login number ${count}`);
    emit({ event: 'ready', logins, state: client.connection.state });
  } else if (command === 'finish') {
    if (!players.active) {
      fail('the subscription ended');
    }
    // Serialized before closing, which ends the subscription and the connection.
    const done = JSON.stringify({ event: 'done', rows: cache(), logins, states, events, errors, state: client.connection.state });
    client.close();
    process.stdout.write(done + '\n', () => process.exit(0));
    return true;
  } else if (command !== '') {
    fail(`unknown command: ${line}`);
  }
  return false;
}
