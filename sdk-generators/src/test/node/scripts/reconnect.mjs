// A client that loses its server: it reconnects by itself, logs in again, renews its subscriptions and
// reconciles their caches with what changed while it was away. The Java test restarts the server after "ready".
import assert from 'node:assert/strict';
import { connect } from '../sdk/dist/index.js';
import { args, loadWs, print, until } from './common.mjs';

const { url, 'node-modules': nodeModules } = args();
const errors = [];
const client = await connect({
  url,
  WebSocket: loadWs(nodeModules),
  reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
  onError: (error) => errors.push(String(error)),
});
const states = [];
client.connection.onStateChange((state) => states.push(state));

await client.login((c) => c.systems.login(7n));
await client.systems.moveTo(1, 1);
for (const owner of [100n, 101n, 102n]) {
  await client.systems.saveGadget(owner, 50, `g${owner}`, 'CALM', new Uint8Array(0), 0n, 0n, null, null);
}
const gadgets = await client.gadget.queryByLevel({ low: 50, high: 50 });
const spot = await client.spot.selectByOwner(7n);
assert.equal(gadgets.rows.size, 3);
assert.equal(spot.rows.size, 1);

const events = [];
const record = (sub, name) => {
  sub.onInsert((id, row) => events.push({ sub: name, kind: 'insert', owner: row.owner, name: row.name ?? null, x: row.x ?? null }));
  sub.onUpdate((id, row) => events.push({ sub: name, kind: 'update', owner: row.owner, name: row.name ?? null, x: row.x ?? null }));
  sub.onDelete((id, previous) => events.push({ sub: name, kind: 'delete', owner: previous.owner, name: previous.name ?? null, x: previous.x ?? null }));
};
record(gadgets, 'gadgets');
record(spot, 'spot');
print({ event: 'ready' });

// While away the server changed: 101 renamed, 102 deleted, 103 inserted, the spot moved.
await until(() => events.length >= 4, 'the reconciliation after the reconnect', 120000);
assert.equal(client.connection.state, 'open');
const reconciled = [...events];

// Updates flow again on the new connection, under the resumed login (moveTo needs a user).
const newId = await client.systems.saveGadget(104n, 50, 'after', 'HAPPY', new Uint8Array(0), 0n, 0n, null, null);
await until(() => gadgets.rows.has(newId), 'the insert of gadget 104');
await client.systems.moveTo(5, 5);
await until(() => [...spot.rows.values()][0].x === 5, 'the spot update after the reconnect');

print({
  event: 'done',
  states,
  reconciled,
  owners: [...gadgets.rows.values()].map((row) => row.owner).sort((a, b) => (a < b ? -1 : 1)),
  names: [...gadgets.rows.values()].map((row) => row.name).sort(),
  spotX: [...spot.rows.values()][0].x,
  errors,
});
client.close();
