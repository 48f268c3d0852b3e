// The first game's browser client: every player is a dot on the map; yours moves with the arrow
// keys or WASD, and everyone else's moves live. It talks to the server only through the TypeScript
// SDK that hetu:generate wrote from the app's components and systems (mounted here as ./sdk/).
import { connect, type HetuClient, type PositionRow, type RoundRow, type Subscription } from './sdk/index.js';

const WORLD_WIDTH = 100;
const WORLD_HEIGHT = 62.5;
const SPEED = 25; // world units per second
const TICK_MS = 50;

const canvas = document.querySelector<HTMLCanvasElement>('#map')!;
const status = document.querySelector<HTMLElement>('#status')!;
const list = document.querySelector<HTMLUListElement>('#players')!;
const roundText = document.querySelector<HTMLElement>('#round')!;
const paint = canvas.getContext('2d')!;

/** This tab's player: ?player=N, else the one this tab played before, else a new one. */
function choosePlayer(): bigint {
  const asked = new URLSearchParams(location.search).get('player');
  const remembered = sessionStorage.getItem('hetu-first-game-player');
  const id = asked ?? remembered ?? String(1 + Math.floor(Math.random() * 9999));
  if (!/^[1-9][0-9]{0,17}$/.test(id)) {
    throw new Error(`player must be a whole number from 1, was '${id}'`);
  }
  sessionStorage.setItem('hetu-first-game-player', id);
  return BigInt(id);
}

function show(state: string, text: string): void {
  document.body.dataset.state = state;
  status.textContent = text;
}

function hue(owner: bigint): number {
  return Number((owner * 137n) % 360n);
}

function clamp(value: number, max: number): number {
  return Math.min(max, Math.max(0, value));
}

const me = choosePlayer();
const pressed = new Set<string>();
let players: Subscription<PositionRow> | undefined;
/** Where this player is heading; sent to the server every tick while it changes. */
let target: { x: number; y: number } | undefined;
let sent: { x: number; y: number } | undefined;
let inFlight = false;

function myRow(): PositionRow | undefined {
  for (const row of players?.rows.values() ?? []) {
    if (row.owner === me) {
      return row;
    }
  }
  return undefined;
}

function draw(): void {
  const scale = canvas.width / WORLD_WIDTH;
  paint.clearRect(0, 0, canvas.width, canvas.height);
  paint.strokeStyle = '#262d3d';
  paint.lineWidth = 1;
  for (let x = 0; x <= WORLD_WIDTH; x += 10) {
    paint.beginPath();
    paint.moveTo(x * scale + 0.5, 0);
    paint.lineTo(x * scale + 0.5, canvas.height);
    paint.stroke();
  }
  for (let y = 0; y <= WORLD_HEIGHT; y += 10) {
    paint.beginPath();
    paint.moveTo(0, y * scale + 0.5);
    paint.lineTo(canvas.width, y * scale + 0.5);
    paint.stroke();
  }
  const rows = [...(players?.rows.values() ?? [])].sort((a, b) => (a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : 0));
  for (const row of rows) {
    const mine = row.owner === me;
    paint.beginPath();
    paint.arc(row.x * scale, row.y * scale, mine ? 9 : 7, 0, Math.PI * 2);
    paint.fillStyle = `hsl(${hue(row.owner)} 70% 60%)`;
    paint.fill();
    if (mine) {
      paint.strokeStyle = '#ffd166';
      paint.lineWidth = 3;
      paint.stroke();
    }
    paint.fillStyle = '#e6e6e6';
    paint.font = '12px system-ui, sans-serif';
    paint.fillText(String(row.owner), row.x * scale + 11, row.y * scale + 4);
  }
  list.replaceChildren(
    ...rows.map((row) => {
      const item = document.createElement('li');
      item.dataset.owner = String(row.owner);
      item.dataset.x = row.x.toFixed(1);
      item.dataset.y = row.y.toFixed(1);
      item.className = row.owner === me ? 'me' : '';
      item.textContent = `Player ${row.owner}${row.owner === me ? ' (you)' : ''}: ${row.x.toFixed(1)}, ${row.y.toFixed(1)}`;
      return item;
    }),
  );
}

let drawQueued = false;
function redraw(): void {
  if (!drawQueued) {
    drawQueued = true;
    requestAnimationFrame(() => {
      drawQueued = false;
      draw();
    });
  }
}

const KEYS: Record<string, [number, number]> = {
  ArrowLeft: [-1, 0], a: [-1, 0], A: [-1, 0],
  ArrowRight: [1, 0], d: [1, 0], D: [1, 0],
  ArrowUp: [0, -1], w: [0, -1], W: [0, -1],
  ArrowDown: [0, 1], s: [0, 1], S: [0, 1],
};

addEventListener('keydown', (event) => {
  if (KEYS[event.key]) {
    pressed.add(event.key);
    event.preventDefault();
  }
});
addEventListener('keyup', (event) => pressed.delete(event.key));
addEventListener('blur', () => pressed.clear());

/** One step of movement: moves the target by the keys held, and sends it unless a call is still out. */
function tick(client: HetuClient): void {
  if (target === undefined) {
    return;
  }
  let dx = 0;
  let dy = 0;
  for (const key of pressed) {
    dx += KEYS[key]![0];
    dy += KEYS[key]![1];
  }
  const step = (SPEED * TICK_MS) / 1000;
  const length = Math.hypot(dx, dy) || 1;
  target = {
    x: clamp(target.x + (dx / length) * step, WORLD_WIDTH),
    y: clamp(target.y + (dy / length) * step, WORLD_HEIGHT),
  };
  if (inFlight || (sent !== undefined && sent.x === target.x && sent.y === target.y)) {
    return;
  }
  const next = target;
  inFlight = true;
  client.systems
    .moveTo(next.x, next.y)
    .then(() => {
      sent = next;
    })
    .catch((error: unknown) => show('reconnecting', `Move refused: ${String(error)}`))
    .finally(() => {
      inFlight = false;
    });
}

/** The server's round clock (a tick on the server): which round this is and how long it has left. */
function showRound(round: Subscription<RoundRow>): void {
  const current = [...round.rows.values()][0];
  if (current === undefined) {
    roundText.textContent = '';
    return;
  }
  const left = Math.max(0, Math.ceil((Number(current.endsAt / 1_000_000n) - Date.now()) / 1000));
  roundText.dataset.number = String(current.number);
  roundText.textContent = `Round ${current.number}: ${left} s left`;
}

/**
 * A login token for this tab's player from the server's development login (auth.devLogin, which
 * mvn -Pplay package turns on): GET <endpoint>/dev-token?user=N. A live game gets its tokens from
 * its login service or identity provider instead.
 */
async function devToken(endpoint: string): Promise<string> {
  const address = `${endpoint.replace(/^ws/, 'http')}/dev-token?user=${me}`;
  const response = await fetch(address);
  if (!response.ok) {
    const reason = response.status === 404 ? 'the server hands out no development tokens (auth.devLogin is off)'
      : (await response.text()).trim();
    throw new Error(`no login token from ${address}: ${response.status}, ${reason}`);
  }
  return response.text();
}

async function play(): Promise<void> {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const url = new URLSearchParams(location.search).get('server') ?? `${scheme}://${location.host}/hetu`;
  const client = await connect({ url, onError: (error) => console.warn('HeTu:', error) });
  client.connection.onStateChange((state) => {
    if (state === 'open') {
      show('playing', `Playing as player ${me}.`);
    } else if (state === 'reconnecting') {
      show('reconnecting', 'Connection lost: reconnecting…');
    } else if (state === 'closed') {
      show('failed', 'Disconnected. Reload the page to play again.');
    }
  });
  // Logs in now and again after every reconnect, before the subscriptions resume, each time with a
  // fresh token: one that expired while the tab was away is replaced.
  await client.login(async (c) => c.systems.login(await devToken(url)));
  players = await client.position.queryByOwner({ limit: 1000 });
  players.onInsert(redraw);
  players.onUpdate(redraw);
  players.onDelete(redraw);
  const round = await client.round.selectBySlot(1);
  round.onInsert(() => showRound(round));
  round.onUpdate(() => showRound(round));
  setInterval(() => showRound(round), 250);
  showRound(round);

  const mine = myRow();
  target = mine !== undefined
    ? { x: mine.x, y: mine.y }
    : { x: 10 + Math.random() * (WORLD_WIDTH - 20), y: 10 + Math.random() * (WORLD_HEIGHT - 20) };
  setInterval(() => tick(client), TICK_MS);
  tick(client);
  show('playing', `Playing as player ${me}.`);
  redraw();
}

play().catch((error: unknown) => {
  show('failed', `Cannot play: ${error instanceof Error ? error.message : String(error)}`);
  console.error(error);
});
