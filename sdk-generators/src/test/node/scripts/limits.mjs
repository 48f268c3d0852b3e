// A system with @RateLimit(perSecond = 1, burst = 2): from Node over a real socket, the calls past the burst are
// rejected with RATE_LIMITED and a message that says when to call again; after that wait, a call runs again.
import assert from 'node:assert/strict';
import { connect } from '../sdk/dist/index.js';
import { args, loadWs, print } from './common.mjs';

const { url, 'node-modules': nodeModules } = args();
const client = await connect({ url, WebSocket: loadWs(nodeModules), reconnect: false });
const outcomes = await Promise.allSettled([1, 2, 3, 4, 5].map((n) => client.systems.limited(n)));
const results = outcomes.filter((o) => o.status === 'fulfilled').map((o) => o.value);
const refusals = outcomes.filter((o) => o.status === 'rejected').map((o) => o.reason);
assert.deepEqual(results, [1, 2], 'the burst of two runs, in order');
assert.equal(refusals.length, 3);
for (const refusal of refusals) {
  assert.equal(refusal.code, 'RATE_LIMITED');
}
const wait = Number(/call again in (\d+) ms/.exec(refusals[0].message)?.[1]);
assert.ok(wait > 0 && wait <= 1000, `the message says when: ${refusals[0].message}`);
await new Promise((resolve) => setTimeout(resolve, wait + 50));
const after = await client.systems.limited(6);
print({ results, codes: refusals.map((r) => r.code), message: refusals[0].message, wait, after, state: client.connection.state });
client.close();
