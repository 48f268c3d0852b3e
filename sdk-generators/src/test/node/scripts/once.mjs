// A call whose reply is lost with the connection: the SDK sends it again with its call id after the reconnect and
// the login, and the server answers with the first run's result instead of running it twice. The Java test holds
// the server's replies after "ready", waits for the call to commit, then cuts the connection.
import assert from 'node:assert/strict';
import { createInterface } from 'node:readline';
import { connect } from '../sdk/dist/index.js';
import { args, loadWs, print } from './common.mjs';

const { url, 'node-modules': nodeModules } = args();
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const errors = [];
const client = await connect({
  url,
  WebSocket: loadWs(nodeModules),
  reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
  pingIntervalMs: 0,
  onError: (error) => errors.push(String(error)),
});
const states = [];
client.connection.onStateChange((state) => states.push(state));

await client.login((c) => c.systems.login(11n));
const before = await client.systems.step();
print({ event: 'ready', before });
assert.equal((await lines.next()).value, 'go');

// Its reply is lost: the server runs it, the relay drops the RESULT, then the connection is cut.
const lost = client.systems.step();
print({ event: 'sent' });
const first = await lost;
const next = await client.systems.step();
print({ event: 'done', before, first, next, states, errors });
client.close();
process.exit(0);
