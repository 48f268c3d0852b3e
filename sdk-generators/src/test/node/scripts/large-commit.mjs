// One commit of more gadgets than an UPDATE frame holds, into a query subscription: the SDK applies the commit's
// frames together, so the first insert event already sees the seq of the commit, and a microtask queued from it sees
// every row (a frame applied on its own would show 65,535).
import assert from 'node:assert/strict';
import { connect } from '../sdk/dist/index.js';
import { args, loadWs, print, until } from './common.mjs';

const { url, 'node-modules': nodeModules, count: countArg } = args();
const count = Number(countArg);
const client = await connect({ url, WebSocket: loadWs(nodeModules) });
const gadgets = await client.gadget.queryByLevel({ low: 7, high: 7 });
assert.equal(gadgets.rows.size, 0);
const seqBefore = client.connection.lastSeq;
const summary = { inserts: 0 };
gadgets.onInsert(() => {
  if (summary.inserts++ === 0) {
    summary.seqAdvancedAtFirstInsert = client.connection.lastSeq > seqBefore;
    queueMicrotask(() => {
      summary.rowsAfterFirstInsert = gadgets.rows.size;
    });
  }
});
await client.systems.fillGadgets(1_000_000n, count, 7);
await until(() => gadgets.rows.size === count, `${count} gadgets in the cache`);
summary.rows = gadgets.rows.size;
client.close();
print(summary);
