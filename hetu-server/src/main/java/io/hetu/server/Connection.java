package io.hetu.server;

import io.hetu.server.subscription.LimitExceededException;
import io.hetu.server.subscription.Subscriber;
import io.hetu.server.system.CallContext;
import io.hetu.server.system.Session;
import io.hetu.system.Hook;
import io.hetu.wire.Codes;
import io.hetu.wire.Protocol;
import io.hetu.wire.WireWriter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtension;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the protocol handlers of one connection share (docs/ARCHITECTURE.md, the path of a call):
 * its session and {@link CallContext}, its call replies waiting for durability
 * ({@link DurableReplies}), and its outbound path: frames for the client, and the ERROR and close
 * frames that end the connection. It is the {@link Subscriber} the subscription engine pushes to.
 * Every frame leaves through the channel's {@link OutboundBudget}, except the closing frames, which
 * are written from in front of it.
 */
final class Connection implements Subscriber {

    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
    private static final long CLOSE_GRACE_MILLIS = 2_000;
    /** Pushes are sent by the subscription engine's one thread; it compresses them with its own compressor. */
    private static final ThreadLocal<Deflate> PUSH_COMPRESSOR = ThreadLocal.withInitial(Deflate::new);

    private final HetuServer server;
    private final Session session;
    private final CallContext context;
    private final DurableReplies replies;
    /** For the small frames written on the event loop. */
    private final WireWriter out = new WireWriter();

    private Channel channel;
    /** A context in front of the {@link OutboundBudget}: writes through it skip the budget. */
    private ChannelHandlerContext front;
    private volatile boolean upgraded;
    private volatile boolean greeted;
    private volatile int version;
    private volatile boolean closing;
    /** Whether the client agreed to permessage-deflate: pushes may then go out compressed. */
    private volatile boolean deflate;
    /** When the connection was accepted, for the admin console. */
    private final long openedMillis = System.currentTimeMillis();
    /** Calls run, written on the event loop only; and their rate over the console's last second. */
    private volatile long calls;
    private volatile long callsLastSecond;
    private long callsAtLastSample;

    Connection(HetuServer server, long connectionId) {
        this.server = server;
        this.session = new Session(connectionId);
        this.context = new CallContext(session, server.sessions());
        this.replies = new DurableReplies(this, server.database());
    }

    @Override
    public Session session() {
        return session;
    }

    HetuServer server() {
        return server;
    }

    CallContext context() {
        return context;
    }

    DurableReplies replies() {
        return replies;
    }

    Channel channel() {
        return channel;
    }

    long openedMillis() {
        return openedMillis;
    }

    /** One more call ran (on the event loop). */
    void called() {
        calls++;
    }

    long calls() {
        return calls;
    }

    /** Calls in the second before the last {@link #sampleCalls} (the console's sampler, once a second). */
    long callsLastSecond() {
        return callsLastSecond;
    }

    /** Takes the calls since the last sample as the last second's; the console's sampler only. */
    void sampleCalls() {
        long now = calls;
        callsLastSecond = now - callsAtLastSample;
        callsAtLastSample = now;
    }

    // ---------------------------------------------------------------- lifecycle

    /** Called by the last protocol handler, in front of the outbound budget, when it is added. */
    void attach(ChannelHandlerContext lastProtocolHandler) {
        channel = lastProtocolHandler.channel();
        front = lastProtocolHandler;
    }

    /** The client's upgrade request offered permessage-deflate and the server accepted it. */
    void deflateNegotiated() {
        deflate = true;
    }

    /** The WebSocket upgrade is done: from now on closing sends ERROR and a close frame. */
    void upgraded() {
        upgraded = true;
    }

    /** Whether HELLO was answered with WELCOME. */
    boolean greeted() {
        return greeted;
    }

    /** Whether the connection is being closed: input is discarded. */
    boolean closing() {
        return closing;
    }

    /** The protocol version the client's HELLO asked for and WELCOME confirmed. */
    int version() {
        return version;
    }

    /** HELLO was accepted: the connection joins the server's sessions, unless too many have not logged in. */
    boolean greet(int version) {
        // An operator proved the admin secret: a crowd of anonymous connections must not lock it out.
        if (session.isOperator()) {
            server.sessions().add(this);
        } else if (!server.sessions().addAnonymous(this, server.limits().maxAnonymousConnections())) {
            return false;
        }
        this.version = version;
        greeted = true;
        return true;
    }

    /** The socket closed: the connection leaves its sessions and subscriptions, then OnDisconnect runs. */
    void disconnected() {
        closing = true;
        if (greeted) {
            server.sessions().remove(this);
            server.subscriptions().disconnected(this);
            server.hooks().run(Hook.ON_DISCONNECT, context);
        }
    }

    // ---------------------------------------------------------------- output

    @Override
    public void send(byte[] bytes, int length) {
        if (closing) {
            return;
        }
        ByteBuf compressed = deflate ? PUSH_COMPRESSOR.get().compress(bytes, length, channel.alloc()) : null;
        if (compressed != null) {
            channel.writeAndFlush(new BinaryWebSocketFrame(true, WebSocketExtension.RSV1, compressed),
                    channel.voidPromise());
            return;
        }
        ByteBuf buffer = channel.alloc().directBuffer(length);
        buffer.writeBytes(bytes, 0, length);
        channel.writeAndFlush(new BinaryWebSocketFrame(buffer), channel.voidPromise());
    }

    /** Called by the {@link OutboundBudget} when a frame found more than the budget waiting. */
    void tooSlow() {
        close(Codes.TOO_SLOW, "the client did not read what was sent to it; more than "
                + server.limits().maxOutboundBytes() + " bytes were waiting", Protocol.CLOSE_TOO_SLOW);
    }

    @Override
    public void limitExceeded(LimitExceededException reason) {
        close(reason.code(), reason.getMessage(), Protocol.CLOSE_LIMIT);
    }

    /** Sends REJECTED for {@code request} at once; on the event loop. */
    void reject(int request, String code, String message) {
        channel.writeAndFlush(rejection(request, code, message), channel.voidPromise());
    }

    /** A REJECTED frame; on the event loop. */
    BinaryWebSocketFrame rejection(int request, String code, String message) {
        return frame(out.clear().writeI8(Protocol.REJECTED).writeI32(request).writeShortString(code)
                .writeShortString(message));
    }

    /** The small frames' writer, cleared; on the event loop, until the frame is made with {@link #write}. */
    WireWriter out() {
        return out.clear();
    }

    /** Writes and flushes the frame in {@code frame}; on the event loop. */
    void write(WireWriter frame) {
        channel.writeAndFlush(frame(frame), channel.voidPromise());
    }

    /** A frame holding a copy of what {@code frame} holds. */
    BinaryWebSocketFrame frame(WireWriter frame) {
        ByteBuf buffer = channel.alloc().buffer(frame.size());
        buffer.writeBytes(frame.array(), 0, frame.size());
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
            front.write(errorFrame(code, message), front.voidPromise());
            front.writeAndFlush(new CloseWebSocketFrame(closeCode, code)).addListener(ChannelFutureListener.CLOSE);
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
        // In front of the outbound budget: a client closed as too slow still gets its reason
        // queued (it sees it if it reads again).
        front.write(errorFrame(code, message), front.voidPromise());
        // The closing handshake: the client answers with its own close frame, on which the protocol
        // handler closes the socket. Input meanwhile is discarded; a client that never answers is cut
        // off after a grace period. Closing at once would reset a client still sending, and its
        // unread ERROR would be lost.
        front.writeAndFlush(new CloseWebSocketFrame(closeCode, code), front.voidPromise());
        channel.eventLoop().schedule(() -> channel.close(), CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Closes with {@code PROTOCOL}: a malformed or unexpected message. */
    void protocolError(String message) {
        close(Codes.PROTOCOL, message, Protocol.CLOSE_PROTOCOL);
    }
}
