// A client's session changes on a live server: subscriptions cancelled while they are renewed after a reconnect,
// a login as another user on the same connection, and a second client, without onError, kicked by that login.
import assert from 'node:assert/strict';
import { connect, HetuRejection } from '../sdk/dist/index.js';
import { args, loadWs, print, until } from './common.mjs';

const { url, 'node-modules': nodeModules } = args();
const ws = loadWs(nodeModules);
// Every socket the client opens, so that the script can drop one as a network loss would.
const sockets = [];
class RecordedWebSocket extends ws {
  constructor(address) {
    super(address);
    sockets.push(this);
  }
}
const warnings = [];
console.warn = (...data) => warnings.push(data.map(String).join(' '));

const errors = [];
const client = await connect({
  url,
  WebSocket: RecordedWebSocket,
  reconnect: { initialDelayMs: 10, maxDelayMs: 50 },
  onError: (error) => errors.push(String(error)),
});
const states = [];
client.connection.onStateChange((state) => states.push(state));
await client.login((c) => c.systems.login(7n));
await client.systems.moveTo(1, 1);
for (const owner of [200n, 201n]) {
  await client.systems.saveGadget(owner, 60, `g${owner}`, 'CALM', new Uint8Array(0), 0n, 0n, null, null);
}

// 1. Cancelled while re-subscribing: once back open, the renewed SUBSCRIBE is in flight; cancelling it then, with
// writes that change its result behind it, leaves updates for it on the wire until the server's DONE.
const rounds = 4;
let level = 60;
for (let round = 0; round < rounds; round++) {
  const doomed = await client.gadget.queryByLevel({ low: 60, high: 99 });
  const kept = await client.gadget.queryByLevel({ low: 60, high: 99 });
  const opened = states.length;
  let cancelled;
  const stop = client.connection.onStateChange((state) => {
    if (state === 'open') {
      level++;
      cancelled = Promise.all([
        doomed.unsubscribe(),
        ...[200n, 201n].map((owner) => client.systems.saveGadget(owner, level, `g${owner}`, 'CALM', new Uint8Array(0), 0n, 0n, null, null)),
      ]);
    }
  });
  sockets.at(-1).terminate();
  await until(() => states.length > opened && states.at(-1) === 'open' && cancelled !== undefined, 'the reconnect');
  stop();
  await cancelled;
  await until(() => [...kept.rows.values()].every((row) => row.level === level), 'the kept subscription following the writes');
  assert.equal(client.connection.state, 'open', `round ${round}: the client stays connected`);
  assert.equal(doomed.active, false);
  await kept.unsubscribe();
}

// 2. A login as another user on the same connection: the OWNER rows of user 7 leave the cache, those of user 8
// enter, before login() resolves. The other client holds user 8 and is kicked by it.
const other = await connect({ url, WebSocket: ws, reconnect: { initialDelayMs: 10, maxDelayMs: 50 } });
await other.login((c) => c.systems.login(8n));
await other.systems.moveTo(8, 8);
const otherStates = [];
other.connection.onStateChange((state) => otherStates.push(state));

const spots = await client.spot.queryByOwner({});
const gadgets = await client.gadget.queryByLevel({ low: 60, high: 99 });
assert.deepEqual([...spots.rows.values()].map((row) => row.owner), [7n]);
const seen = [];
spots.onInsert((id, row) => seen.push(`insert ${row.owner}`));
spots.onDelete((id, previous) => seen.push(`delete ${previous.owner}`));
spots.onUpdate((id, row) => seen.push(`update ${row.owner}`));
let gadgetEvents = 0;
gadgets.onInsert(() => gadgetEvents++);
gadgets.onDelete(() => gadgetEvents++);
gadgets.onUpdate(() => gadgetEvents++);
await client.login((c) => c.systems.login(8n));
const ownersAtLogin = [...spots.rows.values()].map((row) => row.owner);
const eventsAtLogin = [...seen].sort();
await client.systems.moveTo(9, 9);
await until(() => [...spots.rows.values()].some((row) => row.x === 9), 'the update of user 8\'s spot');
await until(() => otherStates.includes('closed'), 'the other client being kicked');

let rejection;
try {
  await client.systems.refuse('NO_WAY');
} catch (error) {
  rejection = error;
}
assert.ok(rejection instanceof HetuRejection);

print({
  rounds,
  ownersAtLogin,
  eventsAtLogin,
  ownersAfter: [...spots.rows.values()].map((row) => row.owner),
  gadgetEvents,
  otherStates,
  warnings,
  rejection: String(rejection),
  states,
  errors,
});
client.close();
