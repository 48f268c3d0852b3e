// Two clients of the generated SDK against a live server: every system, rejections, many calls in flight,
// a Gadget query and a Spot select kept up to date by another client's writes.
import assert from 'node:assert/strict';
import { connect, HetuRejection } from '../sdk/dist/index.js';
import { args, canon, loadWs, print, until } from './common.mjs';

const { url, 'node-modules': nodeModules } = args();
const WebSocket = loadWs(nodeModules);
const errors = [];
const options = { url, WebSocket, onError: (error) => errors.push(String(error)) };

const alice = await connect(options);
const bob = await connect(options);
const summary = { calls: {}, events: [], rejections: {} };

async function rejection(promise, what) {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof HetuRejection, `${what}: a HetuRejection, got ${error}`);
    return { code: error.code, message: error.message };
  }
  assert.fail(`${what} should have been rejected`);
}

// ---- calls
summary.rejections.moveToBeforeLogin = await rejection(alice.systems.moveTo(1, 2), 'moveTo before login');
assert.equal(await alice.login((client) => client.systems.login(1n)), undefined);
assert.equal(await alice.systems.moveTo(1.5, -2), undefined);
summary.calls.add = await alice.systems.add({ x: 1.5, y: 2 }, { x: -3, y: 0.25 });
assert.deepEqual(summary.calls.add, { x: -1.5, y: 2.25 });
summary.calls.split = await alice.systems.split('a b ç🎮');
assert.deepEqual(summary.calls.split, ['a', 'b', 'ç🎮']);
summary.calls.halfNull = await alice.systems.half(null);
assert.equal(summary.calls.halfNull, null);
summary.calls.halfBig = await alice.systems.half(-9007199254740993n);
assert.equal(summary.calls.halfBig, -4503599627370496n);
summary.calls.extremes = await alice.systems.extremes();
assert.deepEqual(summary.calls.extremes, [-(2n ** 63n), 2n ** 63n - 1n, 0n]);
summary.calls.removeMissing = await alice.systems.removeGadget(999n);
assert.equal(summary.calls.removeMissing, false);
summary.rejections.refuse = await rejection(alice.systems.refuse('NOT_ENOUGH_GOLD'), 'refuse');
assert.equal(summary.rejections.refuse.code, 'NOT_ENOUGH_GOLD');
assert.equal(summary.rejections.refuse.message, 'refused: NOT_ENOUGH_GOLD');
summary.rejections.moveToByBob = await rejection(bob.systems.moveTo(0, 0), 'moveTo by bob');
await assert.rejects(async () => alice.systems.half(2n ** 63n), RangeError, 'an i64 out of range is refused before sending');

// Many calls in flight on one connection; replies may come in any order.
const sums = await Promise.all(Array.from({ length: 64 }, (_, i) => alice.systems.add({ x: i, y: -i }, { x: 0.5, y: i * 2 })));
sums.forEach((sum, i) => assert.deepEqual(sum, { x: i + 0.5, y: i }));
summary.calls.inFlight = sums.length;

// ---- subscriptions
const gadgets = await alice.gadget.queryByLevel({ low: 10, high: 20 });
assert.equal(gadgets.rows.size, 0);
const spot = await alice.spot.selectByOwner(1n);
assert.deepEqual([...spot.rows.values()], [{ x: 1.5, y: -2, owner: 1n }]);
// Spot is readable by its owner only: Bob, not logged in, subscribes to nothing.
summary.spotRowsSeenByBob = (await bob.spot.selectByOwner(1n)).rows.size;

const record = (sub, name) => {
  sub.onInsert((id, row) => summary.events.push({ sub: name, kind: 'insert', id, row }));
  sub.onUpdate((id, row, previous) => summary.events.push({ sub: name, kind: 'update', id, row, previous }));
  sub.onDelete((id, previous) => summary.events.push({ sub: name, kind: 'delete', id, previous }));
};
record(gadgets, 'gadgets');
record(spot, 'spot');

const firstId = await bob.systems.saveGadget(500n, 12, 'héllo✓🎮', 'ANGRY', new Uint8Array([0, 255, 128]),
  -1234567890123n, 86400000000000n, null, null);
await until(() => gadgets.rows.has(firstId), 'the insert of gadget 500');
assert.deepEqual(gadgets.rows.get(firstId), {
  owner: 500n, level: 12, name: 'héllo✓🎮', flag: true, tiny: -12, small: 36, ratio: 3, precise: 4, letter: 'h',
  mood: 'ANGRY', data: new Uint8Array([0, 255, 128]), at: -1234567890123n, span: 86400000000000n, maybe: null, note: null,
});

const secondId = await bob.systems.saveGadget(501n, 15, '', 'CALM', new Uint8Array(0), 0n, -5n, -2147483648, 'ñ✓');
await until(() => gadgets.rows.has(secondId), 'the insert of gadget 501');
assert.deepEqual(gadgets.rows.get(secondId), {
  owner: 501n, level: 15, name: '', flag: false, tiny: -15, small: 45, ratio: 3.75, precise: 5, letter: '-',
  mood: 'CALM', data: new Uint8Array(0), at: 0n, span: -5n, maybe: -2147483648, note: 'ñ✓',
});

const byId = await alice.gadget.selectById(secondId);
assert.deepEqual(byId.rows.get(secondId), gadgets.rows.get(secondId));
const top = await alice.gadget.queryByLevel({ descending: true, limit: 1 });
assert.deepEqual([...top.rows.keys()], [secondId]);
const above = await alice.gadget.queryByLevel({ low: 12, lowInclusive: false });
assert.deepEqual([...above.rows.keys()], [secondId]);
const byOwner = await alice.gadget.selectByOwner(500n);
assert.deepEqual([...byOwner.rows.keys()], [firstId]);

await byId.unsubscribe();
assert.equal(byId.active, false);

// Moves out of the range: a delete for the query; and an update that the ended select must not see.
await bob.systems.saveGadget(500n, 30, 'héllo✓🎮', 'HAPPY', new Uint8Array(0), 0n, 0n, 7, null);
await bob.systems.saveGadget(501n, 16, 'changed', 'HAPPY', new Uint8Array([1]), 1n, 2n, null, null);
await until(() => gadgets.rows.get(secondId)?.name === 'changed', 'the update of gadget 501');
assert.equal(gadgets.rows.has(firstId), false);
assert.equal(byId.rows.get(secondId).name, '', 'an ended subscription is no longer updated');
assert.equal(await bob.systems.removeGadget(501n), true);
await until(() => gadgets.rows.size === 0, 'the delete of gadget 501');

await alice.systems.moveTo(3, 4);
await until(() => spot.rows.get([...spot.rows.keys()][0]).x === 3, 'the update of the spot');

await alice.connection.ping();
summary.gadgetIds = [firstId, secondId];
summary.seq = alice.connection.lastSeq;
summary.errors = errors;
alice.close();
bob.close();
assert.equal(alice.connection.state, 'closed');
print(summary);
