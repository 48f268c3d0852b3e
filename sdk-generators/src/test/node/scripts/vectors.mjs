// Decodes and encodes the shared test vectors that Java wrote with the server's own row flyweights and wire writer.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as sdk from '../sdk/dist/index.js';
import { args, canon, print, uncanon } from './common.mjs';

const vectors = JSON.parse(readFileSync(args().vectors, 'utf8'));
const hex = (bytes) => Buffer.from(bytes).toString('hex');
const bytesOf = (text) => new Uint8Array(Buffer.from(text, 'hex'));
const pascal = (name) => name[0].toUpperCase() + name.slice(1);

let rows = 0;
for (const vector of vectors.rows) {
  const bytes = bytesOf(vector.hex);
  // Decode at an offset inside a larger buffer, as rows arrive inside frames.
  const frame = new Uint8Array(bytes.length + 7);
  frame.set(bytes, 7);
  const row = sdk.decodeGadgetRow(new DataView(frame.buffer), 7);
  assert.deepEqual(canon(row), vector.expected, `row ${vector.label}`);
  rows++;
}

let argumentsChecked = 0;
for (const vector of vectors.arguments) {
  const writer = new sdk.Writer();
  sdk[`write${pascal(vector.system)}Arguments`](writer, ...uncanon(vector.values));
  assert.equal(hex(writer.finish()), vector.hex, `arguments of ${vector.system} ${vector.label}`);
  argumentsChecked++;
}

let results = 0;
for (const vector of vectors.results) {
  const reader = sdk.Reader.of(bytesOf(vector.hex));
  const value = sdk[`read${pascal(vector.system)}Result`](reader);
  reader.expectEnd(`the result of ${vector.system}`);
  assert.deepEqual(canon(value), vector.expected, `result of ${vector.system} ${vector.label}`);
  results++;
}

print({ rows, arguments: argumentsChecked, results });
