// Shared by the Node scripts that the TypeScript SDK tests run against the compiled, generated SDK.
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** Node's `ws`, from the test tools' node_modules (argument --node-modules). */
export function loadWs(nodeModules) {
  return createRequire(join(nodeModules, 'noop.js'))('ws');
}

/** playwright-core, from the test tools' node_modules; it drives the system's Chromium and never downloads one. */
export function loadPlaywright(nodeModules) {
  return createRequire(join(nodeModules, 'noop.js'))('playwright-core');
}

export function args() {
  const parsed = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    parsed[argv[i].replace(/^--/, '')] = argv[i + 1];
  }
  return parsed;
}

/** Waits until `condition()` holds, checking after every macrotask; the guard only stops a hung script. */
export async function until(condition, what, guardMs = 30000) {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > guardMs) {
      throw new Error(`gave up waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** JSON with bigints as {"$bigint": "..."}, bytes as {"$bytes": hex}, and NaN, infinities and -0 kept. */
export function canon(value) {
  if (typeof value === 'bigint') {
    return { $bigint: value.toString() };
  }
  if (value instanceof Uint8Array) {
    return { $bytes: Buffer.from(value).toString('hex') };
  }
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return { $number: 'NaN' };
    if (value === Infinity) return { $number: 'Infinity' };
    if (value === -Infinity) return { $number: '-Infinity' };
    if (Object.is(value, -0)) return { $number: '-0' };
    return value;
  }
  if (Array.isArray(value)) {
    return value.map(canon);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, canon(v)]));
  }
  return value === undefined ? null : value;
}

/** The inverse of canon. */
export function uncanon(value) {
  if (Array.isArray(value)) {
    return value.map(uncanon);
  }
  if (value !== null && typeof value === 'object') {
    if ('$bigint' in value) return BigInt(value.$bigint);
    if ('$bytes' in value) return new Uint8Array(Buffer.from(value.$bytes, 'hex'));
    if ('$number' in value) return value.$number === '-0' ? -0 : Number(value.$number);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, uncanon(v)]));
  }
  return value;
}

export function print(object) {
  process.stdout.write(JSON.stringify(canon(object)) + '\n');
}
