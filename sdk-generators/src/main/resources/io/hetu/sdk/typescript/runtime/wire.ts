// The value encoding of the HeTu wire protocol (docs/PROTOCOL.md, "Encoding"): little-endian
// integers, u32-prefixed strings and bytes, presence flags, counts; and the row layout helpers.

import { utf8Decoder, utf8Encoder } from './platform.js';

/** A frame or row the client cannot decode: the server and the SDK disagree about the protocol. */
export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const U64_MAX = (1n << 64n) - 1n;

function checkInteger(value: number, min: number, max: number, type: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${String(value)} is not a valid ${type} (an integer from ${min} to ${max})`);
  }
  return value;
}

function checkBigInt(value: bigint, min: bigint, max: bigint, type: string): bigint {
  if (typeof value !== 'bigint' || value < min || value > max) {
    throw new RangeError(`${String(value)} is not a valid ${type}; pass a bigint from ${min} to ${max}`);
  }
  return value;
}

/** Encodes values into a growing buffer. */
export class Writer {
  private buffer = new Uint8Array(64);
  private view = new DataView(this.buffer.buffer);
  private length = 0;

  private reserve(bytes: number): number {
    const at = this.length;
    const needed = at + bytes;
    if (needed > this.buffer.length) {
      const grown = new Uint8Array(Math.max(needed, this.buffer.length * 2));
      grown.set(this.buffer.subarray(0, at));
      this.buffer = grown;
      this.view = new DataView(grown.buffer);
    }
    this.length = needed;
    return at;
  }

  u8(value: number): this {
    this.view.setUint8(this.reserve(1), checkInteger(value, 0, 0xff, 'u8'));
    return this;
  }

  u16(value: number): this {
    this.view.setUint16(this.reserve(2), checkInteger(value, 0, 0xffff, 'u16'), true);
    return this;
  }

  u32(value: number): this {
    this.view.setUint32(this.reserve(4), checkInteger(value, 0, 0xffffffff, 'u32'), true);
    return this;
  }

  u64(value: bigint): this {
    this.view.setBigUint64(this.reserve(8), checkBigInt(value, 0n, U64_MAX, 'u64'), true);
    return this;
  }

  bool(value: boolean): this {
    if (typeof value !== 'boolean') {
      throw new TypeError(`${String(value)} is not a boolean`);
    }
    return this.u8(value ? 1 : 0);
  }

  i8(value: number): this {
    this.view.setInt8(this.reserve(1), checkInteger(value, -0x80, 0x7f, 'i8'));
    return this;
  }

  i16(value: number): this {
    this.view.setInt16(this.reserve(2), checkInteger(value, -0x8000, 0x7fff, 'i16'), true);
    return this;
  }

  i32(value: number): this {
    this.view.setInt32(this.reserve(4), checkInteger(value, -0x80000000, 0x7fffffff, 'i32'), true);
    return this;
  }

  i64(value: bigint): this {
    this.view.setBigInt64(this.reserve(8), checkBigInt(value, I64_MIN, I64_MAX, 'i64'), true);
    return this;
  }

  f32(value: number): this {
    this.view.setFloat32(this.reserve(4), value, true);
    return this;
  }

  f64(value: number): this {
    this.view.setFloat64(this.reserve(8), value, true);
    return this;
  }

  /** A Java `char`: a string of exactly one UTF-16 code unit. */
  char(value: string): this {
    if (typeof value !== 'string' || value.length !== 1) {
      throw new RangeError(`${JSON.stringify(value)} is not a char (a string of one UTF-16 code unit)`);
    }
    return this.u16(value.charCodeAt(0));
  }

  /** A value string: u32 byte length, then UTF-8. */
  string(value: string): this {
    const bytes = utf8Encoder.encode(value);
    return this.u32(bytes.length).raw(bytes);
  }

  /** A protocol string (schema hash, codes): u16 byte length, then UTF-8. */
  shortString(value: string): this {
    const bytes = utf8Encoder.encode(value);
    return this.u16(bytes.length).raw(bytes);
  }

  bytes(value: Uint8Array): this {
    return this.u32(value.length).raw(value);
  }

  raw(bytes: Uint8Array): this {
    // Reserve first: it may replace the buffer, and the bytes go into the one it leaves.
    const at = this.reserve(bytes.length);
    this.buffer.set(bytes, at);
    return this;
  }

  /** An enum constant as its ordinal, in 1 byte or (wide) 2. */
  ordinal<T extends string>(constants: readonly T[], value: T, wide: boolean): this {
    const ordinal = constants.indexOf(value);
    if (ordinal < 0) {
      throw new RangeError(`${JSON.stringify(value)} is none of ${constants.join(', ')}`);
    }
    return wide ? this.u16(ordinal) : this.u8(ordinal);
  }

  /** A presence flag, then the value when it is not null. */
  nullable<T>(value: T | null, write: (value: T) => void): this {
    if (value === null || value === undefined) {
      return this.u8(0);
    }
    this.u8(1);
    write(value);
    return this;
  }

  /** A u32 count, then the elements. */
  list<T>(values: readonly T[], write: (value: T) => void): this {
    this.u32(values.length);
    for (const value of values) {
      write(value);
    }
    return this;
  }

  /** A copy of what was written. */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

/** Decodes values from a frame, checking every length against what is left. */
export class Reader {
  private position: number;
  private readonly end: number;

  constructor(private readonly view: DataView, offset = 0, end = view.byteLength) {
    this.position = offset;
    this.end = end;
  }

  static of(bytes: Uint8Array): Reader {
    return new Reader(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  get remaining(): number {
    return this.end - this.position;
  }

  private take(bytes: number, what: string): number {
    if (bytes > this.end - this.position) {
      throw new WireError(`${what} needs ${bytes} byte(s) but only ${this.end - this.position} remain`);
    }
    const at = this.position;
    this.position += bytes;
    return at;
  }

  u8(): number {
    return this.view.getUint8(this.take(1, 'a u8'));
  }

  u16(): number {
    return this.view.getUint16(this.take(2, 'a u16'), true);
  }

  u32(): number {
    return this.view.getUint32(this.take(4, 'a u32'), true);
  }

  u64(): bigint {
    return this.view.getBigUint64(this.take(8, 'a u64'), true);
  }

  bool(): boolean {
    const value = this.u8();
    if (value > 1) {
      throw new WireError(`a bool is 0 or 1, got ${value}`);
    }
    return value === 1;
  }

  i8(): number {
    return this.view.getInt8(this.take(1, 'an i8'));
  }

  i16(): number {
    return this.view.getInt16(this.take(2, 'an i16'), true);
  }

  i32(): number {
    return this.view.getInt32(this.take(4, 'an i32'), true);
  }

  i64(): bigint {
    return this.view.getBigInt64(this.take(8, 'an i64'), true);
  }

  f32(): number {
    return this.view.getFloat32(this.take(4, 'an f32'), true);
  }

  f64(): number {
    return this.view.getFloat64(this.take(8, 'an f64'), true);
  }

  char(): string {
    return String.fromCharCode(this.u16());
  }

  string(): string {
    return utf8Decoder.decode(this.slice(this.u32(), 'a string'));
  }

  shortString(): string {
    return utf8Decoder.decode(this.slice(this.u16(), 'a string'));
  }

  bytes(): Uint8Array {
    return this.slice(this.u32(), 'bytes').slice();
  }

  /** The next bytes, without copying. */
  slice(length: number, what: string): Uint8Array {
    const at = this.take(length, what);
    return new Uint8Array(this.view.buffer, this.view.byteOffset + at, length);
  }

  ordinal<T extends string>(constants: readonly T[], wide: boolean): T {
    return ordinalOf(constants, wide ? this.u16() : this.u8());
  }

  nullable<T>(read: () => T): T | null {
    const flag = this.u8();
    if (flag > 1) {
      throw new WireError(`a presence flag is 0 or 1, got ${flag}`);
    }
    return flag === 1 ? read() : null;
  }

  list<T>(read: () => T): T[] {
    const count = this.u32();
    const values: T[] = [];
    for (let i = 0; i < count; i++) {
      values.push(read());
    }
    return values;
  }

  expectEnd(what: string): void {
    if (this.position !== this.end) {
      throw new WireError(`${what} has ${this.end - this.position} unexpected trailing byte(s)`);
    }
  }
}

function ordinalOf<T extends string>(constants: readonly T[], ordinal: number): T {
  const constant = constants[ordinal];
  if (constant === undefined) {
    throw new WireError(`enum ordinal ${ordinal} is beyond the ${constants.length} known constant(s) ${constants.join(', ')}`);
  }
  return constant;
}

// Row layouts (docs/MANIFEST.md): strings and bytes are a u16 length then the content, nulls live in a bitmap.

/** Whether a nullable column holds a value: bit `bit` of the null bitmap at `bitmap`. */
export function rowPresent(view: DataView, bitmap: number, bit: number): boolean {
  return ((view.getUint8(bitmap + (bit >> 3)) >> (bit & 7)) & 1) === 1;
}

export function rowString(view: DataView, offset: number): string {
  const length = view.getUint16(offset, true);
  return utf8Decoder.decode(new Uint8Array(view.buffer, view.byteOffset + offset + 2, length));
}

export function rowBytes(view: DataView, offset: number): Uint8Array {
  const length = view.getUint16(offset, true);
  return new Uint8Array(view.buffer, view.byteOffset + offset + 2, length).slice();
}

export function rowChar(view: DataView, offset: number): string {
  return String.fromCharCode(view.getUint16(offset, true));
}

export function rowOrdinal<T extends string>(constants: readonly T[], ordinal: number): T {
  return ordinalOf(constants, ordinal);
}
