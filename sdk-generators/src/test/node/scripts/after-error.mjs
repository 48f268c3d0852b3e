// What the client does after each ERROR code: the Java test runs a stand-in server whose path /<CODE> ends the
// first connection with that ERROR and accepts the next. For each code this prints whether the client came back
// ("reconnect") or closed for good ("close").
import { connect } from '../sdk/dist/index.js';
import { args, loadWs, print, until } from './common.mjs';

const { url, 'node-modules': nodeModules, codes, 'version-url': versionUrl } = args();
const WebSocket = loadWs(nodeModules);
const outcomes = {};
const reported = {};
for (const code of codes.split(',')) {
  const errors = [];
  const client = await connect({
    url: `${url}/${code}`,
    WebSocket,
    reconnect: { initialDelayMs: 10, maxDelayMs: 50 },
    pingIntervalMs: 10, // the server sends the ERROR once it has the first PING
    onError: (error) => errors.push(error),
  });
  const first = client.connection.connectionId;
  await until(() => client.connection.state === 'closed'
    || (client.connection.state === 'open' && client.connection.connectionId !== first), `the client's state after ${code}`);
  outcomes[code] = client.connection.state === 'closed' ? 'close' : 'reconnect';
  reported[code] = errors.map((error) => error.code ?? String(error));
  client.close();
}
// A server of another protocol version: the first connect must fail, not wait for good.
let versionRefusal = null;
if (versionUrl !== undefined) {
  try {
    const client = await Promise.race([
      connect({ url: versionUrl, WebSocket, reconnect: { initialDelayMs: 10, maxDelayMs: 50 } }),
      new Promise((resolve, reject) => setTimeout(() => reject(new Error('connect() still waiting after 5 s')), 5000)),
    ]);
    client.close();
    versionRefusal = 'connected';
  } catch (error) {
    versionRefusal = `${error.code ?? 'no code'}: ${error.message}`;
  }
}
print({ outcomes, reported, versionRefusal });
