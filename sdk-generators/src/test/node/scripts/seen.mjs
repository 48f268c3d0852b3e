// whenSeen: after a call, wait until the subscriptions hold its writes. A call resolves when its RESULT comes, which
// may be before the UPDATE of its commit; whenSeen(lastCallSeq) resolves once that UPDATE (or a later frame) is applied.
import assert from 'node:assert/strict';
import { connect } from '../sdk/dist/index.js';
import { args, loadWs, print } from './common.mjs';

const { url, 'node-modules': nodeModules } = args();
const errors = [];
const client = await connect({ url, WebSocket: loadWs(nodeModules), pingIntervalMs: 0, onError: (e) => errors.push(String(e)) });
const connection = client.connection;

// Nothing subscribed: nothing could still change, so it resolves at once, whatever the seq.
await connection.whenSeen(1n << 60n);

await client.login((c) => c.systems.login(21n));
const spot = await client.spot.selectByOwner(21n);
const seqs = [];
for (let i = 1; i <= 20; i++) {
  await client.systems.moveTo(i, -i);
  const seq = connection.lastCallSeq;
  await connection.whenSeen(seq);
  const [row] = [...spot.rows.values()];
  assert.equal(row?.x, i, `after whenSeen the cache holds move ${i}`);
  seqs.push(seq);
}

// One commit of 3,000 rows, all inside a query: every one is in the cache once whenSeen (default: lastCallSeq) resolves.
const gadgets = await client.gadget.queryByOwner({ low: 100_000n, high: 102_999n });
await client.systems.fillGadgets(100_000n, 3000, 7);
await connection.whenSeen();
const filled = gadgets.rows.size;

// A write no subscription covers sends this connection no frame: whenSeen waits, and resolves once nothing
// subscribed could still change it (here: both subscriptions ended).
await client.systems.saveGadget(5n, 1, 'outside', 'CALM', new Uint8Array(0), 0n, 0n, null, null);
let resolved = false;
const waiting = connection.whenSeen().then(() => { resolved = true; });
await new Promise((r) => setTimeout(r, 100));
const pendingWhileSubscribed = !resolved;
await gadgets.unsubscribe();
await spot.unsubscribe();
await waiting;

client.close();
let closedCode = null;
await connection.whenSeen(connection.lastCallSeq + 1n).catch((e) => { closedCode = e.code; });
print({ seqs: seqs.map(String), filled, pendingWhileSubscribed, closedCode, errors });
process.exit(0);
