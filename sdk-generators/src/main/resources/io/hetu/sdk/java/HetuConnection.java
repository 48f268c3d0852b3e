package __HETU_PACKAGE__;

import io.hetu.wire.WireFormatException;
import io.hetu.wire.WireReader;
import io.hetu.wire.WireWriter;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * One connection to a HeTu server (docs/PROTOCOL.md): the handshake, calls with request ids, subscriptions,
 * keep-alive, and automatic reconnection that resumes the session and reconciles every subscription. The generated
 * {@code HetuClient} wraps it in typed tables and system calls; use it directly for what they do not cover
 * ({@link #state()}, {@link #onStateChange}, {@link #ping()}).
 *
 * <p>It runs on {@code java.net.http.WebSocket} and one thread of its own, the client thread: every frame is handled,
 * every future completed and every listener called there, in order, so a listener never sees the caches between two
 * commits. The methods may be called from any thread. Code running on the client thread (a listener, a future's
 * continuation) must not block on the client's futures: their replies are read by that same thread.
 */
public final class HetuConnection implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(HetuConnection.class.getName());
    /** How long {@link #close()} waits for the client thread, and the closing handshake for the server. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    private sealed interface Pending permits CallPending, SubscribePending, UnsubscribePending {}

    /**
     * A call: reads its RESULT and returns what completes it, once the frame is known to be whole. {@code callId} is
     * its CALL_ONCE id, {@code number} its place among this connection's calls, {@code retryable} whether it was sent
     * under a login callback, so that after a reconnect and login it can be sent again with the same id; {@code body}
     * is its system id and arguments.
     */
    private record CallPending(Function<WireReader, Runnable> read, Consumer<RuntimeException> fail, long callId,
            long number, boolean retryable, byte[] body) implements Pending {}

    /** The server remembers each user's last 32 calls by the low 5 bits of their ids (docs/PROTOCOL.md). */
    private static final int CALL_SLOTS = 32;

    private record SubscribePending(Subscription<?> state, int identity) implements Pending {}

    private record UnsubscribePending(Runnable done) implements Pending {}

    /** One change of an UPDATE, parsed and waiting for the last frame of its commit. */
    private record HeldChange(long serverId, Subscription<?> state, int kind, long id, byte[] bytes) {}

    /**
     * One message the connection received, as {@link #received()} lists them: the seq it carried (0
     * when it carries none) and what it said, rows decoded.
     *
     * @param seq the commit seq of a RESULT, SUBSCRIBED or UPDATE (WELCOME's too), else 0
     * @param message the message, such as {@code UPDATE seq 12: Position insert 4 PositionRow[x=1.0, ...]}
     */
    public record Received(long seq, String message) {
        @Override
        public String toString() {
            return message;
        }
    }

    /** How many messages {@link #received()} keeps: the latest. */
    public static final int RECEIVED_KEPT = 1_000;

    /** The changes of a commit whose last UPDATE frame has not come yet. */
    private record Held(long seq, List<HeldChange> changes) {}

    private record SeenWaiter(long seq, CompletableFuture<Void> seen) {}

    /** Work that waits for the connection to be open (after a reconnect and resume). */
    private record Waiting(Runnable run, Consumer<RuntimeException> fail) {}

    /** One WebSocket and the sends queued on it (the JDK's WebSocket takes one send at a time). */
    private static final class Socket {
        final WebSocket webSocket;
        CompletableFuture<?> sending = CompletableFuture.completedFuture(null);

        Socket(WebSocket webSocket) {
            this.webSocket = webSocket;
        }

        void send(byte[] frame) {
            sending = sending.thenCompose(previous -> webSocket.sendBinary(ByteBuffer.wrap(frame), true));
        }
    }

    private final String schemaHash;
    private final ConnectOptions options;
    private final HttpClient http;
    private final ScheduledExecutorService loop;
    private volatile Thread loopThread;

    private Socket socket;
    /** Counts sockets, so that events of an abandoned socket are ignored. */
    private int generation;
    private volatile ConnectionState state = ConnectionState.CONNECTING;
    private boolean greeted;
    private boolean resuming;
    private HetuError serverError;
    private long nextRequest = 1;
    private long nextNonce = 1;
    private int attempts;
    private ScheduledFuture<?> reconnectTimer;
    private ScheduledFuture<?> pingTimer;
    /** Ends an attempt to connect that has not been welcomed within the connect timeout. */
    private ScheduledFuture<?> handshakeTimer;
    private volatile long connectionId;
    private volatile long seq;
    /** The highest seq a RESULT carried. */
    private volatile long callSeq;
    /** The highest seq of a SUBSCRIBED or UPDATE applied from the current socket; -1 before the first. */
    private long frameSeq = -1;
    /** Who waits in {@link #whenSeen(long)}, by the seq each waits for. */
    private final List<SeenWaiter> seenWaiters = new ArrayList<>();
    private Supplier<? extends CompletionStage<?>> resume;
    private final Map<Long, Pending> pending = new HashMap<>();
    /** Calls in flight when the socket was lost, sent again with their ids once the login callback has run. */
    private List<CallPending> retrying = new ArrayList<>();
    /** The high half of every call id: random and not 0, so that ids of different clients differ. */
    private final long callIdBase = (1 + ThreadLocalRandom.current().nextLong(0x7FFF_FFFFL)) << 32;
    /** The low half of the next call id (unsigned): counted up from a random start. */
    private int callCounter = ThreadLocalRandom.current().nextInt();
    private long callsSent;
    private final java.util.ArrayDeque<Received> receivedLog = new java.util.ArrayDeque<>();
    private final Map<Long, CompletableFuture<Void>> pongs = new HashMap<>();
    /** Every subscription not yet ended, to subscribe again after a reconnect. */
    private final Set<Subscription<?>> live = new LinkedHashSet<>();
    private final Map<Long, Subscription<?>> byServerId = new HashMap<>();
    /** Server ids being unsubscribed (cancelled, or asked before a login): their UPDATE items are dropped until DONE. */
    private final Set<Long> retired = new HashSet<>();
    /** The changes of a commit whose last UPDATE frame has not come yet; dropped with the socket. */
    private Held held;
    /** Counts the identity switches made with {@link #login}: a snapshot asked for before the latest one is stale. */
    private int identity;
    /**
     * Who waits for a subscription's next snapshot (its first subscribe, a login), across reconnects; told null when
     * it was applied (or the subscription was cancelled), else the server's refusal or the error that closed.
     */
    private final Map<Subscription<?>, List<Consumer<RuntimeException>>> snapshotWaiters = new HashMap<>();
    private List<Waiting> waiting = new ArrayList<>();
    private final List<Consumer<ConnectionState>> stateListeners = new CopyOnWriteArrayList<>();
    private CompletableFuture<HetuConnection> firstConnect;

    private HetuConnection(String schemaHash, ConnectOptions options) {
        this.schemaHash = schemaHash;
        this.options = options;
        this.http = HttpClient.newBuilder().connectTimeout(options.connectTimeout()).build();
        this.loop = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "hetu-client " + options.url());
            thread.setDaemon(true);
            loopThread = thread;
            return thread;
        });
    }

    /** Connects and completes the handshake; fails with a {@link HetuError} when the first attempt fails. */
    public static CompletableFuture<HetuConnection> open(String schemaHash, ConnectOptions options) {
        HetuConnection connection = new HetuConnection(schemaHash, options);
        CompletableFuture<HetuConnection> opened = new CompletableFuture<>();
        connection.post(() -> {
            connection.firstConnect = opened;
            connection.openSocket();
        }, opened::completeExceptionally);
        return opened;
    }

    public ConnectionState state() {
        return state;
    }

    /** The server's id for the current socket (from WELCOME). */
    public long connectionId() {
        return connectionId;
    }

    /** The highest commit seq seen in a WELCOME, RESULT, SUBSCRIBED or UPDATE. */
    public long lastSeq() {
        return seq;
    }

    /**
     * The highest seq any RESULT on this connection carried: once a call has completed, at least the seq of its
     * commit (docs/PROTOCOL.md, "Seqs"), whichever thread reads it. Pass it to {@link #whenSeen(long)} to wait for the
     * call's own pushes.
     */
    public long lastCallSeq() {
        return callSeq;
    }

    /** {@link #whenSeen(long)} of {@link #lastCallSeq()}: every call that has completed so far. */
    public CompletableFuture<Void> whenSeen() {
        return whenSeen(callSeq);
    }

    /**
     * Completes, on the client thread, once every subscription of this connection reflects every commit up to
     * {@code seq}: when the connection has applied a SUBSCRIBED or UPDATE of seq {@code seq} or later since its socket
     * opened and no subscription is still waiting for its snapshot, or at once when it holds no subscription. Caches
     * are updated and listeners called before it completes.
     *
     * <p>The server sends a connection only the commits that change what it subscribes to, so after a call that
     * changed none of it this waits for the next frame that comes (a later change, a new subscription). Fails with
     * {@code CLOSED} (or the error that ended the connection) when the connection closes for good.
     */
    public CompletableFuture<Void> whenSeen(long seq) {
        CompletableFuture<Void> seen = new CompletableFuture<>();
        post(() -> {
            if (state == ConnectionState.CLOSED) {
                seen.completeExceptionally(closedError());
                return;
            }
            seenWaiters.add(new SeenWaiter(seq, seen));
            checkSeen();
        }, seen::completeExceptionally);
        return seen;
    }

    /** Completes the {@link #whenSeen(long)} waiters whose seq every subscription now reflects. */
    private void checkSeen() {
        if (seenWaiters.isEmpty()) {
            return;
        }
        boolean subscribed = false;
        for (Subscription<?> state : live) {
            if (state.active()) {
                if (state.serverId() < 0) {
                    return;
                }
                subscribed = true;
            }
        }
        List<SeenWaiter> due = new ArrayList<>();
        for (java.util.Iterator<SeenWaiter> waiters = seenWaiters.iterator(); waiters.hasNext(); ) {
            SeenWaiter waiter = waiters.next();
            if (!subscribed || waiter.seq() <= frameSeq) {
                waiters.remove();
                due.add(waiter);
            }
        }
        due.forEach(waiter -> waiter.seen().complete(null));
    }

    /** A SUBSCRIBED or UPDATE of this seq came on the current socket: every subscription held on it reflects it. */
    private void framed(long newer) {
        if (newer > frameSeq) {
            frameSeq = newer;
        }
    }

    /** Calls {@code listener} on every change of {@link #state()}; run the returned action to remove it. */
    public Runnable onStateChange(Consumer<ConnectionState> listener) {
        stateListeners.add(listener);
        return () -> stateListeners.remove(listener);
    }

    /**
     * Runs {@code task} on the client thread, after everything received so far: there the caches hold whole commits.
     * What it throws goes where listener errors go ({@link ConnectOptions#onError()}).
     *
     * @throws HetuError {@code CLOSED} once the connection is closed, when nothing runs on the client thread any more
     */
    public void execute(Runnable task) {
        post(() -> {
            try {
                task.run();
            } catch (RuntimeException | Error error) {
                report(error);
            }
        }, error -> {
            throw error;
        });
    }

    /**
     * Runs {@code login} now and again after every reconnect, before the subscriptions are renewed, so that they
     * resume under the same session. Completes with what the first run completes with, once every live subscription
     * has been subscribed again under the new session and its cache reconciled (listeners fire for the difference):
     * from then on no cache holds a row that only the previous identity could read. After a reconnect, once it has run
     * again, the calls that were in flight when the connection was lost are sent again with their ids (see
     * {@link #call}), before the subscriptions are renewed.
     */
    public <T> CompletableFuture<T> login(Supplier<? extends CompletionStage<T>> login) {
        CompletableFuture<T> result = new CompletableFuture<>();
        post(() -> {
            resume = login;
            CompletionStage<T> first;
            try {
                first = login.get();
            } catch (RuntimeException error) {
                result.completeExceptionally(error);
                return;
            }
            first.whenComplete((value, error) -> {
                if (error != null) {
                    result.completeExceptionally(unwrap(error));
                    return;
                }
                renewSubscriptions().whenComplete((renewed, failed) -> {
                    if (failed != null) {
                        result.completeExceptionally(unwrap(failed));
                    } else {
                        result.complete(value);
                    }
                });
            });
        }, result::completeExceptionally);
        return result;
    }

    /**
     * Calls system {@code systemId}: the arguments are encoded at once (so that a bad one throws here), sent when the
     * connection is open, and the future completes with the decoded result, or fails with a {@link HetuRejection}
     * when the server refuses or a {@link HetuError} when the connection closes for good. Every call goes as CALL_ONCE
     * with an id of its own (docs/PROTOCOL.md, "Calls that run once"): one in flight when the connection is lost is sent
     * again with that id after the reconnect and the login callback ({@link #login}), so it runs at most once and
     * completes with its outcome. Without a login callback, when the connection closes for good, when the login after
     * the reconnect fails, or when more than 32 calls were sent after it, it fails with {@code DISCONNECTED} instead:
     * it may or may not have run.
     */
    public <T> CompletableFuture<T> call(int systemId, Consumer<WireWriter> writeArguments,
            Function<WireReader, T> readResult) {
        WireWriter arguments = new WireWriter();
        writeArguments.accept(arguments);
        byte[] body = frame(w -> w.writeI16((short) systemId).writeRaw(arguments.array(), 0, arguments.size()));
        CompletableFuture<T> result = new CompletableFuture<>();
        Consumer<RuntimeException> fail = result::completeExceptionally;
        Function<WireReader, Runnable> read = reader -> {
            T value = readResult.apply(reader);
            return () -> result.complete(value);
        };
        post(() -> whenOpen(() -> {
            long callId = callIdBase | Integer.toUnsignedLong(callCounter++);
            sendCall(new CallPending(read, fail, callId, ++callsSent, resume != null, body));
        }, fail), fail);
        return result;
    }

    /** Sends a call as CALL_ONCE (docs/PROTOCOL.md, "Calls that run once"): a first time, or again with its id. */
    private void sendCall(CallPending call) {
        long request = requestIdFor(call);
        byte[] body = call.body();
        send(frame(w -> w.writeI8((byte) HetuProtocol.CALL_ONCE).writeI32((int) request).writeI64(call.callId())
                .writeRaw(body, 0, body.length)));
    }

    /** Subscribes to the row with this id. */
    public <Row> CompletableFuture<Subscription<Row>> selectById(RowType<Row> type, long id) {
        return subscribe(type, request -> frame(w -> w.writeI8((byte) HetuProtocol.SELECT).writeI32((int) request)
                .writeI16((short) type.componentId()).writeI8((byte) 0).writeI64(id)));
    }

    /** Subscribes to the row whose unique index {@code index} (a position in the component's indexes) has this key. */
    public <Row> CompletableFuture<Subscription<Row>> selectUnique(RowType<Row> type, int index,
            Consumer<WireWriter> writeKey) {
        byte[] key = frame(writeKey);
        return subscribe(type, request -> frame(w -> w.writeI8((byte) HetuProtocol.SELECT).writeI32((int) request)
                .writeI16((short) type.componentId()).writeI8((byte) 1).writeI8((byte) index)
                .writeRaw(key, 0, key.length)));
    }

    /** Subscribes to the rows of a key range of index {@code index}, ordered by key then id. */
    public <Row, K> CompletableFuture<Subscription<Row>> query(RowType<Row> type, int index, QueryRange<K> range,
            BiConsumer<WireWriter, K> writeKey) {
        Objects.requireNonNull(range, "range (QueryRange.all() for every row)");
        int flags = range.isDescending() ? HetuProtocol.QUERY_DESCENDING : 0;
        WireWriter bounds = new WireWriter();
        if (range.low() != null) {
            flags |= HetuProtocol.QUERY_HAS_LOW | (range.lowInclusive() ? HetuProtocol.QUERY_LOW_INCLUSIVE : 0);
            writeKey.accept(bounds, range.low());
        }
        if (range.high() != null) {
            flags |= HetuProtocol.QUERY_HAS_HIGH | (range.highInclusive() ? HetuProtocol.QUERY_HIGH_INCLUSIVE : 0);
            writeKey.accept(bounds, range.high());
        }
        byte[] boundBytes = Arrays.copyOf(bounds.array(), bounds.size());
        byte flagByte = (byte) flags;
        return subscribe(type, request -> frame(w -> w.writeI8((byte) HetuProtocol.QUERY).writeI32((int) request)
                .writeI16((short) type.componentId()).writeI8((byte) index).writeI8(flagByte)
                .writeI32((int) range.limit()).writeRaw(boundBytes, 0, boundBytes.length)));
    }

    /** Completes when the server answers a PING. */
    public CompletableFuture<Void> ping() {
        CompletableFuture<Void> pong = new CompletableFuture<>();
        Consumer<RuntimeException> fail = pong::completeExceptionally;
        post(() -> whenOpen(() -> {
            long nonce = nextNonce++;
            pongs.put(nonce, pong);
            send(frame(w -> w.writeI8((byte) HetuProtocol.PING).writeI64(nonce)));
        }, fail), fail);
        return pong;
    }

    /**
     * Closes the connection for good: pending calls fail, subscriptions end, the client thread stops. Waits (briefly)
     * for that to be done, unless called on the client thread itself.
     */
    @Override
    public void close() {
        if (Thread.currentThread() == loopThread) {
            shutDown(null, false);
            return;
        }
        CompletableFuture<Void> closed = new CompletableFuture<>();
        post(() -> {
            shutDown(null, false);
            closed.complete(null);
        }, error -> closed.complete(null));
        try {
            closed.get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // The client thread is stuck in a listener; the connection closes once it returns.
        }
    }

    // ---------------------------------------------------------------- the client thread

    /** Runs {@code task} on the client thread; {@code ifClosed} is told when the client has stopped. */
    private void post(Runnable task, Consumer<RuntimeException> ifClosed) {
        try {
            loop.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException | Error error) {
                    warn(error);
                }
            });
        } catch (RejectedExecutionException stopped) {
            ifClosed.accept(closedError());
        }
    }

    private static HetuError closedError() {
        return new HetuError("CLOSED", "the connection is closed");
    }

    private static RuntimeException unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
    }

    private static byte[] frame(Consumer<WireWriter> write) {
        WireWriter writer = new WireWriter();
        write.accept(writer);
        return Arrays.copyOf(writer.array(), writer.size());
    }

    // ---------------------------------------------------------------- subscriptions

    private <Row> CompletableFuture<Subscription<Row>> subscribe(RowType<Row> type, LongFunction<byte[]> request) {
        CompletableFuture<Subscription<Row>> result = new CompletableFuture<>();
        Consumer<RuntimeException> fail = result::completeExceptionally;
        post(() -> whenOpen(() -> {
            Subscription<Row> state = new Subscription<>(this, type, request);
            live.add(state);
            waitForSnapshot(state, outcome -> {
                if (outcome == null) {
                    result.complete(state);
                } else {
                    result.completeExceptionally(outcome);
                }
            });
            sendSubscribe(state);
        }, fail), fail);
        return result;
    }

    /**
     * After a login: subscribes every live subscription again under the new session, and completes once each has its
     * new snapshot (or has ended). The old server subscriptions are retired, so nothing they still send is applied.
     */
    private CompletableFuture<Void> renewSubscriptions() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Consumer<RuntimeException> fail = done::completeExceptionally;
        post(() -> whenOpen(() -> {
            identity++;
            List<CompletableFuture<Void>> renewals = new ArrayList<>();
            for (Subscription<?> state : new ArrayList<>(live)) {
                if (!state.active()) {
                    continue;
                }
                CompletableFuture<Void> renewed = new CompletableFuture<>();
                waitForSnapshot(state, outcome -> {
                    if (outcome instanceof HetuError error) {
                        renewed.completeExceptionally(error);
                    } else {
                        renewed.complete(null);
                    }
                });
                // One still in flight was asked under the previous session: its answer is stale and asked again
                // on arrival.
                if (state.serverId() >= 0) {
                    retire(state.serverId());
                    sendSubscribe(state);
                }
                renewals.add(renewed);
            }
            CompletableFuture.allOf(renewals.toArray(CompletableFuture<?>[]::new)).whenComplete((all, error) -> {
                if (error != null) {
                    done.completeExceptionally(unwrap(error));
                } else {
                    done.complete(null);
                }
            });
        }, fail), fail);
        return done;
    }

    private void sendSubscribe(Subscription<?> state) {
        state.serverId(-1);
        send(state.request(requestIdFor(new SubscribePending(state, identity))));
    }

    private void waitForSnapshot(Subscription<?> state, Consumer<RuntimeException> waiter) {
        snapshotWaiters.computeIfAbsent(state, s -> new ArrayList<>()).add(waiter);
    }

    /** Tells the subscription's snapshot waiters how their wait ended; returns whether there were any. */
    private boolean settle(Subscription<?> state, RuntimeException outcome) {
        List<Consumer<RuntimeException>> waiters = snapshotWaiters.remove(state);
        if (waiters == null) {
            return false;
        }
        waiters.forEach(waiter -> waiter.accept(outcome));
        return true;
    }

    /** Called by {@link Subscription#unsubscribe()}, from any thread. */
    CompletableFuture<Void> unsubscribe(Subscription<?> state) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        post(() -> {
            if (!state.active()) {
                done.complete(null);
                return;
            }
            live.remove(state);
            long serverId = state.serverId();
            state.end(null);
            settle(state, null);
            checkSeen();
            // Not yet subscribed on this socket: the SUBSCRIBED handler unsubscribes when it arrives.
            if (serverId < 0 || !greeted) {
                done.complete(null);
                return;
            }
            retire(serverId).thenRun(() -> done.complete(null));
        }, error -> done.complete(null));
        return done;
    }

    /** Ends server subscription {@code serverId} (UNSUBSCRIBE); what it sends before DONE is read and dropped. */
    private CompletableFuture<Void> retire(long serverId) {
        retired.add(serverId);
        CompletableFuture<Void> done = new CompletableFuture<>();
        long request = requestIdFor(new UnsubscribePending(() -> {
            byServerId.remove(serverId);
            retired.remove(serverId);
            done.complete(null);
        }));
        send(frame(w -> w.writeI8((byte) HetuProtocol.UNSUBSCRIBE).writeI32((int) request).writeI32((int) serverId)));
        return done;
    }

    // ---------------------------------------------------------------- the socket

    private void openSocket() {
        int socketGeneration = ++generation;
        greeted = false;
        serverError = null;
        try {
            // A server that accepts the connection but never answers the upgrade or the HELLO would hold the attempt
            // for ever: the attempt fails after the timeout, and a reconnect tries again.
            handshakeTimer = loop.schedule(safely(() -> {
                if (socketGeneration == generation && !greeted) {
                    socketClosed(socketGeneration, new HetuError("CONNECT_FAILED", "no WELCOME from "
                            + options.url() + " within " + options.connectTimeout()));
                }
            }), options.connectTimeout().toNanos(), TimeUnit.NANOSECONDS);
            http.newWebSocketBuilder().connectTimeout(options.connectTimeout())
                    .buildAsync(options.url(), new Listener(socketGeneration))
                    .whenComplete((webSocket, error) -> {
                        if (error != null) {
                            post(() -> socketClosed(socketGeneration, new HetuError("CONNECT_FAILED",
                                    "cannot connect to " + options.url() + ": " + unwrap(error), unwrap(error))),
                                    stopped -> {});
                        }
                    });
        } catch (RuntimeException error) {
            socketClosed(socketGeneration, new HetuError("CONNECT_FAILED", "cannot connect to " + options.url() + ": "
                    + error, error));
        }
    }

    /** Hands the socket's events to the client thread; it runs on the HTTP client's threads, one event at a time. */
    private final class Listener implements WebSocket.Listener {

        private final int socketGeneration;
        private final ByteArrayOutputStream message = new ByteArrayOutputStream();

        Listener(int socketGeneration) {
            this.socketGeneration = socketGeneration;
        }

        private void onLoop(Runnable task) {
            post(() -> {
                if (socketGeneration == generation) {
                    task.run();
                }
            }, stopped -> {});
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
            post(() -> {
                if (socketGeneration != generation) {
                    webSocket.abort();
                    return;
                }
                socket = new Socket(webSocket);
                send(frame(w -> w.writeI8((byte) HetuProtocol.HELLO).writeI16((short) HetuProtocol.VERSION)
                        .writeShortString(schemaHash)));
            }, stopped -> webSocket.abort());
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] part = new byte[data.remaining()];
            data.get(part);
            byte[] whole = part;
            if (!last || message.size() > 0) {
                message.writeBytes(part);
                whole = last ? message.toByteArray() : null;
            }
            if (last) {
                message.reset();
                byte[] received = whole;
                onLoop(() -> received(received));
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            webSocket.request(1);
            if (last) {
                onLoop(() -> protocolError(new WireFormatException("the server sent a text message; HeTu frames "
                        + "are binary")));
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            String because = reason == null || reason.isEmpty() ? "" : ": " + reason;
            onLoop(() -> socketClosed(socketGeneration, new HetuError("DISCONNECTED", "the connection to "
                    + options.url() + " closed (code " + statusCode + because + ")")));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            onLoop(() -> socketClosed(socketGeneration, new HetuError("DISCONNECTED", "the connection to "
                    + options.url() + " failed: " + error, error)));
        }
    }

    private void send(byte[] frame) {
        if (socket != null) {
            socket.send(frame);
        }
    }

    private long requestIdFor(Pending entry) {
        long request = nextRequest;
        while (pending.containsKey(request)) {
            request = request == 0xFFFF_FFFFL ? 1 : request + 1;
        }
        nextRequest = request == 0xFFFF_FFFFL ? 1 : request + 1;
        pending.put(request, entry);
        return request;
    }

    private void whenOpen(Runnable run, Consumer<RuntimeException> fail) {
        if (state == ConnectionState.CLOSED) {
            fail.accept(closedError());
        } else if (greeted && (state == ConnectionState.OPEN || resuming)) {
            run.run();
        } else {
            waiting.add(new Waiting(run, fail));
        }
    }

    private void setState(ConnectionState next) {
        if (state == next) {
            return;
        }
        state = next;
        for (Consumer<ConnectionState> listener : stateListeners) {
            try {
                listener.accept(next);
            } catch (RuntimeException | Error error) {
                report(error);
            }
        }
    }

    /**
     * An error thrown by a listener: the app's own bug, so by default handed to the client thread's uncaught
     * exception handler (which prints it), and the client goes on.
     */
    void report(Throwable error) {
        Consumer<Throwable> onError = options.onError();
        if (onError != null) {
            try {
                onError.accept(error);
            } catch (RuntimeException | Error failed) {
                LOG.log(System.Logger.Level.WARNING, "onError of the HeTu connection to " + options.url()
                        + " threw", failed);
            }
            return;
        }
        Thread thread = Thread.currentThread();
        thread.getUncaughtExceptionHandler().uncaughtException(thread, error);
    }

    /** Something that went wrong on the connection: by default a warning. */
    private void warn(Throwable error) {
        if (options.onError() != null) {
            report(error);
        } else {
            LOG.log(System.Logger.Level.WARNING, "HeTu connection to " + options.url() + ": " + error);
        }
    }

    // ---------------------------------------------------------------- frames

    /**
     * The messages this connection received, oldest first (the latest {@link #RECEIVED_KEPT}), over
     * all its reconnects: for tests and debugging.
     */
    public List<Received> received() {
        synchronized (receivedLog) {
            return List.copyOf(receivedLog);
        }
    }

    private void note(long noteSeq, String message) {
        synchronized (receivedLog) {
            if (receivedLog.size() == RECEIVED_KEPT) {
                receivedLog.removeFirst();
            }
            receivedLog.addLast(new Received(noteSeq, message));
        }
    }

    /** The connection, its state and the messages it received last: what a failing test prints. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("HeTu connection ").append(connectionId).append(" to ")
                .append(options.url()).append(", ").append(state).append(", seq ").append(seq)
                .append(", received:");
        List<Received> all = received();
        int from = Math.max(0, all.size() - 50);
        if (from > 0) {
            out.append("\n  (").append(from).append(" earlier messages)");
        }
        for (Received message : all.subList(from, all.size())) {
            out.append("\n  ").append(message.message());
        }
        return out.toString();
    }

    private void received(byte[] data) {
        WireReader reader = new WireReader().reset(MemorySegment.ofArray(data), 0, data.length);
        try {
            frame(reader, data);
        } catch (RuntimeException error) {
            protocolError(error);
        }
    }

    private void frame(WireReader reader, byte[] data) {
        int type = reader.readU8("the message type");
        switch (type) {
            case HetuProtocol.WELCOME -> {
                int version = reader.readU16("WELCOME's protocol version");
                if (version != HetuProtocol.VERSION) {
                    throw new WireFormatException("the server speaks protocol version " + version + ", this SDK "
                            + HetuProtocol.VERSION);
                }
                connectionId = reader.readI64("WELCOME's connection id");
                long welcomeSeq = reader.readI64("WELCOME's seq");
                advance(welcomeSeq);
                reader.expectEnd("WELCOME");
                note(welcomeSeq, "WELCOME connection " + connectionId + " seq " + welcomeSeq);
                welcomed();
            }
            case HetuProtocol.RESULT -> {
                long request = u32(reader, "RESULT's request id");
                long resultSeq = reader.readI64("RESULT's seq");
                advance(resultSeq);
                if (resultSeq > callSeq) {
                    callSeq = resultSeq;
                }
                note(resultSeq, "RESULT request " + request + " seq " + resultSeq);
                CallPending call = take(request, CallPending.class, "call");
                Runnable complete = call.read().apply(reader);
                reader.expectEnd("RESULT");
                complete.run();
            }
            case HetuProtocol.REJECTED -> rejected(reader);
            case HetuProtocol.SUBSCRIBED -> subscribed(reader, data);
            case HetuProtocol.DONE -> {
                long request = u32(reader, "DONE's request id");
                reader.expectEnd("DONE");
                take(request, UnsubscribePending.class, "unsubscribe").done().run();
            }
            case HetuProtocol.PONG -> {
                long nonce = reader.readI64("PONG's nonce");
                reader.expectEnd("PONG");
                CompletableFuture<Void> pong = pongs.remove(nonce);
                if (pong != null) {
                    pong.complete(null);
                }
            }
            case HetuProtocol.UPDATE -> update(reader, data);
            case HetuProtocol.ERROR -> {
                HetuError error = new HetuError(reader.readShortString("ERROR's code"),
                        reader.readShortString("ERROR's message"));
                note(0, "ERROR " + error.code() + ": " + error.getMessage());
                // The server discards anything after ERROR and closes: waiting for the closing handshake gains
                // nothing, and a server that is shutting down may never finish it.
                serverError = error;
                socketClosed(generation, error);
            }
            default -> throw new WireFormatException("unknown message type 0x" + Integer.toHexString(type));
        }
    }

    private void rejected(WireReader reader) {
        long request = u32(reader, "REJECTED's request id");
        HetuRejection rejection = new HetuRejection(reader.readShortString("REJECTED's code"),
                reader.readShortString("REJECTED's message"));
        reader.expectEnd("REJECTED");
        note(0, "REJECTED request " + request + " " + rejection.code() + ": " + rejection.getMessage());
        Pending entry = pending.remove(request);
        if (entry instanceof CallPending call) {
            call.fail().accept(rejection);
            return;
        }
        if (!(entry instanceof SubscribePending subscribe)) {
            throw new WireFormatException("REJECTED for request " + request
                    + ", which awaits no call or subscription");
        }
        Subscription<?> state = subscribe.state();
        if (subscribe.identity() != identity && state.active()) {
            // Refused under the previous session; the new one may read it.
            sendSubscribe(state);
            return;
        }
        live.remove(state);
        checkSeen();
        if (state.snapshotted()) {
            // A renewal (after a reconnect or a login) refused: the cache came from the previous session.
            state.applySnapshot(state.seq(), List.of());
        }
        boolean awaited = settle(state, rejection);
        state.end(rejection);
        if (!awaited) {
            warn(rejection);
        }
    }

    private void subscribed(WireReader reader, byte[] data) {
        long request = u32(reader, "SUBSCRIBED's request id");
        long serverId = u32(reader, "SUBSCRIBED's subscription id");
        long snapshotSeq = reader.readI64("SUBSCRIBED's seq");
        SubscribePending subscribe = take(request, SubscribePending.class, "subscription");
        Subscription<?> state = subscribe.state();
        int rowSize = state.type().rowSize();
        long count = u32(reader, "SUBSCRIBED's row count");
        note(snapshotSeq, "SUBSCRIBED request " + request + " seq " + snapshotSeq + ": " + state.type().name()
                + ", " + count + " row(s)");
        List<Subscription.SnapshotRow> rows = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            long id = reader.readI64("a row id");
            int at = (int) reader.skip(rowSize, "a row");
            rows.add(new Subscription.SnapshotRow(id, Arrays.copyOfRange(data, at, at + rowSize)));
        }
        reader.expectEnd("SUBSCRIBED");
        advance(snapshotSeq);
        framed(snapshotSeq);
        byServerId.put(serverId, state);
        if (!state.active() || subscribe.identity() != identity) {
            // Cancelled while the request was in flight, or asked before a login changed the session: end it on the
            // server, dropping the updates that may come before DONE; a stale one still wanted is asked for again.
            retire(serverId);
            if (state.active()) {
                sendSubscribe(state);
            }
            checkSeen();
            return;
        }
        state.serverId(serverId);
        state.applySnapshot(snapshotSeq, rows);
        settle(state, null);
        checkSeen();
    }

    private void update(WireReader reader, byte[] data) {
        long updateSeq = reader.readI64("UPDATE's seq");
        int count = reader.readU16("UPDATE's change count");
        if (held != null && held.seq() != updateSeq) {
            throw new WireFormatException("UPDATE of seq " + updateSeq + " while the one of seq " + held.seq()
                    + " was not finished (its last frame held " + HetuProtocol.MAX_CHANGES
                    + " changes, so more were due)");
        }
        // The parts of a commit are held, parsed, until its last frame: at most what the subscriptions hold.
        List<HeldChange> changes = held != null ? held.changes() : new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long serverId = u32(reader, "a change's subscription id");
            int kind = reader.readU8("a change's kind");
            long id = reader.readI64("a change's row id");
            Subscription<?> state = byServerId.get(serverId);
            if (state == null) {
                throw new WireFormatException("UPDATE for subscription " + serverId
                        + ", which this connection does not have");
            }
            if (kind < HetuProtocol.KIND_INSERT || kind > HetuProtocol.KIND_DELETE) {
                throw new WireFormatException("UPDATE change kind " + kind
                        + " is none of 1 (insert), 2 (update), 3 (delete)");
            }
            byte[] bytes = null;
            if (kind != HetuProtocol.KIND_DELETE) {
                int rowSize = state.type().rowSize();
                int at = (int) reader.skip(rowSize, "a row");
                bytes = Arrays.copyOfRange(data, at, at + rowSize);
            }
            changes.add(new HeldChange(serverId, state, kind, id, bytes));
            note(updateSeq, "UPDATE seq " + updateSeq + ": " + state.type().name() + " "
                    + (kind == HetuProtocol.KIND_INSERT ? "insert" : kind == HetuProtocol.KIND_UPDATE ? "update"
                            : "delete") + " " + id + (bytes == null ? "" : " " + state.type().decode(bytes)));
        }
        reader.expectEnd("UPDATE");
        if (count == HetuProtocol.MAX_CHANGES) {
            held = new Held(updateSeq, changes);
            return;
        }
        held = null;
        advance(updateSeq);
        for (HeldChange change : changes) {
            Subscription<?> state = change.state();
            if (state.active() && !retired.contains(change.serverId()) && updateSeq >= state.seq()) {
                state.seq(updateSeq);
                state.change(change.kind(), change.id(), change.bytes());
            }
        }
        framed(updateSeq);
        checkSeen();
    }

    private static long u32(WireReader reader, String what) {
        return Integer.toUnsignedLong(reader.readI32(what));
    }

    private <P extends Pending> P take(long request, Class<P> kind, String what) {
        Pending entry = pending.get(request);
        if (!kind.isInstance(entry)) {
            throw new WireFormatException("a reply for request " + request + ", which awaits no " + what);
        }
        pending.remove(request);
        return kind.cast(entry);
    }

    private void advance(long newer) {
        if (newer > seq) {
            seq = newer;
        }
    }

    private void protocolError(RuntimeException error) {
        warn(error);
        shutDown(new HetuError("PROTOCOL", "the client could not process a frame: " + error.getMessage(), error),
                false);
    }

    // ---------------------------------------------------------------- lifecycle

    private void welcomed() {
        greeted = true;
        cancelHandshakeTimer();
        attempts = 0;
        startPinging();
        CompletableFuture<HetuConnection> first = firstConnect;
        if (first != null) {
            firstConnect = null;
            setState(ConnectionState.OPEN);
            first.complete(this);
            return;
        }
        resumeSession(generation);
    }

    /** After a reconnect: log in again, renew every subscription (reconciling its cache), then release waiting work. */
    private void resumeSession(int socketGeneration) {
        resuming = true;
        boolean withLogin = resume != null;
        CompletionStage<?> relogin;
        try {
            relogin = resume == null ? CompletableFuture.completedFuture(null) : resume.get();
        } catch (RuntimeException error) {
            relogin = CompletableFuture.failedFuture(error);
        }
        relogin.whenComplete((value, error) -> post(() -> {
            if (socketGeneration != generation) {
                return;
            }
            resuming = false;
            if (error != null) {
                warn(unwrap(error));
            }
            if (!greeted) {
                return;
            }
            // The calls lost with the socket go again under the same user, with their ids: each runs at most once.
            List<CallPending> again = retrying;
            retrying = new ArrayList<>();
            for (CallPending call : again) {
                if (withLogin && error == null) {
                    sendCall(call);
                } else {
                    call.fail().accept(new HetuRejection("DISCONNECTED", "the connection was lost and the login "
                            + "after the reconnect failed; the call may or may not have run"));
                }
            }
            for (Subscription<?> state : new ArrayList<>(live)) {
                if (state.active()) {
                    sendSubscribe(state);
                }
            }
            setState(ConnectionState.OPEN);
            List<Waiting> work = waiting;
            waiting = new ArrayList<>();
            work.forEach(w -> w.run().run());
        }, stopped -> {}));
    }

    private void socketClosed(int socketGeneration, HetuError closed) {
        if (socketGeneration != generation) {
            return;
        }
        // Nothing more from this socket counts, its close event included.
        generation++;
        HetuError error = serverError != null ? serverError : closed;
        greeted = false;
        resuming = false;
        held = null;
        frameSeq = -1;
        if (socket != null) {
            socket.webSocket.abort();
            socket = null;
        }
        cancelHandshakeTimer();
        stopPinging();
        failPending(error, true);
        CompletableFuture<HetuConnection> first = firstConnect;
        if (first != null) {
            firstConnect = null;
            shutDown(error, false);
            first.completeExceptionally(error);
            return;
        }
        if (state == ConnectionState.CLOSED) {
            return;
        }
        ReconnectOptions policy = options.reconnect();
        if (!HetuProtocol.reconnectsAfter(serverError == null ? null : serverError.code()) || policy == null
                || attempts >= policy.maxAttempts()) {
            shutDown(error, true);
            return;
        }
        setState(ConnectionState.RECONNECTING);
        long initial = policy.initialDelay().toNanos();
        long delay = attempts >= 62 || initial > Long.MAX_VALUE >> attempts ? policy.maxDelay().toNanos()
                : Math.min(policy.maxDelay().toNanos(), initial << attempts);
        attempts++;
        // Jitter, so that the clients of a restarted server do not all come back at once.
        long jittered = (long) (delay * (0.5 + ThreadLocalRandom.current().nextDouble() / 2));
        reconnectTimer = loop.schedule(safely(() -> {
            reconnectTimer = null;
            if (state == ConnectionState.RECONNECTING) {
                openSocket();
            }
        }), jittered, TimeUnit.NANOSECONDS);
    }

    private Runnable safely(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error error) {
                warn(error);
            }
        };
    }

    /**
     * The socket is gone. A call in flight may or may not have run: with {@code keepCalls} (a reconnect follows) one
     * sent under a login callback and among the last 32 calls waits to be sent again with its id; any other fails
     * with {@code DISCONNECTED}. PINGs in flight will not be answered: they fail. Subscriptions in flight are renewed
     * on resume.
     */
    private void failPending(HetuError error, boolean keepCalls) {
        List<Pending> entries = new ArrayList<>(pending.values());
        pending.clear();
        pongs.values().forEach(pong -> pong.completeExceptionally(error));
        pongs.clear();
        byServerId.clear();
        retired.clear();
        List<CallPending> calls = new ArrayList<>(retrying);
        retrying = new ArrayList<>();
        for (Pending entry : entries) {
            if (entry instanceof CallPending call) {
                calls.add(call);
            } else if (entry instanceof UnsubscribePending unsubscribe) {
                unsubscribe.done().run();
            }
        }
        calls.sort(Comparator.comparingLong(CallPending::number));
        for (CallPending call : calls) {
            if (keepCalls && call.retryable() && callsSent - call.number() < CALL_SLOTS) {
                retrying.add(call);
            } else {
                call.fail().accept(new HetuRejection("DISCONNECTED", error.getMessage()
                        + "; the call may or may not have run"));
            }
        }
        for (Subscription<?> state : live) {
            state.serverId(-1);
        }
    }

    /** Ends the connection for good; {@code report} says whether {@code error} is news to nobody else. */
    private void shutDown(HetuError error, boolean report) {
        if (state == ConnectionState.CLOSED) {
            return;
        }
        generation++;
        // Told before the state changes, so that whoever sees CLOSED can already know why.
        if (error != null && report) {
            warn(error);
        }
        setState(ConnectionState.CLOSED);
        if (reconnectTimer != null) {
            reconnectTimer.cancel(false);
            reconnectTimer = null;
        }
        stopPinging();
        cancelHandshakeTimer();
        Socket closing = socket;
        socket = null;
        greeted = false;
        HetuError ended = error != null ? error : new HetuError("CLOSED", "the connection was closed by the client");
        // Closed before the first WELCOME was taken (a WELCOME of another protocol version, close() while connecting).
        CompletableFuture<HetuConnection> first = firstConnect;
        firstConnect = null;
        if (first != null) {
            first.completeExceptionally(ended);
        }
        failPending(ended, false);
        for (Subscription<?> state : new ArrayList<>(snapshotWaiters.keySet())) {
            settle(state, ended);
        }
        for (Subscription<?> state : new ArrayList<>(live)) {
            state.end(error);
        }
        live.clear();
        List<Waiting> work = waiting;
        waiting = new ArrayList<>();
        work.forEach(w -> w.fail().accept(ended));
        List<SeenWaiter> seen = new ArrayList<>(seenWaiters);
        seenWaiters.clear();
        seen.forEach(waiter -> waiter.seen().completeExceptionally(ended));
        loop.shutdown();
        if (closing == null) {
            http.shutdownNow();
            return;
        }
        closing.sending.thenCompose(sent -> closing.webSocket.sendClose(WebSocket.NORMAL_CLOSURE,
                        "closed by the client"))
                .orTimeout(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((closed, failed) -> {
                    closing.webSocket.abort();
                    http.shutdownNow();
                });
    }

    private void startPinging() {
        Duration interval = options.pingInterval();
        if (interval.isZero()) {
            return;
        }
        int socketGeneration = generation;
        pingTimer = loop.scheduleWithFixedDelay(safely(() -> {
            if (socketGeneration == generation && greeted) {
                send(frame(w -> w.writeI8((byte) HetuProtocol.PING).writeI64(nextNonce++)));
            }
        }), interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void cancelHandshakeTimer() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
            handshakeTimer = null;
        }
    }

    private void stopPinging() {
        if (pingTimer != null) {
            pingTimer.cancel(false);
            pingTimer = null;
        }
    }
}
