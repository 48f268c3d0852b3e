// The row browser: one QUERY subscription on the console's operator WebSocket (/admin/socket,
// which the server makes an operator's connection to the game endpoint), kept up to date by the
// UPDATEs the ordinary subscription engine pushes. Rows are decoded by the manifest.

import {
  type Cell, type ComponentDef, type Manifest, DONE, ERROR, HELLO, PING, PONG, PROTOCOL_VERSION, QUERY,
  Reader, REJECTED, SUBSCRIBED, UNSUBSCRIBE, UPDATE, WELCOME, Writer, compareCells, writeKey,
} from './wire.js';

/** How a bound compares with the index column, as the console offers it. */
export type Operator = 'all' | 'eq' | 'lt' | 'le' | 'gt' | 'ge' | 'between';

export interface Query {
  component: number;
  index: number;
  operator: Operator;
  value: string;
  upTo: string;
  limit: number;
  descending: boolean;
}

export interface BrowsedRow {
  id: bigint;
  cells: Cell[];
  /** How many times the row changed since it was subscribed to (0: as in the snapshot). */
  version: number;
  changedAt: number;
}

const NO_LIMIT = 0xffffffff;
const MORE_FOLLOW = 65535;
const FLAG_DESCENDING = 1;
const HAS_LOW = 2;
const LOW_INCLUSIVE = 4;
const HAS_HIGH = 8;
const HIGH_INCLUSIVE = 16;

export class RowBrowser {
  private socket: WebSocket | null = null;
  private opening: Promise<void> | null = null;
  private nextRequest = 1;
  private queryRequest = 0;
  private subscription = -1;
  private component: ComponentDef | null = null;
  private keyColumn = 0;
  private descending = false;
  private readonly rows = new Map<bigint, BrowsedRow>();
  /** The component each QUERY asked for, and each subscription's: UPDATEs of any are read by their layout. */
  private readonly requested = new Map<number, ComponentDef>();
  private readonly layouts = new Map<number, ComponentDef>();
  /** Changes of one seq that span frames of 65,535 changes, applied together. */
  private held: Array<() => void> = [];
  private pinger = 0;
  seq = 0n;
  status = 'not connected';

  constructor(private readonly manifest: Manifest, private readonly changed: () => void) {}

  /** The rows in index order. */
  list(): BrowsedRow[] {
    const rows = [...this.rows.values()];
    const key = this.keyColumn;
    rows.sort((a, b) => {
      const order = compareCells(a.cells[key], b.cells[key]) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
      return this.descending ? -order : order;
    });
    return rows;
  }

  current(): ComponentDef | null {
    return this.component;
  }

  /** Subscribes to the query's rows, ending the previous subscription; throws when a bound does not fit. */
  async query(query: Query): Promise<void> {
    const component = this.manifest.components[query.component];
    const column = component.fields.findIndex((f) => f.name === component.indexes[query.index].field);
    const field = component.fields[column];
    let flags = query.descending ? FLAG_DESCENDING : 0;
    const bounds = new Writer();
    const low = (inclusive: boolean, text: string): void => {
      flags |= HAS_LOW | (inclusive ? LOW_INCLUSIVE : 0);
      writeKey(bounds, field, text);
    };
    const high = (inclusive: boolean, text: string): void => {
      flags |= HAS_HIGH | (inclusive ? HIGH_INCLUSIVE : 0);
      writeKey(bounds, field, text);
    };
    switch (query.operator) {
      case 'all': break;
      case 'eq': low(true, query.value); high(true, query.value); break;
      case 'lt': high(false, query.value); break;
      case 'le': high(true, query.value); break;
      case 'gt': low(false, query.value); break;
      case 'ge': low(true, query.value); break;
      case 'between': low(true, query.value); high(true, query.upTo); break;
    }
    await this.open();
    if (this.subscription >= 0) {
      this.send(new Writer().u8(UNSUBSCRIBE).u32(this.nextRequest++).u32(this.subscription));
    }
    this.subscription = -1;
    this.rows.clear();
    this.held = [];
    this.component = component;
    this.keyColumn = column;
    this.descending = query.descending;
    this.queryRequest = this.nextRequest++;
    this.requested.set(this.queryRequest, component);
    this.status = 'subscribing…';
    this.send(new Writer().u8(QUERY).u32(this.queryRequest).u16(query.component).u8(query.index).u8(flags)
      .u32(query.limit < 0 ? NO_LIMIT : query.limit).raw(bounds.done()));
    this.changed();
  }

  private send(frame: Writer): void {
    this.socket?.send(frame.done());
  }

  private open(): Promise<void> {
    if (this.opening !== null) {
      return this.opening;
    }
    this.opening = new Promise((resolve, reject) => {
      const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/admin/socket`);
      socket.binaryType = 'arraybuffer';
      this.socket = socket;
      socket.onopen = () => this.send(new Writer().u8(HELLO).u16(PROTOCOL_VERSION).shortString(this.manifest.schemaHash));
      socket.onmessage = (event: MessageEvent) => {
        const frame = new Reader(event.data as ArrayBuffer);
        if (frame.u8() === WELCOME) {
          this.status = 'connected';
          this.pinger = window.setInterval(() => this.send(new Writer().u8(PING).i64(BigInt(Date.now()))), 10_000);
          resolve();
          socket.onmessage = (next: MessageEvent) => this.receive(next.data as ArrayBuffer);
        } else {
          frame.at = 0;
          this.receive(event.data as ArrayBuffer);
          reject(new Error(this.status));
        }
      };
      socket.onclose = (event: CloseEvent) => {
        window.clearInterval(this.pinger);
        this.status = `disconnected (${event.code}${event.reason === '' ? '' : ' ' + event.reason}); browse again to reconnect`;
        this.socket = null;
        this.opening = null;
        this.subscription = -1;
        reject(new Error(this.status));
        this.changed();
      };
    });
    return this.opening;
  }

  private receive(data: ArrayBuffer): void {
    const frame = new Reader(data);
    const type = frame.u8();
    switch (type) {
      case SUBSCRIBED: this.subscribed(frame); break;
      case UPDATE: this.update(frame); break;
      case REJECTED: {
        const request = frame.u32();
        const code = frame.shortString();
        const message = frame.shortString();
        if (request === this.queryRequest) {
          this.status = `rejected ${code}: ${message}`;
        }
        break;
      }
      case ERROR: {
        const code = frame.shortString();
        this.status = `the server ended the connection: ${code}: ${frame.shortString()}`;
        break;
      }
      case DONE:
      case PONG:
        return;
      default:
        this.status = `unexpected frame 0x${type.toString(16)}`;
    }
    this.changed();
  }

  private subscribed(frame: Reader): void {
    const request = frame.u32();
    const subscription = frame.u32();
    const seq = frame.i64();
    const count = frame.u32();
    const layout = this.requested.get(request);
    this.requested.delete(request);
    if (layout !== undefined) {
      this.layouts.set(subscription, layout);
    }
    if (request !== this.queryRequest || this.component === null) {
      // An older query's answer: end it.
      this.send(new Writer().u8(UNSUBSCRIBE).u32(this.nextRequest++).u32(subscription));
      return;
    }
    this.subscription = subscription;
    this.seq = seq;
    for (let i = 0; i < count; i++) {
      const id = frame.i64();
      this.rows.set(id, { id, cells: frame.row(this.component), version: 0, changedAt: 0 });
    }
    this.status = `live at seq ${seq}`;
  }

  private update(frame: Reader): void {
    const seq = frame.i64();
    const count = frame.u16();
    const component = this.component;
    for (let i = 0; i < count; i++) {
      const subscription = frame.u32();
      const kind = frame.u8();
      const id = frame.i64();
      const ours = subscription === this.subscription && component !== null;
      if (kind === 3) {
        if (ours) {
          this.held.push(() => this.rows.delete(id));
        }
        continue;
      }
      if (component === null || !ours) {
        // An ended subscription's row, skipped by the size of its component's rows.
        frame.at += this.layouts.get(subscription)?.rowSize ?? 0;
        continue;
      }
      const cells = frame.row(component);
      this.held.push(() => {
        const before = this.rows.get(id);
        this.rows.set(id, { id, cells, version: (before?.version ?? 0) + 1, changedAt: Date.now() });
      });
    }
    if (count !== MORE_FOLLOW) {
      this.held.forEach((apply) => apply());
      this.held = [];
      this.seq = seq;
      if (this.subscription >= 0) {
        this.status = `live at seq ${seq}`;
      }
    }
  }
}
