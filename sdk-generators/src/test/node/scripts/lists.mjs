// A sorted list over the generated SDK: a live top three and the whole list of a season, kept in list order
// with the generated comparator while another client posts scores (one standing per player, ten at most).
import assert from 'node:assert/strict';
import { compareStandingRows, connect } from '../sdk/dist/index.js';
import { args, loadWs, print, until } from './common.mjs';

const { url, 'node-modules': nodeModules } = args();
const WebSocket = loadWs(nodeModules);
const errors = [];
const options = { url, WebSocket, onError: (error) => errors.push(String(error)) };

const viewer = await connect(options);
const poster = await connect(options);
const top = await viewer.standing.subscribeTop(1, 3);
const whole = await viewer.standing.subscribeList(1);
const bottom = await viewer.standing.subscribeLast(1, 2);
const otherSeason = await viewer.standing.subscribeList(2);
const events = { insert: 0, update: 0, delete: 0 };
top.onInsert(() => events.insert++);
top.onUpdate(() => events.update++);
top.onDelete(() => events.delete++);

// The model: one standing per player, sorted by points descending, then name, then posting order; ten kept.
let model = [];
let posted = 0;
const ordered = (sub) => [...sub.rows.values()].sort(compareStandingRows).map((r) => `${r.player}:${r.points}:${r.name}`);
for (let i = 0; i < 40; i++) {
  const player = BigInt((i * 7) % 13);
  const points = (i * 37) % 50;
  const name = `p${player}`;
  model = model.filter((s) => s.player !== player);
  model.push({ player, points, name, order: posted++ });
  model.sort((a, b) => b.points - a.points || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || a.order - b.order);
  model = model.slice(0, 10);
  await poster.systems.postStanding(1, player, points, name);
  const expected = model.map((s) => `${s.player}:${s.points}:${s.name}`);
  await until(() => ordered(whole).join() === expected.join(), `the whole list after post ${i}`);
  await until(() => ordered(top).join() === expected.slice(0, 3).join(), `the top three after post ${i}`);
  await until(() => ordered(bottom).join() === expected.slice(-2).join(), `the bottom two after post ${i}`);
}
assert.equal(otherSeason.rows.size, 0, 'another season sees nothing');
// Names whose UTF-16 order is not the server's (code points, the order of their UTF-8 bytes): U+FF01 comes before
// U+1F600. The comparator agrees with the row the server puts first.
await poster.systems.postStanding(4, 1n, 5, '\u{1F600}');
await poster.systems.postStanding(4, 2n, 5, '\uFF01');
const first = await viewer.standing.subscribeTop(4, 1);
const both = await viewer.standing.subscribeList(4);
assert.deepEqual([...first.rows.values()].map((r) => r.player), [2n], "the server's first row of season 4");
assert.deepEqual(ordered(both), ['2:5:\uFF01', '1:5:\u{1F600}'], 'the comparator orders text by code point');
const summary = { top: ordered(top), whole: ordered(whole), events, errors };
viewer.close();
poster.close();
print(summary);
