// The crowd benchmark's load client: N players in this one Node process, each moving R times a
// second, against HeTu (the crowd app, through its generated TypeScript SDK on `ws`) or against the
// same game on Colyseus (../colyseus, through @colyseus/sdk). Prints one JSON line per run.
//
//   node crowd-load.mjs --target hetu --url ws://127.0.0.1:2466/hetu --sdk <crowd SDK dist/index.js>
//   node crowd-load.mjs --target colyseus --url ws://127.0.0.1:2567 --server-pid <pid>
//   options: --players 50 --rate 10 --duration 10 --warmup 3 --view full|aoi --deflate off|on
//            --node-modules <dir holding ws (and @colyseus/sdk)>, default ./node_modules
//            --server-pid <pid>: the server's RSS (and, for Colyseus, CPU) from /proc
//
// How it measures:
// - Each player keeps to a home cell of the grid (../grid.mjs, the same as the HeTu app's
//   Grid.java), so its area of interest is fixed. Move k of a player goes to
//   x = column * 64 + k % 64, y = row * 64 + floor(k / 64) % 64: whole numbers, exact in a float32,
//   so a receiver reads k back from the position and looks up when the move was sent in the
//   mover's table (4096 entries, 409 s at 10 moves/s, longer than any run). All clients share
//   this process's clock.
// - Latency is from sending a move to another client receiving it, one sample per delivery.
// - Moves acknowledged: HeTu's call replies; Colyseus's `move` has no reply, so there it counts
//   the mover's own position coming back in a patch.
// - A HeTu player with 32 moves unanswered skips its next move (counted in movesSkipped), so a
//   server that falls behind cannot grow this process without bound.
// - Bytes are the TCP bytes the sockets read and wrote (after compression, when negotiated).
// - Server CPU: /proc/<pid>/stat of --server-pid; without it (HeTu only), GET /hetu/stats processCpuNanos.
// - This process's own CPU is reported too: near 100 % of a core, the figures are bounded by the
//   client, not by the server (clientSaturated). So are its event loop's delay (p99) and whether it
//   fell behind the move schedule by more than 10 % (clientBehind): on a loaded machine the client
//   may get too little CPU without using a whole core, and its lateness then adds to the latencies.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { areaOfInterest, CELL_SIZE, SIDE } from '../grid.mjs';

const { values: options } = parseArgs({
  options: {
    target: { type: 'string', default: 'hetu' },
    url: { type: 'string' },
    sdk: { type: 'string' },
    'node-modules': { type: 'string', default: join(dirname(fileURLToPath(import.meta.url)), 'node_modules') },
    players: { type: 'string', default: '50' },
    rate: { type: 'string', default: '10' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    view: { type: 'string', default: 'full' },
    deflate: { type: 'string', default: 'off' },
    'server-pid': { type: 'string' },
    seed: { type: 'string', default: '1' },
  },
});
const TARGET = options.target;
const PLAYERS = Number(options.players);
const RATE = Number(options.rate);
const DURATION_MS = Number(options.duration) * 1000;
const WARMUP_MS = Number(options.warmup) * 1000;
const VIEW = options.view;
const DEFLATE = options.deflate === 'on';
const SERVER_PID = options['server-pid'] ? Number(options['server-pid']) : null;
const HISTORY = 4096;
const MAX_UNANSWERED = 32;
const HANG_GUARD_MS = 60_000;

function emit(object) {
  process.stdout.write(JSON.stringify(object) + '\n');
}

function fail(message) {
  emit({ event: 'fail', message: String(message) });
  process.exit(1);
}

process.on('unhandledRejection', (error) => fail(`unhandled rejection: ${error?.stack ?? error}`));
process.on('uncaughtException', (error) => fail(`uncaught exception: ${error?.stack ?? error}`));

if (!['hetu', 'colyseus'].includes(TARGET) || !['full', 'aoi'].includes(VIEW) || !options.url
    || (TARGET === 'hetu' && !options.sdk)) {
  fail('usage: --target hetu|colyseus --url <url> [--sdk <dist/index.js> for hetu] --view full|aoi ...');
}

const requireModule = createRequire(join(options['node-modules'], 'resolve-from-here.js'));
const NodeWebSocket = requireModule('ws');

// Every socket either client opens, with the deflate choice of the run, kept to read its byte counts.
const sockets = [];
class MeteredWebSocket extends NodeWebSocket {
  constructor(url, protocols, settings) {
    if (protocols !== null && typeof protocols === 'object' && !Array.isArray(protocols)) {
      settings = protocols; // the Colyseus SDK passes ws its options in the protocols slot
      protocols = settings.protocols;
    }
    // ws inflates on libuv's thread pool through one process-wide queue of 10 by default, and a
    // socket waits for its compressed message before it reads the next: with N clients in one
    // process that queue, not either server, bounds a run. A browser inflates each socket's
    // messages on its own, so the queue is made as wide as the crowd.
    super(url, protocols, {
      headers: settings?.headers,
      perMessageDeflate: DEFLATE ? { concurrencyLimit: Math.max(10, PLAYERS) } : false,
    });
    sockets.push(this);
  }
}

// A seeded generator, so that runs place the crowd alike.
let seed = Number(options.seed) >>> 0;
function random() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let value = seed;
  value = Math.imul(value ^ (value >>> 15), value | 1);
  value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
  return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
}

const players = Array.from({ length: PLAYERS }, (_, index) => {
  const home = Math.floor(random() * SIDE * SIDE);
  return {
    index,
    home,
    column: home % SIDE,
    row: Math.floor(home / SIDE),
    sentAt: new Float64Array(HISTORY),
    next: 0,
    unanswered: 0,
  };
});
const positionOf = (player, k) => ({
  x: player.column * CELL_SIZE + (k % 64),
  y: player.row * CELL_SIZE + (Math.floor(k / 64) % 64),
});
const moveOf = (player, x, y) => (x - player.column * CELL_SIZE) + 64 * (y - player.row * CELL_SIZE);

// Latency histogram: 0.1 ms steps below 100 ms, 1 ms below 10 s, 100 ms up to 130 s.
const buckets = new Float64Array(1000 + 9900 + 1200);
const bucketOf = (ms) => (ms < 100 ? Math.floor(ms * 10)
  : ms < 10_000 ? 1000 + Math.floor(ms - 100) : Math.min(buckets.length - 1, 10_900 + Math.floor((ms - 10_000) / 100)));
const valueOf = (bucket) => (bucket < 1000 ? (bucket + 0.5) / 10
  : bucket < 10_900 ? 100 + (bucket - 1000) + 0.5 : 10_000 + (bucket - 10_900 + 0.5) * 100);
function percentile(p) {
  const total = buckets.reduce((sum, count) => sum + count, 0);
  if (total === 0) {
    return null;
  }
  let seen = 0;
  for (let bucket = 0; bucket < buckets.length; bucket++) {
    seen += buckets[bucket];
    if (seen >= total * p) {
      return Math.round(valueOf(bucket) * 100) / 100;
    }
  }
  return null;
}

let measuring = false;
const counts = { movesSent: 0, movesAcked: 0, movesSkipped: 0, updates: 0, othersUpdates: 0, latencySamples: 0, errors: 0 };
let firstError = null;
const seenBy = new Uint32Array(PLAYERS); // other players' moves each client received while measuring

/** A position update of `mover` reached client `receiver`. */
function delivered(receiver, mover, x, y) {
  const now = performance.now();
  if (!measuring) {
    return;
  }
  counts.updates++;
  if (receiver === mover) {
    return;
  }
  counts.othersUpdates++;
  seenBy[receiver.index]++;
  const sentAt = mover.sentAt[moveOf(mover, x, y) % HISTORY];
  if (sentAt > 0) {
    buckets[bucketOf(now - sentAt)]++;
    counts.latencySamples++;
  }
}

function error(e) {
  counts.errors++;
  firstError ??= String(e?.message ?? e);
}

async function until(condition, what) {
  const guard = Date.now() + HANG_GUARD_MS;
  while (!condition()) {
    if (Date.now() > guard) {
      fail(`gave up waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// Each target: join(player) connects that player, subscribes it and makes its first move;
// send(player, x, y) moves it; close() disconnects everyone; serverCpuNanos() reads the server.
const targets = {
  async hetu() {
    const { connect } = await import(pathToFileURL(options.sdk).href);
    const statsUrl = options.url.replace(/^ws/, 'http').replace(/\/hetu$/, '/hetu/stats');
    const clients = [];
    return {
      async join(player) {
        const client = await connect({ url: options.url, WebSocket: MeteredWebSocket, onError: error });
        clients.push(client);
        player.client = client;
        await client.systems.login(BigInt(player.index + 1));
        const ranges = VIEW === 'full' ? [[0, SIDE * SIDE - 1]] : areaOfInterest(player.home);
        for (const [low, high] of ranges) {
          const watched = await client.player.queryByCell({ low, high });
          watched.onInsert((id, row) => delivered(player, players[Number(row.owner) - 1], row.x, row.y));
          watched.onUpdate((id, row) => delivered(player, players[Number(row.owner) - 1], row.x, row.y));
        }
        const { x, y } = positionOf(player, 0);
        await client.systems.move(x, y);
      },
      send(player, x, y) {
        if (player.unanswered >= MAX_UNANSWERED) {
          if (measuring) counts.movesSkipped++;
          return false;
        }
        player.unanswered++;
        player.client.systems.move(x, y).then(() => {
          player.unanswered--;
          if (measuring) counts.movesAcked++;
        }, (e) => {
          player.unanswered--;
          error(e);
        });
        return true;
      },
      async serverCpuNanos() {
        if (SERVER_PID !== null) {
          return procCpuNanos();
        }
        const stats = await (await fetch(statsUrl)).json();
        return stats.processCpuNanos;
      },
      async close() {
        for (const client of clients) {
          client.close();
        }
      },
    };
  },

  async colyseus() {
    globalThis.WebSocket = MeteredWebSocket; // the Colyseus SDK picks its WebSocket when it loads
    const { Client, Callbacks } = await import(pathToFileURL(requireModule.resolve('@colyseus/sdk')).href);
    const rooms = [];
    const endpoint = options.url.replace(/^ws/, 'http');
    return {
      async join(player) {
        const { x, y } = positionOf(player, 0);
        const room = await new Client(endpoint).joinOrCreate('crowd', { id: player.index, x, y, view: VIEW });
        rooms.push(room);
        player.room = room;
        room.onError((code, message) => error(`${code} ${message}`));
        const callbacks = Callbacks.get(room);
        callbacks.onAdd('players', (state, key) => {
          const mover = players[Number(key)];
          callbacks.onChange(state, () => {
            if (mover === player && measuring) counts.movesAcked++;
            delivered(player, mover, state.x, state.y);
          });
        });
      },
      send(player, x, y) {
        player.room.send('move', { x, y });
        return true;
      },
      async serverCpuNanos() {
        return procCpuNanos();
      },
      async close() {
        await Promise.all(rooms.map((room) => room.leave().catch(() => {})));
      },
    };
  },
};

/**
 * The server's CPU time from /proc/<pid>/stat (fields 14 and 15: user and system time, in clock
 * ticks of 10 ms on Linux). Preferred to HeTu's GET /hetu/stats when the pid is known: a server that
 * has fallen behind answers that request late, which would stretch the measured interval.
 */
function procCpuNanos() {
  const fields = readFileSync(`/proc/${SERVER_PID}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000_000;
}

function serverRssKiB() {
  if (SERVER_PID === null) {
    return null;
  }
  const line = readFileSync(`/proc/${SERVER_PID}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line.split(/\s+/)[1]);
}

const bytes = () => sockets.reduce((sum, socket) => {
  sum.read += socket._socket?.bytesRead ?? 0;
  sum.written += socket._socket?.bytesWritten ?? 0;
  return sum;
}, { read: 0, written: 0 });

if (TARGET === 'colyseus' && SERVER_PID === null) {
  fail('--target colyseus needs --server-pid, to read the server\'s CPU');
}
const target = await targets[TARGET]();
const joinStarted = performance.now();
// Joined a few at a time, so that a large crowd does not open hundreds of handshakes at once.
for (let first = 0; first < PLAYERS; first += 25) {
  await Promise.all(players.slice(first, first + 25).map((player) => target.join(player)));
}
const joinMs = performance.now() - joinStarted;
const deflateNegotiated = sockets.length > 0 && sockets.every((socket) => socket.extensions.includes('permessage-deflate'));

// Each player moves every 1/R s, the players spread evenly over that period.
const periodMs = 1000 / RATE;
const timers = players.map((player) => setTimeout(() => {
  const move = () => {
    const k = ++player.next;
    const { x, y } = positionOf(player, k);
    player.sentAt[k % HISTORY] = performance.now();
    if (target.send(player, x, y) && measuring) {
      counts.movesSent++;
    }
  };
  move();
  player.timer = setInterval(move, periodMs);
}, (player.index / PLAYERS) * periodMs));

await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
const snapshot = async () => {
  const cpu = await target.serverCpuNanos();
  return { cpu, rss: serverRssKiB(), bytes: bytes(), client: process.cpuUsage(), at: performance.now() };
};
const before = await snapshot();
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
measuring = true;
await new Promise((resolve) => setTimeout(resolve, DURATION_MS));
measuring = false;
const after = await snapshot();
loopDelay.disable();
timers.forEach(clearTimeout);
players.forEach((player) => clearInterval(player.timer));

const seconds = (after.at - before.at) / 1000;
const clientCpu = (after.client.user + after.client.system - before.client.user - before.client.system) / 1000 / (after.at - before.at);
const serverCpuMs = (after.cpu - before.cpu) / 1e6;
const round = (value, digits = 1) => (value === null || !Number.isFinite(value) ? null : Math.round(value * 10 ** digits) / 10 ** digits);
emit({
  event: 'result',
  target: TARGET,
  players: PLAYERS,
  rate: RATE,
  view: VIEW,
  deflate: DEFLATE,
  deflateNegotiated,
  seconds: round(seconds, 2),
  joinMs: Math.round(joinMs),
  movesSentPerSecond: round(counts.movesSent / seconds),
  movesAckedPerSecond: round(counts.movesAcked / seconds),
  movesSkipped: counts.movesSkipped,
  updatesPerSecond: round(counts.updates / seconds),
  othersUpdatesPerSecond: round(counts.othersUpdates / seconds),
  latencySamples: counts.latencySamples,
  p50Ms: percentile(0.5),
  p99Ms: percentile(0.99),
  clientsSeeingOthers: seenBy.filter((count) => count > 0).length,
  bytesReadPerUpdate: round((after.bytes.read - before.bytes.read) / counts.updates),
  bytesWrittenPerMove: round((after.bytes.written - before.bytes.written) / counts.movesSent),
  serverCpuMs: round(serverCpuMs),
  serverCpuMsPer1000Updates: round(serverCpuMs / (counts.updates / 1000), 2),
  serverRssKiBBefore: before.rss,
  serverRssKiBAfter: after.rss,
  clientCpuCores: round(clientCpu, 2),
  clientSaturated: clientCpu > 0.9,
  clientLoopDelayP99Ms: round(loopDelay.percentile(99) / 1e6),
  clientBehind: counts.movesSent + counts.movesSkipped < 0.9 * PLAYERS * RATE * seconds,
  errors: counts.errors,
  firstError,
});
await target.close();
process.exit(0);
