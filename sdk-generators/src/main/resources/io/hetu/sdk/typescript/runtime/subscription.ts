// A live subscription: the client-side cache of its rows and the listeners of its changes.

import { KIND_DELETE } from './protocol.js';

/** How a component's rows are decoded: its id on the wire, its row size and the decoder over the layout bytes. */
export interface RowType<Row> {
  readonly componentId: number;
  readonly name: string;
  readonly rowSize: number;
  decode(view: DataView, offset: number): Row;
}

/**
 * The rows of one `select` or `query`, kept up to date by the server's updates and, after a reconnect, by
 * reconciling with a fresh snapshot: rows gone while away fire `onDelete`, changed ones `onUpdate`, new ones
 * `onInsert`.
 */
export class Subscription<Row> {
  /** @internal */
  constructor(private readonly state: SubscriptionState<Row>) {}

  /** The rows by id, as of the latest update applied. */
  get rows(): ReadonlyMap<bigint, Row> {
    return this.state.rows;
  }

  /** The commit seq the rows reflect. */
  get seq(): bigint {
    return this.state.seq;
  }

  /** False once unsubscribed, or once the connection ended for good. */
  get active(): boolean {
    return this.state.active;
  }

  /** Calls `listener` for every row that enters the result; returns a function that removes it. */
  onInsert(listener: (id: bigint, row: Row) => void): () => void {
    return listen(this.state.inserts, listener);
  }

  /** Calls `listener` for every row of the result that changes; returns a function that removes it. */
  onUpdate(listener: (id: bigint, row: Row, previous: Row) => void): () => void {
    return listen(this.state.updates, listener);
  }

  /** Calls `listener` for every row that leaves the result; returns a function that removes it. */
  onDelete(listener: (id: bigint, previous: Row) => void): () => void {
    return listen(this.state.deletes, listener);
  }

  /** Calls `listener` when the subscription ends: `null` after `unsubscribe`, else why. */
  onEnd(listener: (error: Error | null) => void): () => void {
    return listen(this.state.ends, listener);
  }

  /** Ends the subscription; nothing more is applied to `rows` after this resolves. */
  unsubscribe(): Promise<void> {
    return this.state.unsubscribe();
  }
}

function listen<L>(listeners: Set<L>, listener: L): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** The state behind a {@link Subscription}, driven by the connection. */
export class SubscriptionState<Row> {
  readonly rows = new Map<bigint, Row>();
  /** The layout bytes of each row, to tell which rows changed while the connection was away. */
  private readonly raw = new Map<bigint, Uint8Array>();
  readonly inserts = new Set<(id: bigint, row: Row) => void>();
  readonly updates = new Set<(id: bigint, row: Row, previous: Row) => void>();
  readonly deletes = new Set<(id: bigint, previous: Row) => void>();
  readonly ends = new Set<(error: Error | null) => void>();
  seq = 0n;
  active = true;
  /** Whether a snapshot was ever applied: later snapshots come from reconnecting and are reconciled. */
  snapshotted = false;
  /** The server's id for it on the current socket, or -1 while it is being (re)subscribed. */
  serverId = -1;

  constructor(
    readonly type: RowType<Row>,
    /** The SELECT or QUERY frame for a request id. */
    readonly request: (requestId: number) => Uint8Array,
    readonly unsubscribe: () => Promise<void>,
    private readonly report: (error: unknown) => void,
  ) {}

  /** Applies a snapshot: the first fills the cache silently, later ones reconcile it. */
  applySnapshot(seq: bigint, snapshot: ReadonlyArray<readonly [bigint, Uint8Array]>): void {
    this.seq = seq;
    if (!this.snapshotted) {
      this.snapshotted = true;
      for (const [id, bytes] of snapshot) {
        this.raw.set(id, bytes);
        this.rows.set(id, this.decode(bytes));
      }
      return;
    }
    const present = new Set<bigint>();
    for (const [id] of snapshot) {
      present.add(id);
    }
    for (const id of [...this.raw.keys()]) {
      if (!present.has(id)) {
        this.change(3, id, undefined);
      }
    }
    for (const [id, bytes] of snapshot) {
      const before = this.raw.get(id);
      if (before === undefined) {
        this.change(1, id, bytes);
      } else if (!sameBytes(before, bytes)) {
        this.change(2, id, bytes);
      }
    }
  }

  /** Applies one change of an UPDATE: an insert, an update or a delete (KIND_DELETE, without bytes). */
  change(kind: number, id: bigint, bytes: Uint8Array | undefined): void {
    const previous = this.rows.get(id);
    if (kind === KIND_DELETE) {
      if (previous === undefined) {
        return;
      }
      this.rows.delete(id);
      this.raw.delete(id);
      this.notify(this.deletes, (listener) => listener(id, previous));
      return;
    }
    if (bytes === undefined) {
      return;
    }
    const row = this.decode(bytes);
    this.rows.set(id, row);
    this.raw.set(id, bytes);
    if (previous === undefined) {
      this.notify(this.inserts, (listener) => listener(id, row));
    } else {
      this.notify(this.updates, (listener) => listener(id, row, previous));
    }
  }

  end(error: Error | null): void {
    if (!this.active) {
      return;
    }
    this.active = false;
    this.serverId = -1;
    this.notify(this.ends, (listener) => listener(error));
  }

  private decode(bytes: Uint8Array): Row {
    return this.type.decode(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0);
  }

  /** A listener that throws must not stop the others, nor the frames behind it. */
  private notify<L>(listeners: Set<L>, call: (listener: L) => void): void {
    for (const listener of [...listeners]) {
      try {
        call(listener);
      } catch (error) {
        this.report(error);
      }
    }
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) {
    return false;
  }
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      return false;
    }
  }
  return true;
}
