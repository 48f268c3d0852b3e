// What the samples' Node clients share: their command line, the generated SDK they load, the connection, JSON-line
// output, and printing a subscription once per commit.
//
//   node <client>.mjs --sdk <compiled SDK dist/index.js> --url <ws url> [--node-modules <folder with ws>] <command...>
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Prints one JSON object per line (bigints as strings), so that people and tests read the output alike. */
export function emit(object) {
  process.stdout.write(JSON.stringify(object, (k, v) => (typeof v === 'bigint' ? v.toString() : v)) + '\n');
}

/** Parses the command line, loads the SDK and connects: { sdk, client, command: [words after the options] }. */
export async function start() {
  const options = {};
  const command = [];
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) {
      options[argv[i].slice(2)] = argv[++i];
    } else {
      command.push(argv[i]);
    }
  }
  const sdk = await import(pathToFileURL(options.sdk).href);
  // Node 22 has a global WebSocket; older Node takes the `ws` package.
  const WebSocket = globalThis.WebSocket ?? createRequire(join(options['node-modules'] ?? '.', 'noop.js'))('ws');
  const client = await sdk.connect({ url: options.url, WebSocket, onError: (error) => emit({ event: 'error', error: String(error) }) });
  return { sdk, client, command };
}

/**
 * Calls `show` once after each commit that changed the subscription: a commit's changes (an append and its
 * eviction) arrive together, so it waits until they are all applied.
 */
export function onChange(subscription, show) {
  let pending = false;
  const changed = () => {
    if (!pending) {
      pending = true;
      setImmediate(() => { pending = false; show(); });
    }
  };
  subscription.onInsert(changed);
  subscription.onUpdate(changed);
  subscription.onDelete(changed);
}

/** Runs a client's body; a failure prints {"event":"fail"} and exits 1. */
export async function run(body) {
  try {
    await body();
  } catch (error) {
    emit({ event: 'fail', message: String(error?.stack ?? error) });
    process.exit(1);
  }
}
