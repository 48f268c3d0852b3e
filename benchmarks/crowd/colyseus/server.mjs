// The crowd game on Colyseus 0.18, for the crowd benchmark: the same game as HeTu's samples/crowd.
//
//   node server.mjs --port <port> [--patch-ms 16]
//
// Room "crowd": a MapSchema of players (x, y), keyed by the id the client joins with; a `move`
// message { x, y } sets the sender's position. A client that joins with { view: "aoi" } sees only
// the players whose home cell lies in its 16-cell area of interest (../grid.mjs), through Colyseus's
// StateView; players keep to their home cell in the benchmark, so each view is fixed at join.
// Prints "crowd colyseus listening on <port>" once it serves.
import { parseArgs } from 'node:util';
import { Room, Server } from '@colyseus/core';
import { WebSocketTransport } from '@colyseus/ws-transport';
import { schema, t, StateView } from '@colyseus/schema';
import { areaOfInterest, cellOf, inArea } from '../grid.mjs';

const { values: options } = parseArgs({
  options: { port: { type: 'string' }, 'patch-ms': { type: 'string', default: '16' } },
});
const PATCH_MS = Number(options['patch-ms']);

const Player = schema({ x: t.float32(), y: t.float32() }, 'Player');
// `.view()`: a client that has a StateView receives only the players added to it; one without a
// view (full visibility) receives none of a view-tagged field, so full-visibility clients get a
// view holding every player.
const CrowdState = schema({ players: t.map(Player).view() }, 'CrowdState');

class CrowdRoom extends Room {
  maxClients = 10_000;
  patchRate = PATCH_MS;

  onCreate() {
    this.setState(new CrowdState());
    this.watchers = []; // { client, area | null }
    this.homes = new Map(); // player id -> home cell
    this.onMessage('move', (client, move) => {
      const player = this.state.players.get(client.userData.id);
      player.x = move.x;
      player.y = move.y;
    });
  }

  onJoin(client, join) {
    const id = String(join.id);
    const home = cellOf(join.x, join.y);
    const player = new Player({ x: join.x, y: join.y });
    client.userData = { id };
    client.view = new StateView();
    const area = join.view === 'aoi' ? areaOfInterest(home) : null;
    this.state.players.set(id, player);
    for (const [otherId, otherHome] of this.homes) {
      if (area === null || inArea(area, otherHome)) {
        client.view.add(this.state.players.get(otherId));
      }
    }
    client.view.add(player);
    for (const watcher of this.watchers) {
      if (watcher.area === null || inArea(watcher.area, home)) {
        watcher.client.view.add(player);
      }
    }
    this.homes.set(id, home);
    this.watchers.push({ client, area });
  }

  onLeave(client) {
    const { id } = client.userData;
    this.watchers = this.watchers.filter((watcher) => watcher.client !== client);
    this.homes.delete(id);
    this.state.players.delete(id);
  }
}

const server = new Server({ transport: new WebSocketTransport(), greet: false });
server.define('crowd', CrowdRoom);
await server.listen(Number(options.port), '127.0.0.1');
console.log(`crowd colyseus listening on ${options.port}`);
