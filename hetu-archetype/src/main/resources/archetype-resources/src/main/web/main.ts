// The browser client: every player is a dot; click to move yours. It talks to the server only
// through the TypeScript SDK that hetu:generate wrote from the game's components and systems.
import { connect, type PositionRow, type Subscription } from './sdk/index.js';

const canvas = document.querySelector<HTMLCanvasElement>('#map')!;
const status = document.querySelector<HTMLElement>('#status')!;
const paint = canvas.getContext('2d')!;
const me = BigInt(1 + Math.floor(Math.random() * 9999));
let players: Subscription<PositionRow> | undefined;

function draw(): void {
  paint.clearRect(0, 0, canvas.width, canvas.height);
  for (const row of players?.rows.values() ?? []) {
    paint.beginPath();
    paint.arc(row.x, row.y, 8, 0, Math.PI * 2);
    paint.fillStyle = row.owner === me ? '#ffd166' : '#7aa2f7';
    paint.fill();
  }
}

async function play(): Promise<void> {
  const client = await connect({ url: `ws://${location.host}/hetu` });
  // Logs in now and again after every reconnect, before the subscriptions resume.
  await client.login((c) => c.systems.login(me));
  players = await client.position.queryByOwner({ limit: 1000 });
  players.onInsert(draw);
  players.onUpdate(draw);
  players.onDelete(draw);
  canvas.addEventListener('click', (event) => {
    client.systems.moveTo(event.offsetX, event.offsetY).catch((error: unknown) => {
      status.textContent = `Move refused: ${String(error)}`;
    });
  });
  status.textContent = `Playing as player ${me}.`;
  draw();
}

play().catch((error: unknown) => {
  status.textContent = `Cannot play: ${String(error)}`;
});
