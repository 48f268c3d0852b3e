// One connection to a HeTu server (docs/PROTOCOL.md): the handshake, calls with request ids, subscriptions,
// keep-alive, and automatic reconnection that resumes the session and reconciles every subscription.

import { cancelTimer, defaultWebSocket, startTimer, warn, type SocketEvent, type WebSocketConstructor, type WebSocketLike } from './platform.js';
import { Subscription, SubscriptionState, type RowType } from './subscription.js';
import {
  CALL_ONCE, DONE, ERROR, HELLO, KIND_DELETE, KIND_INSERT, MAX_CHANGES, PING, PONG, QUERY, QUERY_DESCENDING, QUERY_HAS_HIGH,
  QUERY_HAS_LOW, QUERY_HIGH_INCLUSIVE, QUERY_LOW_INCLUSIVE, QUERY_NO_LIMIT, REJECTED, RESULT, SELECT, SUBSCRIBED,
  UNSUBSCRIBE, UPDATE, VERSION, WELCOME, reconnectsAfter,
} from './protocol.js';
import { Reader, WireError, Writer } from './wire.js';

/**
 * A call the server refused (REJECTED): the app's own code from `ctx.reject`, or one of the protocol's codes
 * (`HetuProtocol.REJECTION_CODES`: `PERMISSION`, `BAD_ARGUMENTS`, `CONFLICT`, `UNIQUE`, `INTERNAL`, `UNAVAILABLE`,
 * ...). The client adds
 * `DISCONNECTED`: the connection was lost before the reply came and the call could not be sent again safely (no
 * login callback, the connection closed for good, or more than 32 calls were sent after it), so it may or may not
 * have run.
 */
export class HetuRejection extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'HetuRejection';
    this.code = code;
  }

  override toString(): string {
    return `${this.name} ${this.code}: ${this.message}`;
  }
}

/** The connection failed or ended: an ERROR frame's code (`SCHEMA`, `KICKED`, ...), or `CLOSED`, `CONNECT_FAILED`. */
export class HetuError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'HetuError';
    this.code = code;
  }

  override toString(): string {
    return `${this.name} ${this.code}: ${this.message}`;
  }
}

export interface ReconnectOptions {
  /** The first delay before connecting again, in milliseconds; doubled after every failed attempt. Default 250. */
  readonly initialDelayMs?: number;
  /** The longest delay between attempts, in milliseconds. Default 10000. */
  readonly maxDelayMs?: number;
  /** Attempts in a row before giving up (the connection then closes). Default: no limit. */
  readonly maxAttempts?: number;
}

export interface ConnectOptions {
  /** The server's endpoint, for example `ws://localhost:2466/hetu`. */
  readonly url: string;
  /** The WebSocket class: Node's `ws` default export, or by default the global `WebSocket` of browsers. */
  readonly WebSocket?: WebSocketConstructor;
  /** Reconnect automatically after the connection is lost (default `true`). */
  readonly reconnect?: boolean | ReconnectOptions;
  /** How often to PING so the server's idle timeout does not close the connection; 0 disables. Default 20000. */
  readonly pingIntervalMs?: number;
  /**
   * Called with errors thrown by listeners, and with what goes wrong on the connection: the error that ends it
   * (`KICKED`, ...), a renewed subscription that the server refused, a failed re-login after a reconnect. Without
   * it, listener errors are rethrown asynchronously and connection errors are logged with `console.warn`.
   */
  readonly onError?: (error: unknown) => void;
}

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** A key range over an index: bounds are inclusive unless said otherwise; no bound means unbounded. */
export interface QueryRange<K> {
  readonly low?: K;
  readonly lowInclusive?: boolean;
  readonly high?: K;
  readonly highInclusive?: boolean;
  /** At most this many rows, the window kept full as rows leave (default: no limit). */
  readonly limit?: number;
  /** Order by key descending, so that a limit keeps the highest keys. */
  readonly descending?: boolean;
}

/**
 * A call in flight. `callId` is its CALL_ONCE id, `number` its place among this connection's calls, `retryable` whether
 * it was sent under a login callback, so that after a reconnect and login it can be sent again with the same id.
 */
interface CallPending {
  readonly kind: 'call';
  readonly read: (reader: Reader) => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly callId: bigint;
  readonly number: number;
  readonly retryable: boolean;
  readonly systemId: number;
  /** The encoded arguments. */
  readonly body: Uint8Array;
}

/** The server remembers each user's last 32 calls by the low 5 bits of their ids (docs/PROTOCOL.md). */
const CALL_SLOTS = 32;

type Pending =
  | CallPending
  | { readonly kind: 'subscribe'; readonly state: SubscriptionState<unknown>; readonly identity: number }
  | { readonly kind: 'unsubscribe'; readonly resolve: () => void };

/**
 * Told how the wait for a subscription's next snapshot ended: `null` when it was applied (or the subscription was
 * cancelled), the server's refusal, or the error that closed the connection.
 */
/** One change of an UPDATE, parsed and waiting for the last frame of its commit. */
interface HeldChange {
  readonly serverId: number;
  readonly state: SubscriptionState<unknown>;
  readonly kind: number;
  readonly id: bigint;
  readonly bytes: Uint8Array | undefined;
}

type SnapshotWaiter = (outcome: HetuRejection | HetuError | null) => void;

/**
 * A connection to a HeTu server. Generated SDKs wrap it in typed tables and system calls; use it directly for
 * what they do not cover (`state`, `onStateChange`, `ping`).
 */
export class HetuConnection {
  private socket: WebSocketLike | undefined;
  /** Counts sockets, so that events of an abandoned socket are ignored. */
  private generation = 0;
  private currentState: ConnectionState = 'connecting';
  private greeted = false;
  private resuming = false;
  private serverError: HetuError | undefined;
  private nextRequest = 1;
  private nextNonce = 1n;
  private attempts = 0;
  private reconnectTimer: unknown;
  private pingTimer: unknown;
  private id = 0n;
  private seq = 0n;
  /** The highest seq a RESULT carried. */
  private callSeq = 0n;
  /** The highest seq of a SUBSCRIBED or UPDATE applied from the current socket; -1 before the first. */
  private frameSeq = -1n;
  /** Who waits in {@link whenSeen}, in no particular order. */
  private seenWaiters: Array<{ readonly seq: bigint; readonly resolve: () => void; readonly reject: (error: Error) => void }> = [];
  private resume: (() => Promise<unknown>) | undefined;
  private readonly pending = new Map<number, Pending>();
  /** Calls in flight when the socket was lost, sent again with their ids once the login callback has run. */
  private retrying: CallPending[] = [];
  /** The high half of every call id: random, so that ids of different clients differ. */
  private readonly callIdBase = BigInt(1 + Math.floor(Math.random() * 0x7fffffff)) << 32n;
  /** The low half of the next call id: counted up from a random start. */
  private callCounter = Math.floor(Math.random() * 0x100000000);
  private callsSent = 0;
  private readonly pongs = new Map<bigint, () => void>();
  /** Every subscription not yet ended, to subscribe again after a reconnect. */
  private readonly live = new Set<SubscriptionState<unknown>>();
  private readonly byServerId = new Map<number, SubscriptionState<unknown>>();
  /** Server ids being unsubscribed (cancelled, or asked before a login): their UPDATE items are dropped until DONE. */
  private readonly retired = new Set<number>();
  /** The changes of a commit whose last UPDATE frame has not come yet, and its seq; dropped with the socket. */
  private held: { readonly seq: bigint; readonly changes: HeldChange[] } | undefined;
  /** Counts the identity switches made with {@link login}: a snapshot asked for before the latest one is stale. */
  private identity = 0;
  /** Who waits for a subscription's next snapshot (its first `subscribe`, a `login`), across reconnects. */
  private readonly snapshotWaiters = new Map<SubscriptionState<unknown>, SnapshotWaiter[]>();
  /** Work that waits for the connection to be open (after a reconnect and resume). */
  private waiting: Array<{ readonly run: () => void; readonly fail: (error: Error) => void }> = [];
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private readonly WebSocketClass: WebSocketConstructor;
  private readonly reconnectOptions: Required<ReconnectOptions> | undefined;
  private firstConnect: { readonly resolve: () => void; readonly reject: (error: Error) => void } | undefined;

  private constructor(private readonly schemaHash: string, private readonly options: ConnectOptions) {
    const WebSocketClass = options.WebSocket ?? defaultWebSocket();
    if (WebSocketClass === undefined) {
      throw new HetuError('CONNECT_FAILED', 'there is no global WebSocket here (Node before 22?): pass the `ws` package as the WebSocket option');
    }
    this.WebSocketClass = WebSocketClass;
    const reconnect = options.reconnect ?? true;
    this.reconnectOptions = reconnect === false ? undefined : {
      initialDelayMs: 250,
      maxDelayMs: 10_000,
      maxAttempts: Number.POSITIVE_INFINITY,
      ...(reconnect === true ? {} : reconnect),
    };
  }

  /** Connects and completes the handshake; rejects with a {@link HetuError} when the first attempt fails. */
  static open(schemaHash: string, options: ConnectOptions): Promise<HetuConnection> {
    const connection = new HetuConnection(schemaHash, options);
    return new Promise<HetuConnection>((resolve, reject) => {
      connection.firstConnect = { resolve: () => resolve(connection), reject };
      connection.openSocket();
    });
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** The server's id for the current socket (from WELCOME). */
  get connectionId(): bigint {
    return this.id;
  }

  /** The highest commit seq seen in a WELCOME, RESULT, SUBSCRIBED or UPDATE. */
  get lastSeq(): bigint {
    return this.seq;
  }

  /**
   * The highest seq any RESULT on this connection carried: once a call has resolved, at least the seq of its
   * commit (docs/PROTOCOL.md, "Seqs"). Pass it to {@link whenSeen} to wait for the call's own pushes.
   */
  get lastCallSeq(): bigint {
    return this.callSeq;
  }

  /**
   * Resolves once every subscription of this connection reflects every commit up to `seq` (by default
   * {@link lastCallSeq}, so: every call that has resolved so far): when the connection has applied a SUBSCRIBED or
   * UPDATE of seq `seq` or later since its socket opened and no subscription is still waiting for its snapshot, or at
   * once when it holds no subscription. Caches are updated and events fired before it resolves.
   *
   * The server sends a connection only the commits that change what it subscribes to, so after a call that changed
   * none of it this waits for the next frame that comes (a later change, a new subscription). Rejects when the
   * connection closes for good.
   */
  whenSeen(seq: bigint = this.callSeq): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.currentState === 'closed') {
        reject(new HetuError('CLOSED', 'the connection is closed'));
        return;
      }
      this.seenWaiters.push({ seq, resolve, reject });
      this.checkSeen();
    });
  }

  /** Resolves the {@link whenSeen} waiters whose seq every subscription now reflects. */
  private checkSeen(): void {
    if (this.seenWaiters.length === 0) {
      return;
    }
    let subscribed = false;
    for (const state of this.live) {
      if (state.active) {
        if (state.serverId < 0) {
          return;
        }
        subscribed = true;
      }
    }
    const waiters = this.seenWaiters;
    this.seenWaiters = waiters.filter((waiter) => subscribed && waiter.seq > this.frameSeq);
    for (const waiter of waiters) {
      if (!subscribed || waiter.seq <= this.frameSeq) {
        waiter.resolve();
      }
    }
  }

  /** Calls `listener` on every change of {@link state}; returns a function that removes it. */
  onStateChange(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => {
      this.stateListeners.delete(listener);
    };
  }

  /**
   * Runs `login` now and again after every reconnect, before the subscriptions are renewed, so that they resume
   * under the same session. Resolves with what the first run resolves with, once every live subscription has been
   * subscribed again under the new session and its cache reconciled (events fire for the difference): from then on
   * no cache holds a row that only the previous identity could read.
   */
  async login<T>(login: () => Promise<T>): Promise<T> {
    this.resume = login;
    const result = await login();
    await this.renewSubscriptions();
    return result;
  }

  /** Calls system `systemId`; the promise rejects with a {@link HetuRejection} when the server refuses. */
  call<T>(systemId: number, writeArguments: (writer: Writer) => void, readResult: (reader: Reader) => T): Promise<T> {
    const args = new Writer();
    writeArguments(args);
    const body = args.finish();
    return new Promise<T>((resolve, reject) => {
      this.whenOpen(() => {
        const callId = this.callIdBase | BigInt(this.callCounter);
        this.callCounter = (this.callCounter + 1) % 0x100000000;
        this.sendCall({
          kind: 'call', read: readResult, resolve: resolve as (value: unknown) => void, reject, callId,
          number: ++this.callsSent, retryable: this.resume !== undefined, systemId, body,
        });
      }, reject);
    });
  }

  /** Sends a call as CALL_ONCE (docs/PROTOCOL.md, calls that run once): a first time, or again with its id. */
  private sendCall(call: CallPending): void {
    const request = this.requestIdFor(call);
    this.send(new Writer().u8(CALL_ONCE).u32(request).u64(call.callId).u16(call.systemId).raw(call.body).finish());
  }

  /** Subscribes to the row with this id. */
  selectById<Row>(type: RowType<Row>, id: bigint): Promise<Subscription<Row>> {
    const key = new Writer().i64(id).finish();
    return this.subscribe(type, (request) => new Writer().u8(SELECT).u32(request).u16(type.componentId).u8(0).raw(key).finish());
  }

  /** Subscribes to the row whose unique index `index` (a position in the component's indexes) has this key. */
  selectUnique<Row>(type: RowType<Row>, index: number, writeKey: (writer: Writer) => void): Promise<Subscription<Row>> {
    const key = new Writer();
    writeKey(key);
    const keyBytes = key.finish();
    return this.subscribe(type, (request) =>
      new Writer().u8(SELECT).u32(request).u16(type.componentId).u8(1).u8(index).raw(keyBytes).finish());
  }

  /** Subscribes to the rows of a key range of index `index`, ordered by key then id. */
  query<Row, K>(type: RowType<Row>, index: number, range: QueryRange<K>, writeKey: (writer: Writer, key: K) => void): Promise<Subscription<Row>> {
    let flags = range.descending === true ? QUERY_DESCENDING : 0;
    const bounds = new Writer();
    if (range.low !== undefined) {
      flags |= QUERY_HAS_LOW | (range.lowInclusive === false ? 0 : QUERY_LOW_INCLUSIVE);
      writeKey(bounds, range.low);
    }
    if (range.high !== undefined) {
      flags |= QUERY_HAS_HIGH | (range.highInclusive === false ? 0 : QUERY_HIGH_INCLUSIVE);
      writeKey(bounds, range.high);
    }
    const limit = range.limit ?? QUERY_NO_LIMIT;
    if (!Number.isInteger(limit) || limit < 0 || limit > QUERY_NO_LIMIT) {
      throw new RangeError(`limit ${limit} is not an integer from 0 to ${QUERY_NO_LIMIT}`);
    }
    const boundBytes = bounds.finish();
    return this.subscribe(type, (request) =>
      new Writer().u8(QUERY).u32(request).u16(type.componentId).u8(index).u8(flags).u32(limit).raw(boundBytes).finish());
  }

  /** Resolves when the server answers a PING. */
  ping(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.whenOpen(() => {
        const nonce = this.nextNonce++;
        this.pongs.set(nonce, resolve);
        this.send(new Writer().u8(PING).u64(nonce).finish());
      }, reject);
    });
  }

  /** Closes the connection for good: pending calls reject, subscriptions end. */
  close(): void {
    this.shutDown(null, false);
  }

  // ---------------------------------------------------------------- subscriptions

  private subscribe<Row>(type: RowType<Row>, request: (requestId: number) => Uint8Array): Promise<Subscription<Row>> {
    return new Promise<Subscription<Row>>((resolve, reject) => {
      // The connection handles every component's subscriptions alike; only `type.decode` knows `Row`.
      const state: SubscriptionState<Row> = new SubscriptionState<Row>(type, request, () => this.unsubscribe(erased), (error) => this.report(error));
      const erased = state as unknown as SubscriptionState<unknown>;
      this.whenOpen(() => {
        this.live.add(erased);
        this.waitForSnapshot(erased, (outcome) => (outcome === null ? resolve(new Subscription(state)) : reject(outcome)));
        this.sendSubscribe(erased);
      }, reject);
    });
  }

  /**
   * After a login: subscribes every live subscription again under the new session, and resolves once each has its
   * new snapshot (or has ended). The old server subscriptions are retired, so nothing they still send is applied.
   */
  private renewSubscriptions(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.whenOpen(() => {
        this.identity++;
        const renewals = [...this.live].filter((state) => state.active).map((state) => new Promise<void>((renewed, failed) => {
          this.waitForSnapshot(state, (outcome) => (outcome instanceof HetuError ? failed(outcome) : renewed()));
          // One still in flight was asked under the previous session: its answer is stale and asked again on arrival.
          if (state.serverId >= 0) {
            void this.retire(state.serverId);
            this.sendSubscribe(state);
          }
        }));
        Promise.all(renewals).then(() => resolve(), reject);
      }, reject);
    });
  }

  private sendSubscribe(state: SubscriptionState<unknown>): void {
    state.serverId = -1;
    this.send(state.request(this.requestIdFor({ kind: 'subscribe', state, identity: this.identity })));
  }

  private waitForSnapshot(state: SubscriptionState<unknown>, waiter: SnapshotWaiter): void {
    const waiters = this.snapshotWaiters.get(state);
    if (waiters === undefined) {
      this.snapshotWaiters.set(state, [waiter]);
    } else {
      waiters.push(waiter);
    }
  }

  /** Tells the subscription's snapshot waiters how their wait ended; returns whether there were any. */
  private settle(state: SubscriptionState<unknown>, outcome: HetuRejection | HetuError | null): boolean {
    const waiters = this.snapshotWaiters.get(state);
    this.snapshotWaiters.delete(state);
    waiters?.forEach((waiter) => waiter(outcome));
    return waiters !== undefined;
  }

  private unsubscribe(state: SubscriptionState<unknown>): Promise<void> {
    if (!state.active) {
      return Promise.resolve();
    }
    this.live.delete(state);
    const serverId = state.serverId;
    state.end(null);
    this.settle(state, null);
    this.checkSeen();
    // Not yet subscribed on this socket: the SUBSCRIBED handler unsubscribes when it arrives.
    if (serverId < 0 || !this.greeted) {
      return Promise.resolve();
    }
    return this.retire(serverId);
  }

  /** Ends server subscription `serverId` (UNSUBSCRIBE); what it sends before DONE is read and dropped. */
  private retire(serverId: number): Promise<void> {
    this.retired.add(serverId);
    return new Promise<void>((resolve) => {
      const request = this.requestIdFor({ kind: 'unsubscribe', resolve: () => {
        this.byServerId.delete(serverId);
        this.retired.delete(serverId);
        resolve();
      } });
      this.send(new Writer().u8(UNSUBSCRIBE).u32(request).u32(serverId).finish());
    });
  }

  // ---------------------------------------------------------------- the socket

  private openSocket(): void {
    const generation = ++this.generation;
    this.greeted = false;
    this.serverError = undefined;
    let socket: WebSocketLike;
    try {
      socket = new this.WebSocketClass(this.options.url);
    } catch (error) {
      this.socketClosed(generation, new HetuError('CONNECT_FAILED', `cannot connect to ${this.options.url}: ${String(error)}`));
      return;
    }
    this.socket = socket;
    socket.binaryType = 'arraybuffer';
    socket.addEventListener('open', () => {
      if (generation === this.generation) {
        this.send(new Writer().u8(HELLO).u16(VERSION).shortString(this.schemaHash).finish());
      }
    });
    socket.addEventListener('message', (event: SocketEvent) => {
      if (generation === this.generation) {
        this.received(event.data);
      }
    });
    socket.addEventListener('close', (event: SocketEvent) => {
      const reason = event.reason !== undefined && event.reason !== '' ? `: ${event.reason}` : '';
      this.socketClosed(generation, new HetuError('DISCONNECTED', `the connection to ${this.options.url} closed (code ${String(event.code)}${reason})`));
    });
    // An error is always followed by a close event, which handles it.
    socket.addEventListener('error', () => undefined);
  }

  private send(frame: Uint8Array): void {
    this.socket?.send(frame);
  }

  private requestId(): number {
    let request = this.nextRequest;
    while (this.pending.has(request)) {
      request = request === 0xffffffff ? 1 : request + 1;
    }
    this.nextRequest = request === 0xffffffff ? 1 : request + 1;
    return request;
  }

  private whenOpen(run: () => void, fail: (error: Error) => void): void {
    if (this.currentState === 'closed') {
      fail(new HetuError('CLOSED', 'the connection is closed'));
    } else if (this.greeted && (this.currentState === 'open' || this.resuming)) {
      run();
    } else {
      this.waiting.push({ run, fail });
    }
  }

  private setState(state: ConnectionState): void {
    if (this.currentState === state) {
      return;
    }
    this.currentState = state;
    for (const listener of [...this.stateListeners]) {
      try {
        listener(state);
      } catch (error) {
        this.report(error);
      }
    }
  }

  /** An error thrown by a listener: the app's own bug, so by default rethrown where the host reports it. */
  private report(error: unknown): void {
    const onError = this.options.onError;
    if (onError !== undefined) {
      onError(error);
    } else {
      startTimer(() => {
        throw error;
      }, 0);
    }
  }

  /** Something that went wrong on the connection: by default a warning, never an uncaught error that ends a Node process. */
  private warn(error: unknown): void {
    const onError = this.options.onError;
    if (onError !== undefined) {
      onError(error);
    } else {
      warn(`HeTu connection to ${this.options.url}:`, error);
    }
  }

  // ---------------------------------------------------------------- frames

  private received(data: unknown): void {
    if (!(data instanceof ArrayBuffer)) {
      this.protocolError(new WireError('the server sent a frame that is not binary'));
      return;
    }
    try {
      this.frame(new Reader(new DataView(data)));
    } catch (error) {
      this.protocolError(error instanceof Error ? error : new WireError(String(error)));
    }
  }

  private frame(reader: Reader): void {
    const type = reader.u8();
    switch (type) {
      case WELCOME: {
        const version = reader.u16();
        if (version !== VERSION) {
          throw new WireError(`the server speaks protocol version ${version}, this SDK ${VERSION}`);
        }
        this.id = reader.i64();
        this.advance(reader.i64());
        reader.expectEnd('WELCOME');
        this.welcomed();
        return;
      }
      case RESULT: {
        const request = reader.u32();
        const resultSeq = reader.i64();
        this.advance(resultSeq);
        if (resultSeq > this.callSeq) {
          this.callSeq = resultSeq;
        }
        const pending = this.take(request, 'call');
        const value = pending.read(reader);
        reader.expectEnd('RESULT');
        pending.resolve(value);
        return;
      }
      case REJECTED: {
        const request = reader.u32();
        const rejection = new HetuRejection(reader.shortString(), reader.shortString());
        reader.expectEnd('REJECTED');
        const pending = this.pending.get(request);
        this.pending.delete(request);
        if (pending === undefined || pending.kind === 'unsubscribe') {
          throw new WireError(`REJECTED for request ${request}, which awaits no call or subscription`);
        }
        if (pending.kind === 'call') {
          pending.reject(rejection);
          return;
        }
        const state = pending.state;
        if (pending.identity !== this.identity && state.active) {
          // Refused under the previous session; the new one may read it.
          this.sendSubscribe(state);
          return;
        }
        this.live.delete(state);
        this.checkSeen();
        if (state.snapshotted) {
          // A renewal (after a reconnect or a login) refused: the cache came from the previous session.
          state.applySnapshot(state.seq, []);
        }
        const awaited = this.settle(state, rejection);
        state.end(rejection);
        if (!awaited) {
          this.warn(rejection);
        }
        return;
      }
      case SUBSCRIBED: {
        const request = reader.u32();
        const serverId = reader.u32();
        const seq = reader.i64();
        const pending = this.take(request, 'subscribe');
        const rowSize = pending.state.type.rowSize;
        const count = reader.u32();
        const rows: Array<readonly [bigint, Uint8Array]> = [];
        for (let i = 0; i < count; i++) {
          const id = reader.i64();
          rows.push([id, reader.slice(rowSize, 'a row').slice()]);
        }
        reader.expectEnd('SUBSCRIBED');
        this.advance(seq);
        this.framed(seq);
        const state = pending.state;
        this.byServerId.set(serverId, state);
        if (!state.active || pending.identity !== this.identity) {
          // Cancelled while the request was in flight, or asked before a login changed the session: end it on the
          // server, dropping the updates that may come before DONE; a stale one still wanted is asked for again.
          void this.retire(serverId);
          if (state.active) {
            this.sendSubscribe(state);
          }
          this.checkSeen();
          return;
        }
        state.serverId = serverId;
        state.applySnapshot(seq, rows);
        this.settle(state, null);
        this.checkSeen();
        return;
      }
      case DONE: {
        const request = reader.u32();
        reader.expectEnd('DONE');
        this.take(request, 'unsubscribe').resolve();
        return;
      }
      case PONG: {
        const nonce = reader.u64();
        reader.expectEnd('PONG');
        const resolve = this.pongs.get(nonce);
        this.pongs.delete(nonce);
        resolve?.();
        return;
      }
      case UPDATE: {
        const seq = reader.i64();
        const count = reader.u16();
        const held = this.held;
        if (held !== undefined && held.seq !== seq) {
          throw new WireError(`UPDATE of seq ${seq} while the one of seq ${held.seq} was not finished (its last frame held ${MAX_CHANGES} changes, so more were due)`);
        }
        // The parts of a commit are held, parsed, until its last frame: at most what the subscriptions hold.
        const changes = held?.changes ?? [];
        for (let i = 0; i < count; i++) {
          const serverId = reader.u32();
          const kind = reader.u8();
          const id = reader.i64();
          const state = this.byServerId.get(serverId);
          if (state === undefined) {
            throw new WireError(`UPDATE for subscription ${serverId}, which this connection does not have`);
          }
          if (kind < KIND_INSERT || kind > KIND_DELETE) {
            throw new WireError(`UPDATE change kind ${kind} is none of 1 (insert), 2 (update), 3 (delete)`);
          }
          const bytes = kind === KIND_DELETE ? undefined : reader.slice(state.type.rowSize, 'a row').slice();
          changes.push({ serverId, state, kind, id, bytes });
        }
        reader.expectEnd('UPDATE');
        if (count === MAX_CHANGES) {
          this.held = { seq, changes };
          return;
        }
        this.held = undefined;
        this.advance(seq);
        for (const { serverId, state, kind, id, bytes } of changes) {
          if (state.active && !this.retired.has(serverId) && seq >= state.seq) {
            state.seq = seq;
            state.change(kind, id, bytes);
          }
        }
        this.framed(seq);
        this.checkSeen();
        return;
      }
      case ERROR: {
        const error = new HetuError(reader.shortString(), reader.shortString());
        // The server discards anything after ERROR and closes: waiting for the closing handshake gains nothing,
        // and a server that is shutting down may never finish it (Node's ws would hold the socket for 30 s).
        this.serverError = error;
        const socket = this.socket;
        this.socketClosed(this.generation, error);
        if (socket?.terminate !== undefined) {
          socket.terminate();
        } else {
          socket?.close(1000, 'closed after ERROR');
        }
        return;
      }
      default:
        throw new WireError(`unknown message type 0x${type.toString(16)}`);
    }
  }

  private take<K extends Pending['kind']>(request: number, kind: K): Extract<Pending, { kind: K }> {
    const pending = this.pending.get(request);
    if (pending === undefined || pending.kind !== kind) {
      throw new WireError(`a reply for request ${request}, which awaits no ${kind}`);
    }
    this.pending.delete(request);
    return pending as Extract<Pending, { kind: K }>;
  }

  private requestIdFor(pending: Pending): number {
    const request = this.requestId();
    this.pending.set(request, pending);
    return request;
  }

  /** A SUBSCRIBED or UPDATE of this seq came on the current socket: every subscription held on it reflects it. */
  private framed(seq: bigint): void {
    if (seq > this.frameSeq) {
      this.frameSeq = seq;
    }
  }

  private advance(seq: bigint): void {
    if (seq > this.seq) {
      this.seq = seq;
    }
  }

  private protocolError(error: Error): void {
    this.warn(error);
    this.shutDown(new HetuError('PROTOCOL', `the client could not process a frame: ${error.message}`), false);
  }

  // ---------------------------------------------------------------- lifecycle

  private welcomed(): void {
    this.greeted = true;
    this.attempts = 0;
    this.startPinging();
    const first = this.firstConnect;
    if (first !== undefined) {
      this.firstConnect = undefined;
      this.setState('open');
      first.resolve();
      return;
    }
    void this.resumeSession(this.generation);
  }

  /** After a reconnect: log in again, renew every subscription (reconciling its cache), then release waiting work. */
  private async resumeSession(generation: number): Promise<void> {
    this.resuming = true;
    let loggedIn = false;
    try {
      if (this.resume !== undefined) {
        await this.resume();
        loggedIn = true;
      }
    } catch (error) {
      if (generation === this.generation) {
        this.warn(error);
      }
    } finally {
      this.resuming = false;
    }
    if (generation !== this.generation || !this.greeted) {
      return;
    }
    // The calls lost with the socket go again under the same user, with their ids: each runs at most once.
    const retrying = this.retrying;
    this.retrying = [];
    for (const call of retrying) {
      if (loggedIn) {
        this.sendCall(call);
      } else {
        call.reject(new HetuRejection('DISCONNECTED', 'the connection was lost and the login after the reconnect failed; '
          + 'the call may or may not have run'));
      }
    }
    for (const state of [...this.live]) {
      if (state.active) {
        this.sendSubscribe(state);
      }
    }
    this.setState('open');
    const waiting = this.waiting;
    this.waiting = [];
    for (const work of waiting) {
      work.run();
    }
  }

  private socketClosed(generation: number, closed: HetuError): void {
    if (generation !== this.generation) {
      return;
    }
    // Nothing more from this socket counts, its close event included.
    this.generation++;
    const error = this.serverError ?? closed;
    this.greeted = false;
    this.held = undefined;
    this.frameSeq = -1n;
    this.socket = undefined;
    this.stopPinging();
    this.failPending(error, true);
    const first = this.firstConnect;
    if (first !== undefined) {
      this.firstConnect = undefined;
      this.shutDown(error, false);
      first.reject(error);
      return;
    }
    if (this.currentState === 'closed') {
      return;
    }
    const transient = reconnectsAfter(this.serverError?.code);
    const policy = this.reconnectOptions;
    if (!transient || policy === undefined || this.attempts >= policy.maxAttempts) {
      this.shutDown(error, true);
      return;
    }
    this.setState('reconnecting');
    const delay = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** this.attempts);
    this.attempts++;
    // Jitter, so that the clients of a restarted server do not all come back at once.
    this.reconnectTimer = startTimer(() => {
      this.reconnectTimer = undefined;
      if (this.currentState === 'reconnecting') {
        this.openSocket();
      }
    }, delay * (0.5 + Math.random() / 2));
  }

  /**
   * The socket is gone. A call in flight may or may not have run: with `keepCalls` (a reconnect follows) one sent under
   * a login callback and among the last 32 calls waits to be sent again with its id; any other rejects. Subscriptions
   * in flight are renewed on resume.
   */
  private failPending(error: HetuError, keepCalls: boolean): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    this.byServerId.clear();
    const calls = [...this.retrying];
    this.retrying = [];
    for (const entry of pending) {
      if (entry.kind === 'call') {
        calls.push(entry);
      } else if (entry.kind === 'unsubscribe') {
        entry.resolve();
      }
    }
    calls.sort((a, b) => a.number - b.number);
    for (const call of calls) {
      if (keepCalls && call.retryable && this.callsSent - call.number < CALL_SLOTS) {
        this.retrying.push(call);
      } else {
        call.reject(new HetuRejection('DISCONNECTED', `${error.message}; the call may or may not have run`));
      }
    }
    for (const state of this.live) {
      state.serverId = -1;
    }
  }

  /** Ends the connection for good; `report` says whether `error` is news to nobody else. */
  private shutDown(error: HetuError | null, report: boolean): void {
    if (this.currentState === 'closed') {
      return;
    }
    this.generation++;
    this.setState('closed');
    cancelTimer(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.stopPinging();
    const socket = this.socket;
    this.socket = undefined;
    this.greeted = false;
    socket?.close(1000, 'closed by the client');
    const ended = error ?? new HetuError('CLOSED', 'the connection was closed by the client');
    // A first connect that ends before WELCOME (a server of another protocol version, close()
    // while connecting) rejects, rather than leaving connect() waiting for good.
    const first = this.firstConnect;
    this.firstConnect = undefined;
    first?.reject(ended);
    this.failPending(ended, false);
    for (const state of [...this.snapshotWaiters.keys()]) {
      this.settle(state, ended);
    }
    for (const state of [...this.live]) {
      state.end(error);
    }
    this.live.clear();
    const waiting = this.waiting;
    this.waiting = [];
    for (const work of waiting) {
      work.fail(ended);
    }
    this.pongs.clear();
    const seenWaiters = this.seenWaiters;
    this.seenWaiters = [];
    for (const waiter of seenWaiters) {
      waiter.reject(ended);
    }
    if (error !== null && report) {
      this.warn(error);
    }
  }

  private startPinging(): void {
    const interval = this.options.pingIntervalMs ?? 20_000;
    if (interval <= 0) {
      return;
    }
    const generation = this.generation;
    const tick = (): void => {
      if (generation !== this.generation || !this.greeted) {
        return;
      }
      this.send(new Writer().u8(PING).u64(this.nextNonce++).finish());
      this.pingTimer = startTimer(tick, interval);
    };
    this.pingTimer = startTimer(tick, interval);
  }

  private stopPinging(): void {
    cancelTimer(this.pingTimer);
    this.pingTimer = undefined;
  }
}
