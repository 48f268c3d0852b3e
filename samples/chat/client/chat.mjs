// The chat sample's client, on the generated TypeScript SDK (see README.md):
//
//   node chat.mjs --sdk <dist/index.js> --url <ws url> [--node-modules <folder with ws>] <command>
//
//   watch <user> <room>                     log in, follow the room's last 100 messages; prints them as they change
//   say <user> <room> <text> [count]        log in and say <text> (count > 1: "<text> 0", "<text> 1", ... in order)
//
// Output is one JSON object per line, so that people and tests can read it alike.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const options = {};
const rest = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i].startsWith('--')) {
    options[argv[i].slice(2)] = argv[++i];
  } else {
    rest.push(argv[i]);
  }
}
const emit = (object) => process.stdout.write(JSON.stringify(object, (k, v) => (typeof v === 'bigint' ? v.toString() : v)) + '\n');
const sdk = await import(pathToFileURL(options.sdk).href);
// Node 22 has a global WebSocket; older Node takes the `ws` package.
const WebSocket = globalThis.WebSocket ?? createRequire(join(options['node-modules'] ?? '.', 'noop.js'))('ws');
const client = await sdk.connect({ url: options.url, WebSocket, onError: (error) => emit({ event: 'error', error: String(error) }) });

const [command, user, room, ...args] = rest;
try {
  // Messages are readable by logged-in users (permission USER); the login hook runs again after a reconnect.
  await client.login((c) => c.systems.login(BigInt(user)));
  if (command === 'watch') {
    const messages = await client.message.subscribeList(room);
    const show = () => emit({
      event: 'messages',
      room,
      rows: [...messages.rows.values()].sort(sdk.compareMessageRows)
        .map((m) => ({ seq: m.seq, sender: m.sender, text: m.text })),
    });
    // One line per commit: an append and its eviction arrive together, so print once both are applied.
    let pending = false;
    const changed = () => {
      if (!pending) {
        pending = true;
        setImmediate(() => { pending = false; show(); });
      }
    };
    messages.onInsert(changed);
    messages.onUpdate(changed);
    messages.onDelete(changed);
    emit({ event: 'ready' });
    show();
  } else if (command === 'say') {
    const [text, count = '1'] = args;
    for (let i = 0; i < Number(count); i++) {
      await client.systems.say(room, Number(count) === 1 ? text : `${text} ${i}`);
    }
    emit({ event: 'said', count: Number(count) });
    client.close();
  } else {
    throw new Error(`unknown command '${command}'; use watch or say`);
  }
} catch (error) {
  emit({ event: 'fail', message: String(error?.stack ?? error) });
  process.exit(1);
}
