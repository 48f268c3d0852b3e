package io.hetu.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.hetu.schema.IndexRef;
import io.hetu.schema.KeyRange;
import io.hetu.schema.RowView;
import io.hetu.server.app.App;
import io.hetu.server.fixtures.BannerRow;
import io.hetu.server.fixtures.BannerTable;
import io.hetu.server.fixtures.UnitRow;
import io.hetu.server.fixtures.UnitTable;
import io.hetu.server.fixtures.WireModelSystems;
import io.hetu.storage.Database;
import io.hetu.storage.durability.DurabilityConfig;
import io.hetu.storage.durability.FsyncPolicy;
import io.hetu.storage.embedded.Embedded;
import io.hetu.storage.spi.Change;
import io.hetu.storage.spi.ChangeKind;
import io.hetu.storage.spi.ChangeListener;
import io.hetu.storage.spi.ChangeSet;
import io.hetu.wire.Protocol;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.lang.foreign.ValueLayout;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wire model: a real server over real sockets, several clients logged in as random users and
 * guilds, each with random QUERY subscriptions over an OWNER and an RLS component, while a driver
 * connection makes random writes through systems and subscribers occasionally log in as someone
 * else, subscribe and unsubscribe. Each client rebuilds its subscriptions only from the frames it
 * receives, and the test checks, from the client's side:
 *
 * <ul>
 *   <li>no leak: every row a client receives (SUBSCRIBED rows, UPDATE inserts and updates) is
 *       readable by the identity the client had at the frame's seq (the identity of its last login
 *       whose commit seq is at most the frame's seq; every login writes, so it has a seq of its own);
 *   <li>at every frame: once a client has seen seq X, each of its subscriptions equals its query
 *       re-run at X under its identity at X (rows rebuilt from the store's own change feed);
 *   <li>at the end: each subscription equals its query re-run directly against the database, same
 *       ids, same bytes, the first {@code limit} rows in order;
 *   <li>frame seqs never decrease; inserts are of rows not held, updates and deletes of rows held,
 *       every item is in the query's range; SUBSCRIBED rows come in query order; nothing arrives for
 *       a subscription after its DONE.
 * </ul>
 *
 * <p>These rules caught two server bugs, since fixed: a login reached subscriptions at another seq
 * than its own commit's (session changes now travel in the change feed, attached to the login's
 * commit), and frames handed to the event loop before an UNSUBSCRIBE were written after its DONE
 * (DONE now queues behind them). A frame that merges several commits carries their net effect.
 *
 * <p>Replay a seed with {@code -Dhetu.seed=N}; {@code -Dhetu.runs=N} runs more seeds per variant.
 */
class WireModelTest {

    private static final int RUNS = Integer.getInteger("hetu.runs", 3);
    private static final long WAIT_SECONDS = 20;
    private static final int CLIENTS = 7;
    private static final int USERS = 9;
    private static final int GUILDS = 3;
    private static final int ZONES = 6;
    private static final int STEPS = 1500;
    private static final int IN_FLIGHT = 12;
    private static final long UNLIMITED = 0xFFFFFFFFL;
    private static final int[] LIMITS = {0, 1, 1, 2, 2, 3, 4, 6, 10};
    private static final int MAX_REPORTED = 40;

    @TempDir
    Path dir;

    @Test
    void inMemoryStore() throws Exception {
        for (long seed : seeds()) {
            play(seed, false);
        }
    }

    @Test
    void durableStore() throws Exception {
        for (long seed : seeds()) {
            play(seed, true);
        }
    }

    private static long[] seeds() {
        String fixed = System.getProperty("hetu.seed");
        if (fixed != null && !fixed.isBlank()) {
            return new long[] {Long.parseLong(fixed.trim())};
        }
        long[] seeds = new long[RUNS];
        for (int i = 0; i < RUNS; i++) {
            seeds[i] = ThreadLocalRandom.current().nextLong();
        }
        return seeds;
    }

    // ------------------------------------------------------------------ one run

    private void play(long seed, boolean durable) throws Exception {
        String variant = durable ? "durableStore" : "inMemoryStore";
        System.out.println("WireModelTest." + variant + ": seed " + seed + " (replay with -Dtest='WireModelTest#"
                + variant + "' -Dhetu.seed=" + seed + ")");
        long started = System.nanoTime();
        Run run = new Run(seed, durable);
        try {
            run.start();
            run.drive();
            run.settle();
            List<String> problems = run.verify();
            if (!problems.isEmpty()) {
                StringBuilder message = new StringBuilder("seed " + seed + " (" + variant + "): " + problems.size()
                        + " problem(s); replay with -Dhetu.seed=" + seed + "\n");
                problems.stream().limit(MAX_REPORTED).forEach(p -> message.append("  ").append(p).append('\n'));
                message.append(run.journals(problems));
                fail(message.toString());
            }
            System.out.printf("WireModelTest.%s: seed %d passed in %d ms: %s%n", variant, seed,
                    (System.nanoTime() - started) / 1_000_000, run.stats());
        } finally {
            run.close();
        }
    }

    /** What a client asked for: a range of zones on Unit or Banner, a limit and a direction. */
    private record Query(boolean units, Integer low, boolean lowInclusive, Integer high, boolean highInclusive,
            long limit, boolean descending) {

        int rowSize() {
            return units ? UnitTable.TABLE.layout().size() : BannerTable.TABLE.layout().size();
        }

        boolean contains(int zone) {
            if (low != null && (zone < low || (zone == low && !lowInclusive))) {
                return false;
            }
            return high == null || zone < high || (zone == high && highInclusive);
        }

        /** Key then id, both reversed when descending. */
        Comparator<Map.Entry<Long, byte[]>> order() {
            Comparator<Map.Entry<Long, byte[]>> ascending = Comparator
                    .<Map.Entry<Long, byte[]>>comparingInt(e -> zone(e.getValue()))
                    .thenComparingLong(Map.Entry::getKey);
            return descending ? ascending.reversed() : ascending;
        }

        KeyRange range() {
            if (low == null && high == null) {
                return KeyRange.all();
            }
            if (low == null) {
                return highInclusive ? KeyRange.atMost(high) : KeyRange.lessThan(high);
            }
            if (high == null) {
                return lowInclusive ? KeyRange.atLeast(low) : KeyRange.greaterThan(low);
            }
            if (lowInclusive) {
                return highInclusive ? KeyRange.closed(low, high) : KeyRange.closedOpen(low, high);
            }
            return highInclusive ? KeyRange.openClosed(low, high) : KeyRange.open(low, high);
        }

        /** The query's result over {@code rows} (id to bytes) as {@code who} may read it, in order. */
        List<Map.Entry<Long, byte[]>> result(Map<Long, byte[]> rows, Identity who) {
            List<Map.Entry<Long, byte[]>> matching = new ArrayList<>();
            for (Map.Entry<Long, byte[]> row : rows.entrySet()) {
                if (contains(zone(row.getValue())) && who.mayRead(units, row.getValue())) {
                    matching.add(Map.entry(row.getKey(), row.getValue()));
                }
            }
            matching.sort(order());
            return matching.size() > limit ? new ArrayList<>(matching.subList(0, (int) limit)) : matching;
        }

        @Override
        public String toString() {
            return (units ? "Unit" : "Banner") + " zone " + (low == null ? "(-inf" : (lowInclusive ? "[" : "(") + low)
                    + ", " + (high == null ? "+inf)" : high + (highInclusive ? "]" : ")"))
                    + (limit == UNLIMITED ? " unlimited" : " limit " + limit) + (descending ? " desc" : " asc");
        }
    }

    /**
     * Who a client is after a login: the caller and the session's guild (0: none), from the login's
     * commit seq on. {@code barrier} is the store's last seq when the client had the login's RESULT:
     * every commit after it was published after the server queued the session change.
     */
    private record Identity(long seq, long user, long guild, long barrier) {

        boolean mayRead(boolean units, byte[] row) {
            return units ? holder(true, row) == user : guild != 0 && holder(false, row) == guild;
        }
    }

    private static int zone(byte[] row) {
        // Unit and Banner both start with their zone; the offsets are the generated ones.
        return ByteBuffer.wrap(row).order(ByteOrder.LITTLE_ENDIAN).getInt((int) UnitRow.ZONE_OFFSET);
    }

    /** A unit's owner or a banner's guild. */
    private static long holder(boolean units, byte[] row) {
        return ByteBuffer.wrap(row).order(ByteOrder.LITTLE_ENDIAN)
                .getLong((int) (units ? UnitRow.OWNER_OFFSET : BannerRow.GUILD_OFFSET));
    }

    private static int value(boolean units, byte[] row) {
        return ByteBuffer.wrap(row).order(ByteOrder.LITTLE_ENDIAN)
                .getInt((int) (units ? UnitRow.HP_OFFSET : BannerRow.COLOR_OFFSET));
    }

    private static String describe(boolean units, long id, byte[] row) {
        return "#" + id + "{zone " + zone(row) + (units ? ", owner " : ", guild ") + holder(units, row)
                + (units ? ", hp " : ", color ") + value(units, row) + "}";
    }

    // ------------------------------------------------------------------ the store's own change feed

    /** One commit's changes to Unit and Banner, copied from the store's change feed. */
    private record Commit(long seq, List<RowChange> changes) {}

    private record RowChange(boolean units, ChangeKind kind, long id, byte[] after) {}

    /** Records every commit in seq order, to rebuild the tables at any seq. */
    private static final class Feed implements ChangeListener {
        final List<Commit> commits = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        private long lastSeq;

        @Override
        public synchronized void onCommit(ChangeSet set) {
            if (set.seq() <= lastSeq) {
                problems.add("the change feed went from seq " + lastSeq + " to " + set.seq());
            }
            lastSeq = set.seq();
            List<RowChange> changes = new ArrayList<>();
            for (Change change : set.changes()) {
                boolean units = change.table() == UnitTable.TABLE;
                if (units || change.table() == BannerTable.TABLE) {
                    byte[] after = change.after() == null ? null : change.after().toArray(ValueLayout.JAVA_BYTE);
                    changes.add(new RowChange(units, change.kind(), change.id(), after));
                }
            }
            commits.add(new Commit(set.seq(), changes));
        }

        synchronized List<Commit> commits() {
            return new ArrayList<>(commits);
        }
    }

    /** The tables rebuilt from the feed, moved forward seq by seq. */
    private static final class Replay {
        final Map<Long, byte[]> units = new HashMap<>();
        final Map<Long, byte[]> banners = new HashMap<>();
        private final List<Commit> commits;
        private int next;
        long seq;

        Replay(List<Commit> commits) {
            this.commits = commits;
        }

        void advanceTo(long target) {
            while (next < commits.size() && commits.get(next).seq() <= target) {
                Commit commit = commits.get(next++);
                for (RowChange change : commit.changes()) {
                    Map<Long, byte[]> table = change.units() ? units : banners;
                    if (change.kind() == ChangeKind.DELETE) {
                        table.remove(change.id());
                    } else {
                        table.put(change.id(), change.after());
                    }
                }
                seq = commit.seq();
            }
            if (target > seq) {
                seq = target;
            }
        }

        Map<Long, byte[]> table(boolean ofUnits) {
            return ofUnits ? units : banners;
        }
    }

    // ------------------------------------------------------------------ a client

    /** A subscription as the client holds it, built only from frames. */
    private static final class Held {
        final int id;
        final Query query;
        final TreeMap<Long, byte[]> rows = new TreeMap<>();

        Held(int id, Query query) {
            this.id = id;
            this.query = query;
        }
    }

    /** The client's subscriptions as of one frame. */
    private record Seen(long seq, int loginsSent, String frame, Map<Integer, Query> queries,
            Map<Integer, Map<Long, byte[]>> rows) {}

    /** A row the client received, with the seq of the frame that carried it. */
    private record Received(long seq, long previousSeq, int loginsSent, int subscription, boolean units, long id,
            byte[] row, String how) {}

    /** A WebSocket client that keeps a mirror of its subscriptions from the frames it receives. */
    private static final class Peer extends SimpleChannelInboundHandler<WebSocketFrame> {
        final String name;
        /** The store's last seq, read when a reply arrives. */
        private final LongSupplier storeSeq;
        private final AtomicInteger requests = new AtomicInteger();
        private final Map<Integer, CompletableFuture<ByteBuffer>> replies = new HashMap<>();
        private final Map<Long, CompletableFuture<Void>> pongs = new HashMap<>();
        private final CompletableFuture<Void> handshaken = new CompletableFuture<>();
        private final CompletableFuture<ByteBuffer> welcome = new CompletableFuture<>();
        private Channel channel;
        private volatile boolean closingOnPurpose;

        // Guarded by this.
        final Map<Integer, Query> asked = new HashMap<>();
        final Map<Integer, Held> held = new LinkedHashMap<>();
        final Map<Integer, Query> everSubscribed = new HashMap<>();
        final Set<Integer> ending = new HashSet<>();
        final Set<Integer> ended = new HashSet<>();
        /** UNSUBSCRIBE request ids to the subscription they end. */
        final Map<Integer, Integer> unsubscribing = new HashMap<>();
        /** For each ended subscription, the store's last seq when its DONE arrived. */
        final Map<Integer, Long> doneAt = new HashMap<>();
        /** For each RESULT, the store's last seq when it arrived. */
        final Map<Integer, Long> resultAt = new HashMap<>();
        /** Items for a subscription after its DONE in frames the server had produced before the DONE. */
        final List<Seen> seen = new ArrayList<>();
        final List<Received> received = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        final List<Identity> identities = new ArrayList<>();
        /** What was sent and received, in order, for the report of a failure. */
        final List<String> journal = new ArrayList<>();
        long lastSeq;
        /** Logins sent so far. */
        int loginsSent;
        int frames;
        int items;
        /** Frames stamped with the seq of the frame before: re-reads after a login with no commit between. */
        int repeatedSeqs;

        Peer(String name, LongSupplier storeSeq) {
            this.name = name;
            this.storeSeq = storeSeq;
        }

        void connect(EventLoopGroup group, int port, String schemaHash) throws Exception {
            URI uri = URI.create("ws://127.0.0.1:" + port + "/hetu");
            var handshaker = WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13, null, false,
                    new DefaultHttpHeaders(), 1 << 24);
            Peer self = this;
            channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16),
                                    new WebSocketClientProtocolHandler(handshaker, false),
                                    new WebSocketFrameAggregator(1 << 24), self);
                        }
                    }).connect("127.0.0.1", port).sync().channel();
            handshaken.get(WAIT_SECONDS, TimeUnit.SECONDS);
            send(new Message(Protocol.HELLO).u16(1).str(schemaHash));
            ByteBuffer hello = welcome.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals(Protocol.WELCOME, hello.get(0), name + ": the server answers HELLO with WELCOME");
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                handshaken.complete(null);
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof BinaryWebSocketFrame) {
                ByteBuf content = frame.content();
                byte[] bytes = new byte[content.readableBytes()];
                content.readBytes(bytes);
                receive(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN));
            } else if (frame instanceof CloseWebSocketFrame close && !closingOnPurpose) {
                problem("the server closed the connection: " + close.statusCode() + " " + close.reasonText());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!closingOnPurpose) {
                problem("the connection ended");
            }
            handshaken.completeExceptionally(new IllegalStateException(name + " closed"));
            welcome.completeExceptionally(new IllegalStateException(name + " closed"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            problem("client failure: " + cause);
            ctx.close();
        }

        /** A login is about to be sent: frames from now on may show it. */
        synchronized void loginSent() {
            loginsSent++;
        }

        synchronized void note(String text) {
            journal.add(text);
        }

        synchronized void problem(String text) {
            problems.add(name + ": " + text);
        }

        private void send(Message message) {
            channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(message.bytes())));
        }

        /** Sends a message carrying a fresh request id; the future completes with its reply. */
        CompletableFuture<ByteBuffer> request(byte type, Consumer<Message> body) {
            int request = requests.incrementAndGet();
            CompletableFuture<ByteBuffer> reply = new CompletableFuture<>();
            synchronized (this) {
                replies.put(request, reply);
                journal.add("sent request " + request + " of type 0x" + Integer.toHexString(type & 0xFF));
            }
            Message message = new Message(type).i32(request);
            body.accept(message);
            send(message);
            return reply;
        }

        CompletableFuture<ByteBuffer> call(int system, Consumer<Message> arguments) {
            return request(Protocol.CALL, m -> {
                m.u16(system);
                arguments.accept(m);
            });
        }

        CompletableFuture<ByteBuffer> subscribe(int component, Query query) {
            int request = requests.incrementAndGet();
            CompletableFuture<ByteBuffer> reply = new CompletableFuture<>();
            synchronized (this) {
                replies.put(request, reply);
                asked.put(request, query);
                journal.add("sent QUERY request " + request + ": " + query);
            }
            int flags = (query.descending() ? Protocol.QUERY_DESCENDING : 0)
                    | (query.low() != null ? Protocol.QUERY_HAS_LOW : 0)
                    | (query.low() != null && query.lowInclusive() ? Protocol.QUERY_LOW_INCLUSIVE : 0)
                    | (query.high() != null ? Protocol.QUERY_HAS_HIGH : 0)
                    | (query.high() != null && query.highInclusive() ? Protocol.QUERY_HIGH_INCLUSIVE : 0);
            Message message = new Message(Protocol.QUERY).i32(request).u16(component).u8(0).u8(flags)
                    .i32((int) query.limit());
            if (query.low() != null) {
                message.i32(query.low());
            }
            if (query.high() != null) {
                message.i32(query.high());
            }
            send(message);
            return reply;
        }

        /** Stops checking the subscription at once: its rows are no longer kept up to date after this. */
        CompletableFuture<ByteBuffer> unsubscribe(int subscription) {
            int request = requests.incrementAndGet();
            CompletableFuture<ByteBuffer> reply = new CompletableFuture<>();
            synchronized (this) {
                held.remove(subscription);
                ending.add(subscription);
                replies.put(request, reply);
                unsubscribing.put(request, subscription);
                journal.add("sent UNSUBSCRIBE request " + request + " of subscription " + subscription);
            }
            send(new Message(Protocol.UNSUBSCRIBE).i32(request).i32(subscription));
            return reply;
        }

        CompletableFuture<Void> ping(long nonce) {
            CompletableFuture<Void> pong = new CompletableFuture<>();
            synchronized (this) {
                pongs.put(nonce, pong);
            }
            send(new Message(Protocol.PING).i64(nonce));
            return pong;
        }

        synchronized List<Integer> heldIds() {
            return new ArrayList<>(held.keySet());
        }

        synchronized int subscriptionCount() {
            return held.size() + asked.size();
        }

        synchronized void loggedIn(Identity identity) {
            identities.add(identity);
            journal.add("login RESULT: " + identity);
        }

        /**
         * The identities whose view a frame stamped {@code seq} may show, the client's identity at that
         * seq last.
         */
        synchronized List<Identity> allowed(long seq, long since, int sent) {
            List<Identity> allowed = new ArrayList<>();
            int at = -1;
            for (int i = 0; i < identities.size(); i++) {
                if (identities.get(i).seq() <= seq) {
                    at = i;
                }
            }
            if (at < 0) {
                return allowed;
            }
            allowed.add(identities.get(at));
            return allowed;
        }

        // -------------------------------------------------------------- frames

        private synchronized void receive(ByteBuffer frame) {
            byte type = frame.get();
            try {
                switch (type) {
                    case Protocol.WELCOME -> welcome.complete(frame.rewind());
                    case Protocol.RESULT, Protocol.REJECTED, Protocol.DONE -> reply(type, frame);
                    case Protocol.SUBSCRIBED -> subscribed(frame);
                    case Protocol.UPDATE -> update(frame);
                    case Protocol.PONG -> {
                        CompletableFuture<Void> pong = pongs.remove(frame.getLong());
                        if (pong != null) {
                            pong.complete(null);
                        }
                    }
                    case Protocol.ERROR -> {
                        String code = readStr(frame);
                        problems.add(name + ": ERROR " + code + " " + readStr(frame));
                    }
                    default -> problems.add(name + ": unknown frame type 0x" + Integer.toHexString(type & 0xFF));
                }
            } catch (RuntimeException e) {
                problems.add(name + ": could not decode a frame of type 0x" + Integer.toHexString(type & 0xFF)
                        + ": " + e);
            }
        }

        private void reply(byte type, ByteBuffer frame) {
            int request = frame.getInt();
            long storeNow = storeSeq.getAsLong();
            if (type == Protocol.RESULT) {
                resultAt.put(request, storeNow);
            }
            String what = type == Protocol.RESULT ? "RESULT" : type == Protocol.DONE ? "DONE" : "REJECTED";
            journal.add(what + " request " + request + (type == Protocol.RESULT ? " seq " + frame.getLong(5) : ""));
            if (type == Protocol.DONE) {
                // Nothing may arrive for an ended subscription after its DONE; the request told which.
                Integer subscription = unsubscribing.remove(request);
                if (subscription != null) {
                    ended.add(subscription);
                    doneAt.put(subscription, storeNow);
                }
            }
            CompletableFuture<ByteBuffer> future = replies.remove(request);
            if (future == null) {
                problems.add(name + ": a reply to unknown request " + request);
                return;
            }
            future.complete(frame.rewind());
        }

        private void stepSeq(long seq, String what) {
            if (seq == lastSeq) {
                repeatedSeqs++;
            }
            if (seq < lastSeq) {
                problems.add(name + ": " + what + " stamped seq " + seq + " after a frame stamped " + lastSeq);
            }
            lastSeq = Math.max(lastSeq, seq);
        }

        private void subscribed(ByteBuffer frame) {
            int request = frame.getInt();
            int subscription = frame.getInt();
            long seq = frame.getLong();
            int count = frame.getInt();
            long previous = lastSeq;
            stepSeq(seq, "SUBSCRIBED " + subscription);
            frames++;
            StringBuilder line = new StringBuilder("SUBSCRIBED " + subscription + " request " + request + " seq " + seq
                    + " rows");
            for (int i = 0, at = frame.position(); i < count && at + 8 <= frame.limit(); i++) {
                line.append(' ').append(frame.getLong(at));
                at += 8 + (asked.containsKey(request) ? asked.get(request).rowSize() : 0);
            }
            journal.add(line.toString());
            Query query = asked.remove(request);
            if (query == null) {
                problems.add(name + ": SUBSCRIBED for unknown request " + request);
                return;
            }
            if (everSubscribed.containsKey(subscription)) {
                problems.add(name + ": subscription id " + subscription + " given twice");
            }
            everSubscribed.put(subscription, query);
            Held sub = new Held(subscription, query);
            if (count > query.limit()) {
                problems.add(name + ": SUBSCRIBED " + subscription + " (" + query + ") holds " + count + " rows");
            }
            Map.Entry<Long, byte[]> before = null;
            for (int i = 0; i < count; i++) {
                long id = frame.getLong();
                byte[] row = new byte[query.rowSize()];
                frame.get(row);
                items++;
                received.add(new Received(seq, previous, loginsSent, subscription, query.units(), id, row,
                        "SUBSCRIBED"));
                Map.Entry<Long, byte[]> entry = Map.entry(id, row);
                if (before != null && query.order().compare(before, entry) >= 0) {
                    problems.add(name + ": SUBSCRIBED " + subscription + " (" + query + ") rows out of order: "
                            + describe(query.units(), before.getKey(), before.getValue()) + " then "
                            + describe(query.units(), id, row));
                }
                before = entry;
                if (!query.contains(zone(row))) {
                    problems.add(name + ": SUBSCRIBED " + subscription + " (" + query + ") holds a row out of range: "
                            + describe(query.units(), id, row));
                }
                if (sub.rows.put(id, row) != null) {
                    problems.add(name + ": SUBSCRIBED " + subscription + " repeats row " + id);
                }
            }
            if (frame.hasRemaining()) {
                problems.add(name + ": SUBSCRIBED " + subscription + " has " + frame.remaining() + " bytes too many");
            }
            if (!ending.contains(subscription)) {
                held.put(subscription, sub);
            }
            remember(seq, "SUBSCRIBED " + subscription);
            CompletableFuture<ByteBuffer> future = replies.remove(request);
            if (future != null) {
                future.complete(ByteBuffer.allocate(4).putInt(0, subscription));
            }
        }

        private void update(ByteBuffer frame) {
            long seq = frame.getLong();
            int count = Short.toUnsignedInt(frame.getShort());
            long previous = lastSeq;
            stepSeq(seq, "UPDATE");
            frames++;
            StringBuilder line = new StringBuilder("UPDATE seq " + seq + ":");
            journal.add(line.toString());
            for (int i = 0; i < count; i++) {
                int subscription = frame.getInt();
                byte kind = frame.get();
                long id = frame.getLong();
                Query query = everSubscribed.get(subscription);
                String sign = kind == Protocol.KIND_INSERT ? "+" : kind == Protocol.KIND_UPDATE ? "~" : "-";
                line.append(' ').append(subscription).append(sign).append(id);
                journal.set(journal.size() - 1, line.toString());
                if (query == null) {
                    problems.add(name + ": UPDATE " + seq + " has an item for subscription " + subscription
                            + " before its SUBSCRIBED; the rest of the frame cannot be decoded");
                    return;
                }
                byte[] row = null;
                if (kind == Protocol.KIND_INSERT || kind == Protocol.KIND_UPDATE) {
                    row = new byte[query.rowSize()];
                    frame.get(row);
                    items++;
                    received.add(new Received(seq, previous, loginsSent, subscription, query.units(), id, row,
                            kind == Protocol.KIND_INSERT ? "UPDATE insert" : "UPDATE update"));
                } else if (kind != Protocol.KIND_DELETE) {
                    problems.add(name + ": UPDATE " + seq + " has an item of kind " + kind
                            + "; the rest of the frame cannot be decoded");
                    return;
                }
                if (ended.contains(subscription)) {
                    problems.add(name + ": UPDATE " + seq + " has an item for subscription " + subscription
                            + " after its DONE (the store was at seq " + doneAt.get(subscription) + " at the DONE)");
                    continue;
                }
                Held sub = held.get(subscription);
                if (sub == null) {
                    // UNSUBSCRIBE sent, DONE not yet received: changes may still arrive.
                    continue;
                }
                String where = name + ": UPDATE " + seq + " for " + subscription + " (" + query + "): ";
                boolean holds = sub.rows.containsKey(id);
                switch (kind) {
                    case Protocol.KIND_INSERT -> {
                        if (holds) {
                            problems.add(where + "insert of a row already held: " + describe(query.units(), id, row));
                        }
                        if (!query.contains(zone(row))) {
                            problems.add(where + "insert of a row out of range: " + describe(query.units(), id, row));
                        }
                        sub.rows.put(id, row);
                    }
                    case Protocol.KIND_UPDATE -> {
                        if (!holds) {
                            problems.add(where + "update of a row not held: " + describe(query.units(), id, row));
                        }
                        if (!query.contains(zone(row))) {
                            problems.add(where + "update to a row out of range: " + describe(query.units(), id, row));
                        }
                        sub.rows.put(id, row);
                    }
                    default -> {
                        if (!holds) {
                            problems.add(where + "delete of a row not held: #" + id);
                        }
                        sub.rows.remove(id);
                    }
                }
            }
            if (frame.hasRemaining()) {
                problems.add(name + ": UPDATE " + seq + " has " + frame.remaining() + " bytes too many");
            }
            remember(seq, "UPDATE");
        }

        /** Keeps the state of every subscription as of this frame, to check against the store later. */
        private void remember(long seq, String frame) {
            Map<Integer, Query> queries = new HashMap<>();
            Map<Integer, Map<Long, byte[]>> rows = new HashMap<>();
            for (Held sub : held.values()) {
                queries.put(sub.id, sub.query);
                rows.put(sub.id, new TreeMap<>(sub.rows));
            }
            seen.add(new Seen(seq, loginsSent, frame, queries, rows));
        }

        void close() {
            closingOnPurpose = true;
            if (channel != null) {
                channel.close().syncUninterruptibly();
            }
        }
    }

    // ------------------------------------------------------------------ the run

    private final class Run implements AutoCloseable {
        final long seed;
        final boolean durable;
        final Random random;
        App app;
        Database database;
        HetuServer server;
        EventLoopGroup group;
        final Feed feed = new Feed();
        Peer driver;
        final List<Peer> peers = new ArrayList<>();
        final Map<String, Integer> systems = new HashMap<>();
        int unitComponent;
        int bannerComponent;

        /** A login sent and not yet answered. */
        record PendingLogin(long user, long guild, CompletableFuture<ByteBuffer> reply) {}

        /** Each peer's login in flight, if any. */
        final Map<Peer, PendingLogin> loggingIn = new HashMap<>();
        /** Each peer's current user, as of its last login's RESULT. */
        final Map<Peer, Long> users = new HashMap<>();
        final List<CompletableFuture<ByteBuffer>> driverCalls = new ArrayList<>();
        final List<CompletableFuture<ByteBuffer>> unitInserts = new ArrayList<>();
        final List<CompletableFuture<ByteBuffer>> bannerInserts = new ArrayList<>();
        final List<CompletableFuture<ByteBuffer>> clientRequests = new ArrayList<>();
        final int[] ops = new int[16];
        int logins;
        int subscribes;
        int unsubscribes;
        long lastSeq;

        Run(long seed, boolean durable) {
            this.seed = seed;
            this.durable = durable;
            this.random = new Random(seed);
        }

        void start() throws Exception {
            app = App.load(getClass().getClassLoader(), "wiremodel");
            database = durable
                    ? Embedded.open(Files.createTempDirectory(dir, "store"),
                            DurabilityConfig.defaults().withFsync(FsyncPolicy.NO), app.tables())
                    : Embedded.inMemory(app.tables());
            database.addChangeListener(feed);
            // The call rate limit is not under test: the driver makes calls as fast as it can.
            Limits usual = Limits.defaults();
            Limits limits = new Limits(usual.maxFrameBytes(), usual.maxOutboundBytes(), usual.maxSubscriptions(),
                    usual.maxSubscribedRows(), 1_000_000, usual.handshakeTimeout(), usual.idleTimeout());
            server = HetuServer.start(app, database, ServerConfig.defaults().withHost("127.0.0.1").withPort(0)
                    .withLimits(limits));
            group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
            for (int id = 0; id < app.systems().size(); id++) {
                var def = app.systems().get(id).def();
                if (def.namespace().equals("wiremodel")) {
                    systems.put(def.name(), id);
                }
            }
            unitComponent = app.tables().indexOf(UnitTable.TABLE);
            bannerComponent = app.tables().indexOf(BannerTable.TABLE);
            assertTrue(unitComponent >= 0 && bannerComponent >= 0, "the fixtures are in the test manifest");

            driver = new Peer("driver", () -> database.backend().lastSeq());
            driver.connect(group, server.port(), app.schemaHash());
            List<Long> freeUsers = new ArrayList<>();
            for (long user = 1; user <= USERS; user++) {
                freeUsers.add(user);
            }
            for (int i = 0; i < CLIENTS; i++) {
                Peer peer = new Peer("client" + i, () -> database.backend().lastSeq());
                peer.connect(group, server.port(), app.schemaHash());
                peers.add(peer);
                long user = freeUsers.remove(random.nextInt(freeUsers.size()));
                login(peer, user, random.nextInt(GUILDS + 1));
                finishLogin(peer, true);
            }
            // Some rows before anyone subscribes, so that snapshots have something to hold.
            for (int i = 0; i < 80; i++) {
                driverOp(random.nextBoolean() ? 0 : 1);
            }
            for (Peer peer : peers) {
                int subscriptions = 1 + random.nextInt(3);
                for (int i = 0; i < subscriptions; i++) {
                    subscribe(peer);
                }
            }
        }

        private int system(String name) {
            Integer id = systems.get(name);
            if (id == null) {
                throw new AssertionError("no system wiremodel." + name + " in the test manifest");
            }
            return id;
        }

        // -------------------------------------------------------------- client actions

        void login(Peer peer, long user, long guild) {
            logins++;
            peer.loginSent();
            peer.note("sending login(user " + user + ", guild " + guild + ")");
            CompletableFuture<ByteBuffer> reply = peer.call(system("login"), m -> m.i64(user).i64(guild));
            loggingIn.put(peer, new PendingLogin(user, guild, reply));
        }

        /** Records a peer's login once its RESULT is in (waiting for it when {@code wait}). */
        void finishLogin(Peer peer, boolean wait) throws Exception {
            PendingLogin pending = loggingIn.get(peer);
            if (pending == null || (!wait && !pending.reply().isDone())) {
                return;
            }
            ByteBuffer result = pending.reply().get(WAIT_SECONDS, TimeUnit.SECONDS);
            loggingIn.remove(peer);
            if (result.get(0) != Protocol.RESULT) {
                result.position(5);
                fail(peer.name + ": login was refused: " + readStr(result) + " (seed " + seed + ")");
            }
            long seq = result.getLong(5);
            long barrier;
            synchronized (peer) {
                barrier = peer.resultAt.get(result.getInt(1));
            }
            peer.loggedIn(new Identity(seq, pending.user(), pending.guild(), barrier));
            users.put(peer, pending.user());
        }

        /** Logs a peer in as a user no other peer holds or is logging in as, with a random guild. */
        void relogin(Peer peer) throws Exception {
            // Drawn first, whatever happens next, so that a seed replays the same draws.
            int pick = random.nextInt(1 << 16);
            long guild = random.nextInt(GUILDS + 1);
            finishLogin(peer, false);
            if (loggingIn.containsKey(peer)) {
                return;
            }
            Set<Long> taken = new HashSet<>();
            for (Peer other : peers) {
                if (other != peer) {
                    taken.add(users.get(other));
                    PendingLogin pending = loggingIn.get(other);
                    if (pending != null) {
                        taken.add(pending.user());
                    }
                }
            }
            List<Long> free = new ArrayList<>();
            for (long user = 1; user <= USERS; user++) {
                if (!taken.contains(user)) {
                    free.add(user);
                }
            }
            login(peer, free.get(pick % free.size()), guild);
        }

        Query randomQuery() {
            boolean units = random.nextBoolean();
            Integer low = random.nextInt(4) == 0 ? null : random.nextInt(ZONES + 1) - 1;
            Integer high = random.nextInt(4) == 0 ? null
                    : (low == null ? random.nextInt(ZONES + 1) : low + random.nextInt(ZONES - Math.max(low, 0) + 1));
            long limit = random.nextInt(4) == 0 ? UNLIMITED : LIMITS[random.nextInt(LIMITS.length)];
            return new Query(units, low, random.nextBoolean(), high, random.nextBoolean(), limit, random.nextBoolean());
        }

        void subscribe(Peer peer) {
            subscribe(peer, randomQuery());
        }

        void subscribe(Peer peer, Query query) {
            subscribes++;
            clientRequests.add(peer.subscribe(query.units() ? unitComponent : bannerComponent, query));
        }

        void unsubscribe(Peer peer) {
            int pick = random.nextInt(1 << 16);
            List<Integer> ids = peer.heldIds();
            if (ids.size() < 2) {
                return;
            }
            unsubscribes++;
            int subscription = ids.get(pick % ids.size());
            CompletableFuture<ByteBuffer> done = peer.unsubscribe(subscription);
            clientRequests.add(done.thenApply(reply -> {
                if (reply.get(0) != Protocol.DONE) {
                    peer.problem("UNSUBSCRIBE " + subscription + " was not answered with DONE");
                }
                return reply;
            }));
        }

        // -------------------------------------------------------------- the driver

        void drive() throws Exception {
            for (int step = 0; step < STEPS; step++) {
                double roll = random.nextDouble();
                if (roll < 0.06) {
                    relogin(peers.get(random.nextInt(peers.size())));
                } else if (roll < 0.08) {
                    Peer peer = peers.get(random.nextInt(peers.size()));
                    Query query = randomQuery();
                    if (peer.subscriptionCount() < 4) {
                        subscribe(peer, query);
                    }
                } else if (roll < 0.10) {
                    unsubscribe(peers.get(random.nextInt(peers.size())));
                } else {
                    driverOp(pickOp());
                }
                for (Peer peer : peers) {
                    finishLogin(peer, false);
                }
            }
            for (CompletableFuture<ByteBuffer> call : driverCalls) {
                ByteBuffer reply = call.get(WAIT_SECONDS, TimeUnit.SECONDS);
                if (reply.get(0) != Protocol.RESULT) {
                    reply.position(5);
                    fail("a driver call was refused: " + readStr(reply) + " (seed " + seed + ")");
                }
                lastSeq = Math.max(lastSeq, reply.getLong(5));
            }
            for (Peer peer : peers) {
                finishLogin(peer, true);
            }
            for (CompletableFuture<ByteBuffer> request : clientRequests) {
                request.get(WAIT_SECONDS, TimeUnit.SECONDS);
            }
        }

        private int pickOp() {
            int roll = random.nextInt(100);
            if (roll < 18) {
                return 0; // add unit
            } else if (roll < 30) {
                return 1; // add banner
            } else if (roll < 52) {
                return 2; // edit unit
            } else if (roll < 68) {
                return 3; // edit banner
            } else if (roll < 76) {
                return 4; // drop unit
            } else if (roll < 82) {
                return 5; // drop banner
            } else if (roll < 87) {
                return 6; // replace unit
            } else if (roll < 92) {
                return 7; // migrate
            } else if (roll < 95) {
                return 8; // purge
            } else {
                return 9; // regroup
            }
        }

        private long owner() {
            return random.nextInt(12) == 0 ? 0 : 1 + random.nextInt(USERS);
        }

        private long guild() {
            return 1 + random.nextInt(GUILDS);
        }

        /** The id an earlier insert returned (waiting for it), or a made-up id nothing has. */
        private long target(List<CompletableFuture<ByteBuffer>> inserts) throws Exception {
            if (inserts.isEmpty() || random.nextInt(25) == 0) {
                return 1_000_000 + random.nextInt(1000);
            }
            ByteBuffer reply = inserts.get(random.nextInt(inserts.size())).get(WAIT_SECONDS, TimeUnit.SECONDS);
            return reply.get(0) == Protocol.RESULT ? reply.getLong(13) : 1_000_000;
        }

        void driverOp(int op) throws Exception {
            ops[op]++;
            int fields = 1 + random.nextInt(7);
            CompletableFuture<ByteBuffer> call = switch (op) {
                case 0 -> {
                    int zone = random.nextInt(ZONES);
                    long owner = owner();
                    int hp = random.nextInt(1000);
                    CompletableFuture<ByteBuffer> insert = driver.call(system("addUnit"),
                            m -> m.i32(zone).i64(owner).i32(hp));
                    unitInserts.add(insert);
                    yield insert;
                }
                case 1 -> {
                    int zone = random.nextInt(ZONES);
                    long guild = guild();
                    int color = random.nextInt(1000);
                    CompletableFuture<ByteBuffer> insert = driver.call(system("addBanner"),
                            m -> m.i32(zone).i64(guild).i32(color));
                    bannerInserts.add(insert);
                    yield insert;
                }
                case 2 -> {
                    long id = target(unitInserts);
                    int zone = random.nextInt(ZONES);
                    long owner = owner();
                    int hp = random.nextInt(1000);
                    yield driver.call(system("editUnit"), m -> m.i64(id).i32(fields).i32(zone).i64(owner).i32(hp));
                }
                case 3 -> {
                    long id = target(bannerInserts);
                    int zone = random.nextInt(ZONES);
                    long guild = guild();
                    int color = random.nextInt(1000);
                    yield driver.call(system("editBanner"),
                            m -> m.i64(id).i32(fields).i32(zone).i64(guild).i32(color));
                }
                case 4 -> {
                    long id = target(unitInserts);
                    yield driver.call(system("dropUnit"), m -> m.i64(id));
                }
                case 5 -> {
                    long id = target(bannerInserts);
                    yield driver.call(system("dropBanner"), m -> m.i64(id));
                }
                case 6 -> {
                    long id = target(unitInserts);
                    int zone = random.nextInt(ZONES);
                    long owner = owner();
                    int hp = random.nextInt(1000);
                    CompletableFuture<ByteBuffer> insert = driver.call(system("replaceUnit"),
                            m -> m.i64(id).i32(zone).i64(owner).i32(hp));
                    unitInserts.add(insert);
                    yield insert;
                }
                case 7 -> {
                    int from = random.nextInt(ZONES);
                    int to = random.nextInt(ZONES);
                    int max = 1 + random.nextInt(6);
                    yield driver.call(system("migrate"), m -> m.i32(from).i32(to).i32(max));
                }
                case 8 -> {
                    int zone = random.nextInt(ZONES);
                    int max = 1 + random.nextInt(4);
                    yield driver.call(system("purge"), m -> m.i32(zone).i32(max));
                }
                default -> {
                    long from = random.nextBoolean() ? owner() : guild();
                    long to = random.nextBoolean() ? owner() : guild();
                    yield driver.call(system("regroup"), m -> m.i64(from).i64(to));
                }
            };
            driverCalls.add(call);
            // Keep a few calls in flight, so that commits keep coming while others are answered.
            if (driverCalls.size() > IN_FLIGHT) {
                driverCalls.get(driverCalls.size() - 1 - IN_FLIGHT).get(WAIT_SECONDS, TimeUnit.SECONDS);
            }
        }

        // -------------------------------------------------------------- the end

        /** Waits until every frame the writes caused has reached its client. */
        void settle() throws Exception {
            server.subscriptions().drained().get(WAIT_SECONDS, TimeUnit.SECONDS);
            // Frames the engine handed to a connection before the drain are written by its event loop;
            // two round trips on every connection let them all through.
            for (int round = 0; round < 2; round++) {
                pingAll(round);
            }
        }

        private void pingAll(long round) throws Exception {
            List<CompletableFuture<Void>> pongs = new ArrayList<>();
            for (Peer peer : peers) {
                pongs.add(peer.ping(round));
            }
            for (CompletableFuture<Void> pong : pongs) {
                pong.get(WAIT_SECONDS, TimeUnit.SECONDS);
            }
        }

        List<String> verify() throws Exception {
            List<String> problems = new ArrayList<>();
            problems.addAll(feed.problems);
            for (Peer peer : peers) {
                synchronized (peer) {
                    problems.addAll(peer.problems);
                }
            }
            synchronized (driver) {
                problems.addAll(driver.problems);
            }
            checkNoLeak(problems);
            checkEveryFrame(problems);
            // The drain and two round trips let every frame through; should one still be on its way, a
            // few more round trips give it time before the difference counts.
            List<String> atTheEnd = checkAgainstStore();
            for (int round = 2; !atTheEnd.isEmpty() && round < 22; round++) {
                pingAll(round);
                atTheEnd = checkAgainstStore();
            }
            problems.addAll(atTheEnd);
            return problems;
        }

        /**
         * No leak: every row received is readable by the client's identity at the frame's seq.
         */
        private void checkNoLeak(List<String> problems) {
            for (Peer peer : peers) {
                synchronized (peer) {
                    for (Received row : peer.received) {
                        List<Identity> allowed = peer.allowed(row.seq(), row.previousSeq(), row.loginsSent());
                        Identity who = allowed.isEmpty() ? null : allowed.getLast();
                        if (who == null) {
                            problems.add(peer.name + ": a row at seq " + row.seq() + " before the first login");
                            continue;
                        }
                        String leak = peer.name + ": LEAK: " + row.how() + " stamped " + row.seq()
                                + " for subscription " + row.subscription() + " carries "
                                + (row.units() ? "Unit " : "Banner ") + describe(row.units(), row.id(), row.row())
                                + ", but at that seq the client is user " + who.user() + " guild " + who.guild()
                                + " (logged in at seq " + who.seq() + "; logins " + peer.identities + ")";
                        if (who.mayRead(row.units(), row.row())) {
                            continue;
                        }
                        problems.add(leak);
                    }
                }
            }
        }

        /**
         * After every frame, each subscription equals its query re-run at the frame's seq under the
         * client's identity then.
         */
        private void checkEveryFrame(List<String> problems) {
            record At(Peer peer, Seen seen) {}
            List<At> all = new ArrayList<>();
            for (Peer peer : peers) {
                synchronized (peer) {
                    for (Seen seen : peer.seen) {
                        all.add(new At(peer, seen));
                    }
                }
            }
            // A stable sort: each client's frames stay in the order they arrived.
            all.sort(Comparator.comparingLong(at -> at.seen().seq()));
            Replay replay = new Replay(feed.commits());
            for (At at : all) {
                long seq = at.seen().seq();
                replay.advanceTo(seq);
                List<Identity> allowed;
                synchronized (at.peer()) {
                    allowed = at.peer().allowed(seq, seq, at.seen().loginsSent());
                }
                if (allowed.isEmpty()) {
                    problems.add(at.peer().name + ": a frame stamped " + seq + " before the first login");
                    continue;
                }
                Identity who = allowed.getLast();
                for (Map.Entry<Integer, Query> entry : at.seen().queries().entrySet()) {
                    Query query = entry.getValue();
                    Map<Long, byte[]> got = at.seen().rows().get(entry.getKey());
                    String difference = difference(query, query.result(replay.table(query.units()), who), got);
                    if (difference == null) {
                        continue;
                    }
                    String problem = at.peer().name + ": after " + at.seen().frame() + " stamped " + seq
                            + ", subscription " + entry.getKey() + " (" + query + ") as user " + who.user()
                            + " guild " + who.guild() + " (logged in at seq " + who.seq() + ") differs from its query"
                            + " at that seq: " + difference;
                    problems.add(problem);
                }
            }
        }

        /** Each subscription equals its query re-run against the database itself. */
        private List<String> checkAgainstStore() {
            List<String> problems = new ArrayList<>();
            Replay replay = new Replay(feed.commits());
            replay.advanceTo(Long.MAX_VALUE);
            Map<Long, byte[]> units = readAll(UnitTable.ZONE);
            Map<Long, byte[]> banners = readAll(BannerTable.ZONE);
            String unitsDiff = sameRows(units, replay.units);
            String bannersDiff = sameRows(banners, replay.banners);
            if (unitsDiff != null || bannersDiff != null) {
                problems.add("the change feed does not add up to the store: units " + unitsDiff + ", banners "
                        + bannersDiff);
            }
            for (Peer peer : peers) {
                synchronized (peer) {
                    Identity who = peer.identities.getLast();
                    for (Held sub : peer.held.values()) {
                        Query query = sub.query;
                        List<Map.Entry<Long, byte[]>> expected = database.transact(0, tx -> {
                            List<Map.Entry<Long, byte[]>> rows = new ArrayList<>();
                            if (query.units()) {
                                for (UnitRow row : tx.range(UnitTable.ZONE, query.range(), Integer.MAX_VALUE,
                                        query.descending())) {
                                    rows.add(Map.entry(tx.id(row), bytes(row, query.rowSize())));
                                }
                            } else {
                                for (BannerRow row : tx.range(BannerTable.ZONE, query.range(), Integer.MAX_VALUE,
                                        query.descending())) {
                                    rows.add(Map.entry(tx.id(row), bytes(row, query.rowSize())));
                                }
                            }
                            return rows;
                        });
                        List<Map.Entry<Long, byte[]>> readable = new ArrayList<>();
                        for (Map.Entry<Long, byte[]> row : expected) {
                            if (who.mayRead(query.units(), row.getValue()) && readable.size() < query.limit()) {
                                readable.add(row);
                            }
                        }
                        String difference = difference(query, readable, sub.rows);
                        if (difference != null) {
                            problems.add(peer.name + ": at the end, subscription " + sub.id + " (" + query
                                    + ") as user " + who.user() + " guild " + who.guild()
                                    + " differs from the database: " + difference);
                        }
                    }
                }
            }
            return problems;
        }

        private <R extends Record, V extends RowView<R>> Map<Long, byte[]> readAll(IndexRef<R, V> index) {
            int size = index.table().layout().size();
            return database.transact(0, tx -> {
                Map<Long, byte[]> rows = new HashMap<>();
                for (V row : tx.range(index, KeyRange.all(), Integer.MAX_VALUE, false)) {
                    rows.put(tx.id(row), bytes(row, size));
                }
                return rows;
            });
        }

        /** The journals of the clients named in the problems, for the report. */
        String journals(List<String> problems) {
            StringBuilder out = new StringBuilder();
            for (Peer peer : peers) {
                if (problems.stream().noneMatch(p -> p.startsWith(peer.name + ":"))) {
                    continue;
                }
                synchronized (peer) {
                    out.append("journal of ").append(peer.name).append(" (logins ").append(peer.identities)
                            .append("):\n");
                    peer.journal.forEach(line -> out.append("    ").append(line).append('\n'));
                }
            }
            return out.toString();
        }

        String stats() {
            int frames = 0;
            int items = 0;
            int subscriptions = 0;
            int repeated = 0;
            for (Peer peer : peers) {
                synchronized (peer) {
                    repeated += peer.repeatedSeqs;
                    frames += peer.frames;
                    items += peer.items;
                    subscriptions += peer.held.size();
                }
            }
            assertTrue(frames > 0 && items > 0, "the clients received frames with rows");
            return "last seq " + lastSeq + ", " + driverCalls.size() + " writes " + Arrays.toString(
                    Arrays.copyOf(ops, 10)) + ", " + logins + " logins, " + subscribes + " subscribes, " + unsubscribes
                    + " unsubscribes, " + frames + " frames (" + repeated + " repeating a seq) and " + items
                    + " rows received, " + subscriptions
                    + " subscriptions compared at the end";
        }

        @Override
        public void close() {
            if (driver != null) {
                driver.close();
            }
            peers.forEach(Peer::close);
            if (server != null) {
                server.close();
            }
            if (database != null) {
                database.close();
            }
            if (group != null) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }
    }

    private static byte[] bytes(RowView<?> row, int size) {
        return row.segment().asSlice(row.offset(), size).toArray(ValueLayout.JAVA_BYTE);
    }

    /** How {@code got} differs from {@code expected} (ids, bytes, and for limits which rows), or null. */
    private static String difference(Query query, List<Map.Entry<Long, byte[]>> expected, Map<Long, byte[]> got) {
        List<Map.Entry<Long, byte[]>> gotOrdered = new ArrayList<>(got.entrySet());
        gotOrdered.sort(query.order());
        boolean same = expected.size() == gotOrdered.size();
        for (int i = 0; same && i < expected.size(); i++) {
            same = expected.get(i).getKey().equals(gotOrdered.get(i).getKey())
                    && Arrays.equals(expected.get(i).getValue(), gotOrdered.get(i).getValue());
        }
        if (same) {
            return null;
        }
        return "expected " + render(query, expected) + " but the client holds " + render(query, gotOrdered);
    }

    private static String render(Query query, List<Map.Entry<Long, byte[]>> rows) {
        StringBuilder out = new StringBuilder("[");
        for (Map.Entry<Long, byte[]> row : rows) {
            if (out.length() > 1) {
                out.append(", ");
            }
            out.append(describe(query.units(), row.getKey(), row.getValue()));
        }
        return out.append(']').toString();
    }

    private static String sameRows(Map<Long, byte[]> store, Map<Long, byte[]> replayed) {
        if (!store.keySet().equals(replayed.keySet())) {
            return "ids " + new TreeMap<>(store).keySet() + " vs " + new TreeMap<>(replayed).keySet();
        }
        for (Map.Entry<Long, byte[]> row : store.entrySet()) {
            if (!Arrays.equals(row.getValue(), replayed.get(row.getKey()))) {
                return "bytes of #" + row.getKey();
            }
        }
        return null;
    }

    /** A client message, little-endian. */
    private static final class Message {
        private final ByteBuffer out = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);

        Message(byte type) {
            out.put(type);
        }

        Message u8(int v) {
            out.put((byte) v);
            return this;
        }

        Message u16(int v) {
            out.putShort((short) v);
            return this;
        }

        Message i32(int v) {
            out.putInt(v);
            return this;
        }

        Message i64(long v) {
            out.putLong(v);
            return this;
        }

        /** A {@code str}: u16 byte length, then UTF-8. */
        Message str(String text) {
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            out.putShort((short) utf8.length).put(utf8);
            return this;
        }

        byte[] bytes() {
            return Arrays.copyOf(out.array(), out.position());
        }
    }

    private static String readStr(ByteBuffer in) {
        byte[] utf8 = new byte[Short.toUnsignedInt(in.getShort())];
        in.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
