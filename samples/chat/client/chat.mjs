// The chat sample's client, on the generated TypeScript SDK (see README.md):
//
//   node chat.mjs --sdk <dist/index.js> --url <ws url> [--node-modules <folder with ws>] <command>
//
//   watch <user> <room>                 log in, follow the room's last 100 messages; prints them as they change
//   say <user> <room> <text> [count]    log in and say <text> (count > 1: "<text> 0", "<text> 1", ... in order)
import { emit, onChange, run, start } from '../../sample-support/client/cli.mjs';

const { sdk, client, command: [command, user, room, ...args] } = await start();
await run(async () => {
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
    onChange(messages, show);
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
});
