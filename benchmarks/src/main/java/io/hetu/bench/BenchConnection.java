package io.hetu.bench;

import io.hetu.wire.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One bench connection on its event loop. A caller keeps {@code inFlight} calls outstanding and
 * sends the next as each reply comes; a writer calls at a fixed rate; a subscriber holds one range
 * subscription and times the changes pushed to it. Request ids are call slots
 * ({@code 0..inFlight-1}), so a reply finds its send time without a map.
 */
final class BenchConnection extends SimpleChannelInboundHandler<WebSocketFrame> {

    enum Role { CALLER, WRITER, SUBSCRIBER }

    /** The request id of a single call outside the workload ({@link #callOnce}). */
    private static final int ONE_OFF = Integer.MAX_VALUE;
    /** The request id of the login that comes before the workload with {@code --once}. */
    private static final int LOGIN = Integer.MAX_VALUE - 1;
    /** Latencies are recorded up to a minute, with two significant digits. */
    private static final long MAX_LATENCY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final LoadRun run;
    private final Role role;
    /** The system called, or for a subscriber the component it subscribes to. */
    private final int wireId;
    private final long[] sentAt;
    private final int[] freeSlots;
    private final SplittableRandom random;
    private final int subscribeFrom;

    final CompletableFuture<Void> ready = new CompletableFuture<>();
    final CompletableFuture<Void> drained = new CompletableFuture<>();
    final Histogram latency = new Histogram(MAX_LATENCY_NANOS, 2);
    final Histogram pushLatency = new Histogram(MAX_LATENCY_NANOS, 2);
    /** Replies (calls) or pushed changes (subscribers) in the whole run, for the progress line. */
    volatile long completed;
    long measuredCalls;
    long measuredErrors;
    long measuredPushes;
    volatile String firstError;

    private ChannelHandlerContext ctx;
    private int free;
    private boolean stopped;
    private long paceStart;
    private long paced;
    private ScheduledFuture<?> pacer;
    private CompletableFuture<ByteBuf> oneOff;
    /** With {@code --once}: the call ids, a random high half per connection and a counter. */
    private final long callIdBase;
    private int callCounter;
    private final long user;

    BenchConnection(LoadRun run, Role role, int wireId, int inFlight, long seed, int subscribeFrom) {
        this.run = run;
        this.role = role;
        this.wireId = wireId;
        this.sentAt = new long[inFlight];
        this.freeSlots = new int[inFlight];
        this.random = new SplittableRandom(seed);
        this.subscribeFrom = subscribeFrom;
        this.callIdBase = (1 + random.nextLong(Integer.MAX_VALUE)) << 32;
        this.user = seed + 2;
        for (int slot = 0; slot < inFlight; slot++) {
            freeSlots[free++] = inFlight - 1 - slot;
        }
    }

    // ---------------------------------------------------------------- driven by LoadRun

    /** Starts the workload; runs on the connection's event loop. */
    void start() {
        switch (role) {
            case CALLER -> {
                while (free > 0) {
                    send(freeSlots[--free]);
                }
                ctx.flush();
            }
            case WRITER -> {
                paceStart = System.nanoTime();
                pacer = ctx.executor().scheduleAtFixedRate(this::pace, 0, 1, TimeUnit.MILLISECONDS);
            }
            case SUBSCRIBER -> drained.complete(null);
        }
    }

    /** One call to {@code system} without arguments, outside the workload; the reply's result value. */
    CompletableFuture<ByteBuf> callOnce(int system) {
        CompletableFuture<ByteBuf> reply = new CompletableFuture<>();
        ctx.executor().execute(() -> {
            oneOff = reply;
            ByteBuf out = ctx.alloc().buffer(8);
            out.writeByte(Protocol.CALL).writeIntLE(ONE_OFF).writeShortLE(system);
            ctx.writeAndFlush(new BinaryWebSocketFrame(out));
        });
        return reply;
    }

    /** Runs {@code task} on this connection's event loop. */
    void onLoop(Runnable task) {
        ctx.executor().execute(task);
    }

    void close() {
        if (ctx != null) {
            ctx.close();
        }
    }

    // ---------------------------------------------------------------- Netty events

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) throws Exception {
        if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            byte[] hash = run.target.schemaHash.getBytes(StandardCharsets.UTF_8);
            ByteBuf hello = context.alloc().buffer(5 + hash.length);
            hello.writeByte(Protocol.HELLO).writeShortLE(Protocol.VERSION).writeShortLE(hash.length).writeBytes(hash);
            context.writeAndFlush(new BinaryWebSocketFrame(hello));
        }
        super.userEventTriggered(context, event);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext context, WebSocketFrame frame) {
        if (!(frame instanceof BinaryWebSocketFrame)) {
            return;
        }
        ByteBuf in = frame.content();
        int at = in.readerIndex();
        byte type = in.getByte(at);
        switch (type) {
            case Protocol.RESULT, Protocol.REJECTED -> replied(in, at, type == Protocol.REJECTED);
            case Protocol.UPDATE -> pushed(in, at);
            case Protocol.WELCOME -> welcomed(context);
            case Protocol.SUBSCRIBED -> ready.complete(null);
            case Protocol.ERROR -> fail("the server closed the connection: " + shortString(in, at + 1) + " "
                    + shortString(in, at + 3 + in.getUnsignedShortLE(at + 1)));
            default -> { }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
        context.flush();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        if (pacer != null) {
            pacer.cancel(false);
        }
        if (!drained.isDone()) {
            fail("the connection closed before the run ended");
        }
        context.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        fail(cause.toString());
        context.close();
    }

    // ---------------------------------------------------------------- the protocol

    private void welcomed(ChannelHandlerContext context) {
        if (role != Role.SUBSCRIBER && run.settings.once()) {
            ByteBuf login = context.alloc().buffer(16);
            login.writeByte(Protocol.CALL).writeIntLE(LOGIN).writeShortLE(run.loginSystem).writeLongLE(user);
            context.writeAndFlush(new BinaryWebSocketFrame(login));
            return;
        }
        if (role != Role.SUBSCRIBER) {
            ready.complete(null);
            return;
        }
        ByteBuf query = context.alloc().buffer(32);
        query.writeByte(Protocol.QUERY).writeIntLE(0).writeShortLE(wireId).writeByte(0)
                .writeByte(Protocol.QUERY_HAS_LOW | Protocol.QUERY_LOW_INCLUSIVE | Protocol.QUERY_HAS_HIGH)
                .writeIntLE(-1).writeLongLE(subscribeFrom).writeLongLE(subscribeFrom + run.pushRange);
        context.writeAndFlush(new BinaryWebSocketFrame(query));
    }

    private void send(int slot) {
        ByteBuf out = ctx.alloc().buffer(40);
        if (run.settings.once()) {
            out.writeByte(Protocol.CALL_ONCE).writeIntLE(slot).writeLongLE(callIdBase | (callCounter++ & 0xFFFFFFFFL))
                    .writeShortLE(wireId);
        } else {
            out.writeByte(Protocol.CALL).writeIntLE(slot).writeShortLE(wireId);
        }
        run.workload.writeArguments(out, random, run.accounts, run.pushKeys);
        sentAt[slot] = System.nanoTime();
        ctx.write(new BinaryWebSocketFrame(out), ctx.voidPromise());
    }

    private void replied(ByteBuf in, int at, boolean rejected) {
        int slot = in.getIntLE(at + 1);
        if (slot == LOGIN) {
            if (rejected) {
                fail("the login before --once was refused: " + shortString(in, at + 5));
            } else {
                ready.complete(null);
            }
            return;
        }
        if (slot == ONE_OFF) {
            oneOff.complete(in.retainedSlice(at + 13, in.writerIndex() - at - 13));
            return;
        }
        long now = System.nanoTime();
        if (now >= run.measureFrom && now < run.measureUntil) {
            latency.recordValue(Math.min(now - sentAt[slot], MAX_LATENCY_NANOS));
            measuredCalls++;
            if (rejected) {
                measuredErrors++;
            }
        }
        if (rejected && firstError == null) {
            firstError = "REJECTED " + shortString(in, at + 5) + ": "
                    + shortString(in, at + 7 + in.getUnsignedShortLE(at + 5));
        }
        completed++;
        if (role == Role.CALLER && now < run.measureUntil) {
            send(slot);
        } else {
            freeSlots[free++] = slot;
            if (role == Role.CALLER && free == sentAt.length) {
                drained.complete(null);
            }
        }
    }

    /** The writer's clock: sends the calls due by now, as far as free slots allow. */
    private void pace() {
        long now = System.nanoTime();
        if (stopped) {
            return;
        }
        if (now >= run.measureUntil) {
            stopped = true;
            pacer.cancel(false);
            waitForReplies();
            return;
        }
        long due = (long) ((now - paceStart) * (run.pushRate / 1e9));
        boolean sent = false;
        while (paced < due && free > 0) {
            send(freeSlots[--free]);
            paced++;
            sent = true;
        }
        if (paced < due) {
            paced = due; // behind: the calls that found no free slot are dropped, not bunched up later
        }
        if (sent) {
            ctx.flush();
        }
    }

    private void waitForReplies() {
        if (free == sentAt.length) {
            drained.complete(null);
        } else {
            ctx.executor().schedule(this::waitForReplies, 1, TimeUnit.MILLISECONDS);
        }
    }

    /** UPDATE: {@code i64} seq, {@code u16} count, then per change sub, kind, id and the row. */
    private void pushed(ByteBuf in, int at) {
        long now = System.nanoTime();
        boolean measuring = now >= run.measureFrom && now < run.measureUntil;
        int changes = in.getUnsignedShortLE(at + 9);
        int position = at + 11;
        for (int i = 0; i < changes; i++) {
            byte kind = in.getByte(position + 4);
            position += 13;
            if (kind == Protocol.KIND_DELETE) {
                continue;
            }
            long stamp = in.getLongLE(position + run.stampOffset);
            position += run.rowSize;
            if (measuring && stamp != 0) {
                pushLatency.recordValue(Math.max(0, Math.min(now - stamp, MAX_LATENCY_NANOS)));
                measuredPushes++;
            }
            completed++;
        }
    }

    private void fail(String error) {
        if (firstError == null) {
            firstError = error;
        }
        measuredErrors++;
        ready.completeExceptionally(new IllegalStateException(error));
        drained.complete(null);
        if (oneOff != null) {
            oneOff.completeExceptionally(new IllegalStateException(error));
        }
    }

    private static String shortString(ByteBuf in, int at) {
        return in.toString(at + 2, in.getUnsignedShortLE(at), StandardCharsets.UTF_8);
    }
}
