package io.hetu.server;

import io.hetu.annotations.Permission;
import io.hetu.schema.FieldLayout;
import io.hetu.schema.FieldValueException;
import io.hetu.schema.Key;
import io.hetu.schema.Layouts;
import io.hetu.schema.TableDescriptor;
import io.hetu.server.app.App;
import io.hetu.server.subscription.LimitExceededException;
import io.hetu.server.subscription.Subscriber;
import io.hetu.server.subscription.Subscriptions;
import io.hetu.server.system.CallContext;
import io.hetu.server.system.Session;
import io.hetu.storage.Database;
import io.hetu.system.CommitOutcomeUnknownException;
import io.hetu.system.ConflictException;
import io.hetu.system.Hook;
import io.hetu.system.Rejection;
import io.hetu.system.StorageException;
import io.hetu.system.UniqueViolationException;
import io.hetu.wire.Protocol;
import io.hetu.wire.WireFormatException;
import io.hetu.wire.WireReader;
import io.hetu.wire.WireWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.MessageAggregationException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: the protocol of docs/PROTOCOL.md from the handshake on. Calls run on the
 * connection's event loop as transactions; a call that wrote is answered once its commit is
 * durable, and a call that only read once what it read is durable. Subscriptions are served by
 * the subscription engine, which pushes through {@link #send}. Every frame leaves through the
 * channel's {@link OutboundBudget}, except the closing frames this class writes itself.
 */
final class Connection extends SimpleChannelInboundHandler<WebSocketFrame> implements Subscriber {

    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
    private static final long CLOSE_GRACE_MILLIS = 2_000;
    /** Request tokens a SELECT or QUERY takes: a subscription costs the server a snapshot. */
    static final int SUBSCRIBE_TOKENS = 10;
    private static final CompletableFuture<Void> NOTHING_TO_WAIT_FOR = CompletableFuture.completedFuture(null);

    private final HetuServer server;
    private final App app;
    private final Database database;
    private final Subscriptions subscriptions;
    private final Limits limits;
    private final Session session;
    private final CallContext context;
    private final WireReader reader = new WireReader();
    private final WireWriter writer = new WireWriter();
    private final WireReader noArguments = new WireReader().reset(MemorySegment.ofArray(new byte[0]), 0, 0);

    private Channel channel;
    /** This handler's context: writes through it skip the {@link OutboundBudget} behind it. */
    private ChannelHandlerContext self;
    private volatile boolean upgraded;
    private boolean greeted;
    private ScheduledFuture<?> handshakeTimer;
    private volatile boolean closing;
    private double tokens;
    private long refilledAt;
    /** Replies to calls, in order, until what each depends on is durable. */
    private final ArrayDeque<DurableReply> awaitingDurability = new ArrayDeque<>();
    /** Whether {@link #sendDurableReplies} waits for a commit to become durable. */
    private boolean waitingForDurability;
    /** How many times the current call's transaction has run, for {@link ServerStats}. */
    private int attempts;

    Connection(HetuServer server, long connectionId) {
        this.server = server;
        this.app = server.app();
        this.database = server.database();
        this.subscriptions = server.subscriptions();
        this.limits = server.limits();
        this.session = new Session(connectionId);
        this.context = new CallContext(session, server.sessions());
        this.tokens = limits.requestsPerSecond();
        this.refilledAt = System.nanoTime();
    }

    @Override
    public Session session() {
        return session;
    }

    // ---------------------------------------------------------------- Netty events

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        self = ctx;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            upgraded = true;
            handshakeTimer = ctx.executor().schedule(() -> {
                if (!greeted) {
                    close("HANDSHAKE_TIMEOUT", "no HELLO within " + limits.handshakeTimeout().toMillis() + " ms",
                            Protocol.CLOSE_HANDSHAKE_TIMEOUT);
                }
            }, limits.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } else if (event instanceof IdleStateEvent) {
            close("IDLE", "nothing received for " + limits.idleTimeout().toSeconds() + " s; send PING to stay connected",
                    Protocol.CLOSE_IDLE);
        } else {
            super.userEventTriggered(ctx, event);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (closing) {
            return;
        }
        if (!(frame instanceof BinaryWebSocketFrame)) {
            close("PROTOCOL", "only binary frames are part of the protocol, got " + frame.getClass().getSimpleName(),
                    Protocol.CLOSE_PROTOCOL);
            return;
        }
        ByteBuf content = frame.content();
        MemorySegment message = content.nioBufferCount() == 1
                ? MemorySegment.ofBuffer(content.nioBuffer())
                : MemorySegment.ofArray(io.netty.buffer.ByteBufUtil.getBytes(content));
        reader.reset(message, 0, message.byteSize());
        try {
            byte type = reader.readI8("the message type");
            if (!greeted) {
                if (type != Protocol.HELLO) {
                    close("PROTOCOL", "the first message must be HELLO (0x01), got 0x"
                            + HexFormat.of().toHexDigits(type), Protocol.CLOSE_PROTOCOL);
                    return;
                }
                hello();
                return;
            }
            if (!takeRequestTokens(type == Protocol.SELECT || type == Protocol.QUERY ? SUBSCRIBE_TOKENS : 1)) {
                close("RATE", "more than " + limits.requestsPerSecond() + " requests per second (a SELECT or QUERY "
                        + "counts " + SUBSCRIBE_TOKENS + ")", Protocol.CLOSE_LIMIT);
                return;
            }
            switch (type) {
                case Protocol.CALL -> call(message);
                case Protocol.SELECT -> select();
                case Protocol.QUERY -> query();
                case Protocol.UNSUBSCRIBE -> unsubscribe();
                case Protocol.PING -> ping();
                default -> close("PROTOCOL", "unknown message type 0x" + HexFormat.of().toHexDigits(type),
                        Protocol.CLOSE_PROTOCOL);
            }
        } catch (WireFormatException e) {
            close("PROTOCOL", e.getMessage(), Protocol.CLOSE_PROTOCOL);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        if (greeted) {
            server.sessions().remove(this);
            subscriptions.disconnected(this);
            runHooks(Hook.ON_DISCONNECT);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable decompression = cause instanceof DecompressionException ? cause : cause.getCause();
        if (cause instanceof TooLongFrameException || cause instanceof CorruptedWebSocketFrameException c
                && c.closeStatus() == WebSocketCloseStatus.MESSAGE_TOO_BIG
                || decompression instanceof DecompressionException && !(decompression.getCause()
                        instanceof DataFormatException)) {
            close("FRAME_TOO_LARGE", "a message is over the limit of " + limits.maxFrameBytes()
                    + " bytes (after decompression): " + cause.getMessage(), Protocol.CLOSE_LIMIT);
        } else if (decompression instanceof DecompressionException) {
            close("PROTOCOL", "a compressed message is corrupt: " + decompression.getMessage(),
                    Protocol.CLOSE_PROTOCOL);
        } else if (cause instanceof DecoderException || cause instanceof MessageAggregationException) {
            // Framing errors (reserved bits, a continuation without a start, a new message in the
            // middle of a fragmented one, a bad close frame) are the client's.
            close("PROTOCOL", "a WebSocket frame is malformed: " + cause.getMessage(), Protocol.CLOSE_PROTOCOL);
        } else if (closing && cause instanceof ClosedChannelException) {
            // A reply or push written after our close frame: the WebSocket handler refuses it. The
            // close already under way must not be cut short, or the ERROR saying why is lost.
        } else if (cause instanceof IOException || cause instanceof PrematureChannelClosureException) {
            // The client went away (in the middle of a message, perhaps): nobody to answer.
            ctx.close();
        } else {
            String trace = server.failures().report("connection", cause);
            close("PROTOCOL", "the server could not process a message; the server log has trace " + trace,
                    Protocol.CLOSE_PROTOCOL);
        }
    }

    // ---------------------------------------------------------------- messages

    private void hello() {
        int version = reader.readU16("the protocol version");
        String hash = reader.readShortString("the schema hash");
        reader.expectEnd("HELLO");
        if (version != Protocol.VERSION) {
            close("VERSION", "this server speaks protocol version " + Protocol.VERSION + ", the client sent "
                    + version + "; update the client SDK", Protocol.CLOSE_HANDSHAKE);
            return;
        }
        if (!hash.equals(app.schemaHash())) {
            close("SCHEMA", "the client was built for schema " + hash + " but this server runs schema "
                    + app.schemaHash() + "; regenerate the client SDK (mvn hetu:generate) from this server's "
                    + "manifest", Protocol.CLOSE_HANDSHAKE);
            return;
        }
        greeted = true;
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        server.sessions().add(this);
        writer.clear().writeI8(Protocol.WELCOME).writeI16((short) Protocol.VERSION).writeI64(session.connectionId())
                .writeI64(database.backend().lastSeq());
        write(writer);
        runHooks(Hook.ON_CONNECT);
    }

    private void call(MemorySegment message) {
        int request = reader.readI32("the request id");
        int systemId = reader.readU16("the system id");
        App.Entry entry = app.system(systemId);
        if (entry == null) {
            reply(0, request, rejection(request, "NO_SUCH_SYSTEM", "no system has id " + systemId + "; the app has "
                    + app.systems().size()));
            return;
        }
        if (!mayCall(entry.def().permission())) {
            reply(0, request, rejection(request, "PERMISSION", permissionMessage(entry)));
            return;
        }
        long argumentsAt = 7;
        long argumentsLength = message.byteSize() - argumentsAt;
        writer.clear().writeI8(Protocol.RESULT).writeI32(request);
        int seqAt = writer.size();
        writer.writeI64(0);
        int resultAt = writer.size();
        long seq;
        attempts = 0;
        try {
            seq = database.commit(entry.def().retry(), tx -> {
                attempts++;
                context.begin(tx);
                reader.reset(message, argumentsAt, argumentsLength);
                writer.truncate(resultAt);
                entry.dispatcher().dispatch(entry.index(), context, reader, writer);
                context.attachEffects();
            });
        } catch (RuntimeException e) {
            context.abandonEffects();
            // What the system read before it failed may be a commit that is not durable yet.
            reply(database.backend().lastSeq(), request, rejectFailure(request, entry.def().name(), e));
            return;
        } finally {
            server.stats().called(attempts);
        }
        // A call that wrote nothing saw at most the latest commit; its reply waits for that one.
        long dependsOn = seq != 0 ? seq : database.backend().lastSeq();
        if (!context.commitEffects()) {
            reply(dependsOn, request, rejection(request, "ALREADY_LOGGED_IN",
                    "another connection logged in as that user first"));
            return;
        }
        writer.segment().set(Layouts.I64, seqAt, dependsOn);
        // A reply to a session change also waits until the subscriptions have switched
        // (docs/PROTOCOL.md, identity switch). The engine's frames reach the socket as tasks of
        // this event loop: completing in a task queued after them keeps the reply behind them.
        CompletableFuture<Void> switched = seq != 0 && context.changesSession()
                ? subscriptions.switched(this, seq).thenRunAsync(() -> {}, channel.eventLoop()) : null;
        awaitingDurability.add(new DurableReply(dependsOn, seq != 0, request, frame(writer), switched));
    }

    /**
     * Queues a call's reply behind every earlier one. It is sent from channelReadComplete, once
     * commit {@code dependsOn} is durable (0: it depends on none): the durability of every call of
     * one read is then asked for at once, so the log can take their commits in one write.
     */
    private void reply(long dependsOn, int request, BinaryWebSocketFrame reply) {
        awaitingDurability.add(new DurableReply(dependsOn, false, request, reply, null));
    }

    /** After the calls of one read from the socket: sends the replies whose commits are durable. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!waitingForDurability && !awaitingDurability.isEmpty()) {
            sendDurableReplies();
        }
        ctx.fireChannelReadComplete();
    }

    /**
     * Sends, in commit order, the replies whose commits are durable, with one flush; then waits
     * for the next one. One wait covers all of a connection's replies in flight, so the log
     * writer hands this event loop one task per batch of commits rather than one per reply.
     * Runs on the event loop.
     */
    private void sendDurableReplies() {
        waitingForDurability = false;
        if (closing) {
            // After the close frame nothing more may be written; the client was told why it is closed.
            DurableReply dropped;
            while ((dropped = awaitingDurability.poll()) != null) {
                dropped.reply().release();
            }
            return;
        }
        boolean sent = false;
        DurableReply next;
        while ((next = awaitingDurability.peek()) != null) {
            CompletableFuture<Void> durable = next.seq() == 0 ? NOTHING_TO_WAIT_FOR : database.durable(next.seq());
            CompletableFuture<Void> ready = durable.isDone() && !durable.isCompletedExceptionally()
                    && next.switched() != null ? next.switched() : durable;
            if (!ready.isDone()) {
                waitingForDurability = true;
                ready.whenComplete((done, failure) -> channel.eventLoop().execute(this::sendDurableReplies));
                break;
            }
            awaitingDurability.poll();
            if (durable.isCompletedExceptionally()) {
                next.reply().release();
                Throwable failure = durable.exceptionNow();
                // Only the call's own commit can have an unknown outcome; a reply that merely read
                // another call's commit applied nothing, so the client may simply retry it.
                String code = next.ownCommit() && failure instanceof CommitOutcomeUnknownException
                        ? "UNKNOWN_OUTCOME" : "UNAVAILABLE";
                channel.write(rejection(next.request(), code, (next.ownCommit() ? "the commit could not be made durable: "
                        : "what the call read could not be made durable, so it was not answered: ")
                        + failure.getMessage()), channel.voidPromise());
            } else {
                channel.write(next.reply(), channel.voidPromise());
            }
            sent = true;
        }
        if (sent) {
            channel.flush();
        }
    }

    /**
     * A call's reply, held until commit {@code seq} is durable and, after a session change, until
     * the subscriptions have switched.
     */
    private record DurableReply(long seq, boolean ownCommit, int request, BinaryWebSocketFrame reply,
            CompletableFuture<Void> switched) {}

    private BinaryWebSocketFrame rejectFailure(int request, String system, RuntimeException e) {
        return switch (e) {
            case Rejection r -> rejection(request, r.code(), r.getMessage());
            case WireFormatException w -> rejection(request, "BAD_ARGUMENTS", system + ": " + w.getMessage());
            case ConflictException c -> rejection(request, "CONFLICT", system + ": " + c.getMessage());
            case UniqueViolationException u -> rejection(request, "UNIQUE", u.getMessage());
            case FieldValueException f -> rejection(request, "INVALID_VALUE", f.getMessage());
            case CommitOutcomeUnknownException u -> rejection(request, "UNKNOWN_OUTCOME", u.getMessage());
            case StorageException s when s.getCause() != null -> rejection(request, "UNAVAILABLE", s.getMessage());
            default -> rejection(request, "INTERNAL", "the system failed; the server log has trace "
                    + server.failures().report("system " + system, e));
        };
    }

    private void select() {
        int request = reader.readI32("the request id");
        int table = reader.readU16("the component id");
        int by = reader.readU8("the select mode");
        subscribe(request, table, () -> {
            if (by == 0) {
                long id = reader.readI64("the row id");
                reader.expectEnd("SELECT");
                subscriptions.select(this, request, table, id);
            } else if (by == 1) {
                int index = indexOf(table, reader.readU8("the index position"));
                Key key = WireKeys.read(reader, column(table, index), "the key");
                reader.expectEnd("SELECT");
                subscriptions.selectUnique(this, request, table, index, key);
            } else {
                throw new WireFormatException("select mode " + by + " is neither 0 (by id) nor 1 (by unique index)");
            }
        });
    }

    private void query() {
        int request = reader.readI32("the request id");
        int table = reader.readU16("the component id");
        int indexPosition = reader.readU8("the index position");
        int flags = reader.readU8("the query flags");
        long limit = Integer.toUnsignedLong(reader.readI32("the limit"));
        subscribe(request, table, () -> {
            if ((flags & ~QUERY_FLAGS) != 0) {
                throw new WireFormatException("query flags 0x" + HexFormat.of().toHexDigits((byte) flags)
                        + " set undefined bits (defined: 0x" + HexFormat.of().toHexDigits((byte) QUERY_FLAGS) + ")");
            }
            int index = indexOf(table, indexPosition);
            FieldLayout column = column(table, index);
            Key low = (flags & Protocol.QUERY_HAS_LOW) != 0 ? WireKeys.read(reader, column, "the low bound") : null;
            Key high = (flags & Protocol.QUERY_HAS_HIGH) != 0 ? WireKeys.read(reader, column, "the high bound") : null;
            reader.expectEnd("QUERY");
            subscriptions.query(this, request, table, index, low, (flags & Protocol.QUERY_LOW_INCLUSIVE) != 0, high,
                    (flags & Protocol.QUERY_HIGH_INCLUSIVE) != 0, (int) Math.min(limit, Integer.MAX_VALUE),
                    (flags & Protocol.QUERY_DESCENDING) != 0);
        });
    }

    private static final int QUERY_FLAGS = Protocol.QUERY_DESCENDING | Protocol.QUERY_HAS_LOW
            | Protocol.QUERY_LOW_INCLUSIVE | Protocol.QUERY_HAS_HIGH | Protocol.QUERY_HIGH_INCLUSIVE;

    private void subscribe(int request, int table, Runnable work) {
        if (table >= app.tables().size()) {
            reject(request, "NO_SUCH_COMPONENT", "no component has id " + table + "; the app has "
                    + app.tables().size());
            return;
        }
        try {
            work.run();
        } catch (Rejection r) {
            reject(request, r.code(), r.getMessage());
        } catch (LimitExceededException e) {
            close(e.code(), e.getMessage(), Protocol.CLOSE_LIMIT);
        } catch (WireFormatException | IllegalArgumentException e) {
            reject(request, "BAD_ARGUMENTS", e.getMessage());
        } catch (StorageException e) {
            // The store could not be read (a shared database that is unreachable): the client may retry.
            reject(request, "UNAVAILABLE", e.getMessage());
        }
    }

    private int indexOf(int table, int position) {
        TableDescriptor<?, ?> descriptor = app.tables().get(table);
        if (position >= descriptor.indexes().size()) {
            throw new WireFormatException(descriptor.name() + " has no index at position " + position);
        }
        return position;
    }

    private FieldLayout column(int table, int index) {
        TableDescriptor<?, ?> descriptor = app.tables().get(table);
        return descriptor.layout().field(descriptor.indexes().get(index).field());
    }

    private void unsubscribe() {
        int request = reader.readI32("the request id");
        int subscription = reader.readI32("the subscription id");
        reader.expectEnd("UNSUBSCRIBE");
        if (subscriptions.unsubscribe(this, subscription)) {
            // Queued behind the frames the engine already handed to the event loop, which belong
            // before DONE.
            BinaryWebSocketFrame done = frame(writer.clear().writeI8(Protocol.DONE).writeI32(request));
            channel.eventLoop().execute(() -> channel.writeAndFlush(done, channel.voidPromise()));
        } else {
            reject(request, "NO_SUCH_SUBSCRIPTION", "this connection has no subscription " + subscription);
        }
    }

    private void ping() {
        long nonce = reader.readI64("the nonce");
        reader.expectEnd("PING");
        writer.clear().writeI8(Protocol.PONG).writeI64(nonce);
        write(writer);
    }

    // ---------------------------------------------------------------- sessions and hooks

    private void runHooks(Hook hook) {
        for (App.Entry entry : app.hooks(hook)) {
            WireWriter ignored = new WireWriter();
            try {
                long seq = database.commit(entry.def().retry(), tx -> {
                    context.begin(tx);
                    entry.dispatcher().dispatch(entry.index(), context, noArguments.rewind(), ignored.clear());
                    context.attachEffects();
                });
                if (seq != 0) {
                    // Nobody waits for it, but asking lets a log that writes on the asking thread
                    // write it now, so that subscribers see it without delay.
                    database.durable(seq);
                }
                if (hook != Hook.ON_DISCONNECT) {
                    context.commitEffects();
                }
            } catch (RuntimeException e) {
                server.failures().report(hook + " hook " + entry.def().namespace() + "." + entry.def().name(), e);
            }
        }
    }

    private boolean mayCall(Permission permission) {
        return switch (permission) {
            case EVERYBODY -> true;
            case USER -> session.caller() != 0;
            case ADMIN -> session.isAdmin();
            case OWNER, RLS, NONE -> false;
        };
    }

    private static String permissionMessage(App.Entry entry) {
        return switch (entry.def().permission()) {
            case USER -> entry.def().name() + " needs a logged-in caller; call a login system first";
            case ADMIN -> entry.def().name() + " is for administrators only";
            default -> entry.def().name() + " cannot be called by clients";
        };
    }

    /**
     * The request budget: a bucket of {@code requestsPerSecond} tokens, refilled continuously at
     * that rate, from which every request after HELLO takes its cost.
     */
    private boolean takeRequestTokens(int cost) {
        long now = System.nanoTime();
        int rate = limits.requestsPerSecond();
        tokens = Math.min(rate, tokens + (now - refilledAt) * rate / 1e9);
        refilledAt = now;
        if (tokens < cost) {
            return false;
        }
        tokens -= cost;
        return true;
    }

    // ---------------------------------------------------------------- output

    @Override
    public void send(byte[] bytes, int length) {
        if (closing) {
            return;
        }
        channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.copiedBuffer(bytes, 0, length)),
                channel.voidPromise());
    }

    /** Called by the {@link OutboundBudget} when a frame found more than the budget waiting. */
    void tooSlow() {
        close("TOO_SLOW", "the client did not read what was sent to it; more than " + limits.maxOutboundBytes()
                + " bytes were waiting", Protocol.CLOSE_TOO_SLOW);
    }

    @Override
    public void limitExceeded(LimitExceededException reason) {
        close(reason.code(), reason.getMessage(), Protocol.CLOSE_LIMIT);
    }

    private void reject(int request, String code, String message) {
        channel.writeAndFlush(rejection(request, code, message), channel.voidPromise());
    }

    private BinaryWebSocketFrame rejection(int request, String code, String message) {
        return frame(writer.clear().writeI8(Protocol.REJECTED).writeI32(request).writeShortString(code)
                .writeShortString(message));
    }

    private void write(WireWriter out) {
        channel.writeAndFlush(frame(out), channel.voidPromise());
    }

    private BinaryWebSocketFrame frame(WireWriter out) {
        ByteBuf buffer = channel.alloc().buffer(out.size());
        buffer.writeBytes(out.array(), 0, out.size());
        return new BinaryWebSocketFrame(buffer);
    }

    /**
     * Sends ERROR and a close frame, then closes the socket as soon as they are written: for a
     * server that is shutting down and will not wait for the client's closing handshake. Runs on
     * the event loop, so the frames are queued before the loop can be told to stop. Safe from any
     * thread; the future completes when the socket is closed.
     */
    ChannelFuture closeNow(String code, String message, int closeCode) {
        channel.eventLoop().execute(() -> {
            if (closing) {
                return;
            }
            closing = true;
            self.write(errorFrame(code, message), self.voidPromise());
            self.writeAndFlush(new CloseWebSocketFrame(closeCode, code)).addListener(ChannelFutureListener.CLOSE);
        });
        return channel.closeFuture();
    }

    private BinaryWebSocketFrame errorFrame(String code, String message) {
        return frame(new WireWriter().writeI8(Protocol.ERROR).writeShortString(code).writeShortString(message));
    }

    /** Sends ERROR with a reason and closes with the close code; safe from any thread. */
    void close(String code, String message, int closeCode) {
        if (closing) {
            return;
        }
        closing = true;
        if (!upgraded) {
            // Still HTTP: nothing of the protocol to say.
            channel.close();
            return;
        }
        LOG.debug("Closing connection {}: {} {}", session.connectionId(), code, message);
        // Through this handler's context, past the outbound budget: a client closed as too slow
        // still gets its reason queued (it sees it if it reads again).
        self.write(errorFrame(code, message), self.voidPromise());
        // The closing handshake: the client answers with its own close frame, on which the protocol
        // handler closes the socket. Input meanwhile is discarded; a client that never answers is cut
        // off after a grace period. Closing at once would reset a client still sending, and its
        // unread ERROR would be lost.
        self.writeAndFlush(new CloseWebSocketFrame(closeCode, code), self.voidPromise());
        channel.eventLoop().schedule(() -> channel.close(), CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }
}
