// The leaderboard sample's client, on the generated TypeScript SDK (see README.md):
//
//   node leaderboard.mjs --sdk <dist/index.js> --url <ws url> [--node-modules <folder with ws>] <command>
//
//   watch <season> [top]                       follow the live top (default 10) of a season; prints it as it changes
//   submit <season> <player> <name> <points>   report one score
//   submit-file <season> <scores.json>         report many: a JSON array of [player, name, points], in order
import { readFile } from 'node:fs/promises';
import { emit, onChange, run, start } from '../../sample-support/client/cli.mjs';

const { sdk, client, command: [command, ...args] } = await start();
await run(async () => {
  if (command === 'watch') {
    const season = Number(args[0] ?? 1);
    const board = await client.score.subscribeTop(season, Number(args[1] ?? 10));
    const show = () => emit({
      event: 'top',
      season,
      rows: [...board.rows.values()].sort(sdk.compareScoreRows)
        .map((row, i) => ({ rank: i + 1, player: row.player, name: row.name, points: row.points })),
    });
    onChange(board, show);
    emit({ event: 'ready' });
    show();
  } else if (command === 'submit' || command === 'submit-file') {
    const season = Number(args[0]);
    const scores = command === 'submit' ? [args.slice(1)] : JSON.parse(await readFile(args[1], 'utf8'));
    for (const [player, name, points] of scores) {
      await client.systems.submitScore(season, BigInt(player), name, BigInt(points));
    }
    emit({ event: 'submitted', count: scores.length });
    client.close();
  } else {
    throw new Error(`unknown command '${command}'; use watch, submit or submit-file`);
  }
});
