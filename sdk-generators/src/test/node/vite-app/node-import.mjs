// Node (ESM) imports the installed SDK by its package name, as a Node app would, with `ws` as its WebSocket
// (argument --node-modules, the test tools' node_modules), and calls one system.
import { connect, SCHEMA_HASH } from 'hetu-sdk-test-client';
import { args, loadWs } from './common.mjs';

const { url, 'node-modules': nodeModules } = args();
const client = await connect({ url, WebSocket: loadWs(nodeModules) });
const sum = await client.systems.add({ x: 1, y: 2 }, { x: 0.5, y: -4 });
client.close();
process.stdout.write(JSON.stringify({ schemaHash: SCHEMA_HASH, sum }) + '\n');
