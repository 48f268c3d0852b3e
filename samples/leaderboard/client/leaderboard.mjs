// The leaderboard sample's client, on the generated TypeScript SDK (see README.md):
//
//   node leaderboard.mjs --sdk <dist/index.js> --url <ws url> [--node-modules <folder with ws>] <command>
//
//   watch <season> [top]                 follow the live top (default 10) of a season; prints the board as it changes
//   submit <season> <player> <name> <points>   report one score
//   submit-file <season> <scores.json>   report many: a JSON array of [player, name, points], one call each, in order
//
// Output is one JSON object per line, so that people and tests can read it alike.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readFile } from 'node:fs/promises';

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

const [command, ...args] = rest;
try {
  if (command === 'watch') {
    const season = Number(args[0] ?? 1);
    const top = Number(args[1] ?? 10);
    const board = await client.score.subscribeTop(season, top);
    const show = () => emit({
      event: 'top',
      season,
      rows: [...board.rows.values()].sort(sdk.compareScoreRows)
        .map((row, i) => ({ rank: i + 1, player: row.player, name: row.name, points: row.points })),
    });
    // One line per commit: changes of one commit arrive together, so print once they are applied.
    let pending = false;
    const changed = () => {
      if (!pending) {
        pending = true;
        setImmediate(() => { pending = false; show(); });
      }
    };
    board.onInsert(changed);
    board.onUpdate(changed);
    board.onDelete(changed);
    emit({ event: 'ready' });
    show();
  } else if (command === 'submit') {
    const [season, player, name, points] = args;
    await client.systems.submitScore(Number(season), BigInt(player), name, BigInt(points));
    emit({ event: 'submitted', count: 1 });
    client.close();
  } else if (command === 'submit-file') {
    const season = Number(args[0]);
    const scores = JSON.parse(await readFile(args[1], 'utf8'));
    for (const [player, name, points] of scores) {
      await client.systems.submitScore(season, BigInt(player), name, BigInt(points));
    }
    emit({ event: 'submitted', count: scores.length });
    client.close();
  } else {
    throw new Error(`unknown command '${command}'; use watch, submit or submit-file`);
  }
} catch (error) {
  emit({ event: 'fail', message: String(error?.stack ?? error) });
  process.exit(1);
}
