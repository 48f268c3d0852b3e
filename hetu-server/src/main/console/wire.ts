// The game protocol as the admin console needs it (docs/PROTOCOL.md): the manifest's layouts,
// rows decoded from their layout bytes, index keys encoded as values of their column's type, and
// the frames of a session that subscribes to index ranges. Generic over any app: everything comes
// from the manifest the server serves at <path>/schema.json.

export interface FieldDef {
  name: string;
  type: string;
  offset: number;
  size: number;
  nullable: boolean;
  nullBit?: number;
  maxLength?: number;
  enum?: string[];
}

export interface IndexDef {
  field: string;
  unique: boolean;
}

export interface ComponentDef {
  name: string;
  namespace: string;
  permission: string;
  rowSize: number;
  nullBitmap: { offset: number; size: number };
  fields: FieldDef[];
  indexes: IndexDef[];
}

export interface Manifest {
  schemaHash: string;
  components: ComponentDef[];
}

/** A decoded column: i64 values stay exact as bigint. */
export type Cell = string | number | boolean | bigint | null;

export const HELLO = 0x01;
export const QUERY = 0x04;
export const UNSUBSCRIBE = 0x05;
export const PING = 0x06;
export const WELCOME = 0x81;
export const REJECTED = 0x83;
export const SUBSCRIBED = 0x84;
export const DONE = 0x85;
export const PONG = 0x86;
export const ERROR = 0x8f;
export const UPDATE = 0x90;
export const PROTOCOL_VERSION = 2;

const UTF8 = new TextEncoder();
const FROM_UTF8 = new TextDecoder();

export function qualified(component: ComponentDef): string {
  return component.namespace === '' ? component.name : `${component.namespace}.${component.name}`;
}

/** A growable little-endian buffer. */
export class Writer {
  private bytes = new Uint8Array(64);
  private view = new DataView(this.bytes.buffer);
  size = 0;

  private room(n: number): number {
    if (this.size + n > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.size + n));
      grown.set(this.bytes);
      this.bytes = grown;
      this.view = new DataView(grown.buffer);
    }
    const at = this.size;
    this.size += n;
    return at;
  }

  u8(v: number): this { this.view.setUint8(this.room(1), v); return this; }
  i8(v: number): this { this.view.setInt8(this.room(1), v); return this; }
  u16(v: number): this { this.view.setUint16(this.room(2), v, true); return this; }
  i16(v: number): this { this.view.setInt16(this.room(2), v, true); return this; }
  u32(v: number): this { this.view.setUint32(this.room(4), v, true); return this; }
  i32(v: number): this { this.view.setInt32(this.room(4), v, true); return this; }
  i64(v: bigint): this { this.view.setBigInt64(this.room(8), v, true); return this; }
  f32(v: number): this { this.view.setFloat32(this.room(4), v, true); return this; }
  f64(v: number): this { this.view.setFloat64(this.room(8), v, true); return this; }
  raw(b: Uint8Array): this { this.bytes.set(b, this.room(b.length)); return this; }
  shortString(s: string): this { const b = UTF8.encode(s); return this.u16(b.length).raw(b); }

  done(): Uint8Array {
    return this.bytes.slice(0, this.size);
  }
}

/** Reads a little-endian frame from the start. */
export class Reader {
  private readonly view: DataView;
  at = 0;

  constructor(private readonly buffer: ArrayBuffer) {
    this.view = new DataView(buffer);
  }

  u8(): number { const v = this.view.getUint8(this.at); this.at += 1; return v; }
  u16(): number { const v = this.view.getUint16(this.at, true); this.at += 2; return v; }
  u32(): number { const v = this.view.getUint32(this.at, true); this.at += 4; return v; }
  i64(): bigint { const v = this.view.getBigInt64(this.at, true); this.at += 8; return v; }
  shortString(): string {
    const n = this.u16();
    const text = FROM_UTF8.decode(new Uint8Array(this.buffer, this.at, n));
    this.at += n;
    return text;
  }

  /** A row's layout bytes, decoded; moves past them. */
  row(component: ComponentDef): Cell[] {
    const cells = decodeRow(component, this.view, this.at);
    this.at += component.rowSize;
    return cells;
  }
}

function nanosToInstant(nanos: bigint): string {
  const millis = nanos / 1_000_000n - (nanos % 1_000_000n < 0n ? 1n : 0n);
  return new Date(Number(millis)).toISOString();
}

function nanosToDuration(nanos: bigint): string {
  const negative = nanos < 0n;
  const abs = negative ? -nanos : nanos;
  const seconds = abs / 1_000_000_000n;
  const fraction = (abs % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}PT${seconds}${fraction === '' ? '' : '.' + fraction}S`;
}

function base64(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) {
    text += String.fromCharCode(b);
  }
  return btoa(text);
}

/** A row from its layout bytes at {@code at}: one cell per field, in the manifest's order. */
export function decodeRow(component: ComponentDef, view: DataView, at: number): Cell[] {
  return component.fields.map((field) => {
    if (field.nullable && field.nullBit !== undefined) {
      const bitmap = view.getUint8(at + component.nullBitmap.offset + (field.nullBit >> 3));
      if ((bitmap & (1 << (field.nullBit & 7))) === 0) {
        return null;
      }
    }
    const o = at + field.offset;
    switch (field.type) {
      case 'bool': return view.getUint8(o) !== 0;
      case 'i8': return view.getInt8(o);
      case 'i16': return view.getInt16(o, true);
      case 'i32': return view.getInt32(o, true);
      case 'i64': return view.getBigInt64(o, true);
      case 'f32': return view.getFloat32(o, true);
      case 'f64': return view.getFloat64(o, true);
      case 'char': return String.fromCharCode(view.getUint16(o, true));
      case 'enum8': return constant(field, view.getUint8(o));
      case 'enum16': return constant(field, view.getUint16(o, true));
      case 'instant': return nanosToInstant(view.getBigInt64(o, true));
      case 'duration': return nanosToDuration(view.getBigInt64(o, true));
      case 'string':
      case 'bytes': {
        const length = Math.min(view.getUint16(o, true), field.maxLength ?? 0);
        const content = new Uint8Array(view.buffer, view.byteOffset + o + 2, length);
        return field.type === 'string' ? FROM_UTF8.decode(content) : base64(content);
      }
      default: return `<${field.type}>`;
    }
  });
}

function constant(field: FieldDef, ordinal: number): string {
  return field.enum !== undefined && ordinal < field.enum.length ? field.enum[ordinal] : `#${ordinal}`;
}

/** Writes {@code text} as a key of column {@code field}, as a QUERY bound is written; throws with what is wrong. */
export function writeKey(out: Writer, field: FieldDef, text: string): void {
  const wrong = (what: string): Error => new Error(`${field.name}: '${text}' is not ${what}`);
  const integer = (min: bigint, max: bigint): bigint => {
    if (!/^-?\d+$/.test(text.trim())) {
      throw wrong('a whole number');
    }
    const v = BigInt(text.trim());
    if (v < min || v > max) {
      throw wrong(`a whole number from ${min} to ${max}`);
    }
    return v;
  };
  const real = (): number => {
    const v = Number(text);
    if (text.trim() === '' || Number.isNaN(v)) {
      throw wrong('a number');
    }
    return v;
  };
  switch (field.type) {
    case 'bool':
      if (text !== 'true' && text !== 'false') {
        throw wrong('true or false');
      }
      out.u8(text === 'true' ? 1 : 0);
      return;
    case 'i8': out.i8(Number(integer(-128n, 127n))); return;
    case 'i16': out.i16(Number(integer(-32768n, 32767n))); return;
    case 'i32': out.i32(Number(integer(-2147483648n, 2147483647n))); return;
    case 'i64': out.i64(integer(-(2n ** 63n), 2n ** 63n - 1n)); return;
    case 'f32': out.f32(real()); return;
    case 'f64': out.f64(real()); return;
    case 'char':
      if (text.length !== 1) {
        throw wrong('one character');
      }
      out.u16(text.charCodeAt(0));
      return;
    case 'enum8':
    case 'enum16': {
      const ordinal = (field.enum ?? []).indexOf(text);
      if (ordinal < 0) {
        throw wrong(`one of ${(field.enum ?? []).join(', ')}`);
      }
      if (field.type === 'enum8') {
        out.u8(ordinal);
      } else {
        out.u16(ordinal);
      }
      return;
    }
    case 'instant': {
      const millis = Date.parse(text);
      if (Number.isNaN(millis)) {
        throw wrong('an ISO-8601 instant such as 2026-12-04T10:00:00Z');
      }
      out.i64(BigInt(millis) * 1_000_000n);
      return;
    }
    case 'duration': {
      const match = /^PT(\d+)(?:\.(\d{1,9}))?S$/.exec(text.trim());
      if (match === null) {
        throw wrong('a duration in seconds such as PT90S or PT1.5S');
      }
      out.i64(BigInt(match[1]) * 1_000_000_000n + BigInt((match[2] ?? '').padEnd(9, '0') || '0'));
      return;
    }
    case 'string': { const b = UTF8.encode(text); out.u32(b.length).raw(b); return; }
    case 'bytes': {
      let raw: string;
      try {
        raw = atob(text);
      } catch {
        throw wrong('base64');
      }
      out.u32(raw.length).raw(Uint8Array.from(raw, (c) => c.charCodeAt(0)));
      return;
    }
    default: throw new Error(`${field.name}: the console cannot write a key of type ${field.type}`);
  }
}

/** Orders cells as the index orders its keys (null first). */
export function compareCells(a: Cell, b: Cell): number {
  if (a === b) {
    return 0;
  }
  if (a === null) {
    return -1;
  }
  if (b === null) {
    return 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A cell as the tables show it. */
export function show(cell: Cell): string {
  return cell === null ? 'null' : typeof cell === 'string' ? cell : String(cell);
}
