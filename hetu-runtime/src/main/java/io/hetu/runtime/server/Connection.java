package io.hetu.runtime.server;

import io.hetu.runtime.wire.Protocol;
import io.hetu.annotations.Permission;
import io.hetu.runtime.app.App;
import io.hetu.runtime.storage.CommitOutcomeUnknownException;
import io.hetu.runtime.storage.ConflictException;
import io.hetu.runtime.storage.Database;
import io.hetu.runtime.storage.Key;
import io.hetu.runtime.storage.StorageException;
import io.hetu.runtime.storage.UniqueViolationException;
import io.hetu.runtime.subscription.LimitExceededException;
import io.hetu.runtime.subscription.Subscriber;
import io.hetu.runtime.subscription.Subscriptions;
import io.hetu.runtime.system.Hook;
import io.hetu.runtime.system.Rejection;
import io.hetu.runtime.system.Session;
import io.hetu.runtime.system.SystemContext;
import io.hetu.runtime.wire.WireFormatException;
import io.hetu.runtime.wire.WireReader;
import io.hetu.runtime.wire.WireWriter;
import io.hetu.schema.FieldLayout;
import io.hetu.schema.FieldValueException;
import io.hetu.schema.Layouts;
import io.hetu.schema.TableDescriptor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: the protocol of docs/PROTOCOL.md from the handshake on. Calls run on the
 * connection's event loop as transactions; a call that wrote is answered once its commit is
 * durable. Subscriptions are served by the subscription engine, which pushes through
 * {@link #send}.
 */
final class Connection extends SimpleChannelInboundHandler<WebSocketFrame> implements Subscriber {

    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
    private static final long CLOSE_GRACE_MILLIS = 2_000;

    private final HetuServer server;
    private final App app;
    private final Database database;
    private final Subscriptions subscriptions;
    private final Limits limits;
    private final Session session;
    private final SystemContext context;
    private final WireReader reader = new WireReader();
    private final WireWriter writer = new WireWriter();
    private final WireReader noArguments = new WireReader().reset(MemorySegment.ofArray(new byte[0]), 0, 0);

    private Channel channel;
    private boolean greeted;
    private ScheduledFuture<?> handshakeTimer;
    private volatile boolean closing;
    private double tokens;
    private long refilledAt;
    /** Replies to calls that wrote, in commit order, until their commits are durable. */
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
        this.context = new SystemContext(session, server.sessions());
        this.tokens = limits.callsPerSecond();
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
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
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
        if (cause instanceof CorruptedWebSocketFrameException || cause instanceof TooLongFrameException
                || cause instanceof DecompressionException
                || cause.getCause() instanceof DecompressionException) {
            close("FRAME_TOO_LARGE", "a frame was malformed or over the limit of " + limits.maxFrameBytes()
                    + " bytes (after decompression): " + cause.getMessage(), Protocol.CLOSE_LIMIT);
        } else if (cause instanceof IOException) {
            ctx.close();
        } else {
            LOG.warn("Connection {} failed; closing it", session.connectionId(), cause);
            close("PROTOCOL", "the server could not process a message", Protocol.CLOSE_PROTOCOL);
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
        if (!takeCallToken()) {
            close("RATE", "more than " + limits.callsPerSecond() + " calls per second", Protocol.CLOSE_LIMIT);
            return;
        }
        int request = reader.readI32("the request id");
        int systemId = reader.readU16("the system id");
        App.Entry entry = app.system(systemId);
        if (entry == null) {
            reject(request, "NO_SUCH_SYSTEM", "no system has id " + systemId + "; the app has "
                    + app.systems().size());
            return;
        }
        if (!mayCall(entry.def().permission())) {
            reject(request, "PERMISSION", permissionMessage(entry));
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
            rejectFailure(request, entry.def().name(), e);
            return;
        } finally {
            server.stats().called(attempts);
        }
        if (!context.commitEffects()) {
            reject(request, "ALREADY_LOGGED_IN", "another connection logged in as that user first");
            return;
        }
        writer.segment().set(Layouts.I64, seqAt, seq != 0 ? seq : database.backend().lastSeq());
        BinaryWebSocketFrame reply = frame(writer);
        if (seq == 0) {
            channel.writeAndFlush(reply);
        } else {
            // Sent from channelReadComplete: the durability of every call of this read is then
            // asked for at once, so the log can take their commits in one write.
            awaitingDurability.add(new DurableReply(seq, request, reply));
        }
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
        boolean sent = false;
        DurableReply next;
        while ((next = awaitingDurability.peek()) != null) {
            CompletableFuture<Void> durable = database.durable(next.seq());
            if (!durable.isDone()) {
                waitingForDurability = true;
                durable.whenComplete((done, failure) -> channel.eventLoop().execute(this::sendDurableReplies));
                break;
            }
            awaitingDurability.poll();
            if (durable.isCompletedExceptionally()) {
                next.reply().release();
                reject(next.request(), "UNAVAILABLE", "the commit could not be made durable: "
                        + durable.exceptionNow().getMessage());
            } else {
                channel.write(next.reply(), channel.voidPromise());
                sent = true;
            }
        }
        if (sent) {
            channel.flush();
        }
    }

    /** A call's reply, held until its commit {@code seq} is durable. */
    private record DurableReply(long seq, int request, BinaryWebSocketFrame reply) {}

    private void rejectFailure(int request, String system, RuntimeException e) {
        switch (e) {
            case Rejection r -> reject(request, r.code(), r.getMessage());
            case WireFormatException w -> reject(request, "BAD_ARGUMENTS", system + ": " + w.getMessage());
            case ConflictException c -> reject(request, "CONFLICT", system + ": " + c.getMessage());
            case UniqueViolationException u -> reject(request, "UNIQUE", u.getMessage());
            case FieldValueException f -> reject(request, "INVALID_VALUE", f.getMessage());
            case CommitOutcomeUnknownException u -> reject(request, "UNKNOWN_OUTCOME", u.getMessage());
            case StorageException s when s.getCause() != null -> reject(request, "UNAVAILABLE", s.getMessage());
            default -> {
                String trace = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
                LOG.error("System {} failed (trace {}, connection {}, caller {})", system, trace,
                        session.connectionId(), session.caller(), e);
                reject(request, "INTERNAL", "the system failed; the server log has trace " + trace);
            }
        }
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
            channel.eventLoop().execute(() -> channel.writeAndFlush(done));
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
                LOG.error("{} hook {}.{} failed for connection {}", hook, entry.def().namespace(), entry.def().name(),
                        session.connectionId(), e);
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

    private boolean takeCallToken() {
        long now = System.nanoTime();
        int rate = limits.callsPerSecond();
        tokens = Math.min(rate, tokens + (now - refilledAt) * rate / 1e9);
        refilledAt = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }

    // ---------------------------------------------------------------- output

    @Override
    public void send(byte[] bytes, int length) {
        if (closing) {
            return;
        }
        if (!channel.isWritable()) {
            close("TOO_SLOW", "the client did not read its updates; more than " + limits.maxOutboundBytes()
                    + " bytes were waiting", Protocol.CLOSE_TOO_SLOW);
            return;
        }
        channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.copiedBuffer(bytes, 0, length)));
    }

    @Override
    public void limitExceeded(LimitExceededException reason) {
        close(reason.code(), reason.getMessage(), Protocol.CLOSE_LIMIT);
    }

    private void reject(int request, String code, String message) {
        writer.clear().writeI8(Protocol.REJECTED).writeI32(request).writeShortString(code).writeShortString(message);
        write(writer);
    }

    private void write(WireWriter out) {
        channel.writeAndFlush(frame(out));
    }

    private BinaryWebSocketFrame frame(WireWriter out) {
        ByteBuf buffer = channel.alloc().buffer(out.size());
        buffer.writeBytes(out.array(), 0, out.size());
        return new BinaryWebSocketFrame(buffer);
    }

    /**
     * Sends ERROR and a close frame, then closes the socket as soon as they are written: for a
     * server that is shutting down and will not wait for the client's closing handshake.
     */
    void closeNow(String code, String message, int closeCode) {
        if (closing) {
            return;
        }
        closing = true;
        WireWriter error = new WireWriter().writeI8(Protocol.ERROR).writeShortString(code).writeShortString(message);
        channel.write(frame(error));
        channel.writeAndFlush(new CloseWebSocketFrame(closeCode, code))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** Sends ERROR with a reason and closes with the close code; safe from any thread. */
    void close(String code, String message, int closeCode) {
        if (closing) {
            return;
        }
        closing = true;
        WireWriter error = new WireWriter().writeI8(Protocol.ERROR).writeShortString(code).writeShortString(message);
        LOG.debug("Closing connection {}: {} {}", session.connectionId(), code, message);
        channel.write(frame(error));
        // The closing handshake: the client answers with its own close frame, on which the protocol
        // handler closes the socket. Input meanwhile is discarded; a client that never answers is cut
        // off after a grace period. Closing at once would reset a client still sending, and its
        // unread ERROR would be lost.
        channel.writeAndFlush(new CloseWebSocketFrame(closeCode, code));
        channel.eventLoop().schedule(() -> channel.close(), CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }
}
