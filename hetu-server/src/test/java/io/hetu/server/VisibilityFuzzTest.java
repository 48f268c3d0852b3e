package io.hetu.server;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.hetu.schema.Key;
import io.hetu.server.TestClient.Message;
import io.hetu.server.app.App;
import io.hetu.server.fixtures.BannerRow;
import io.hetu.server.fixtures.BannerTable;
import io.hetu.server.fixtures.UnitRow;
import io.hetu.server.fixtures.UnitTable;
import io.hetu.server.subscription.Subscriber;
import io.hetu.server.system.CallContext;
import io.hetu.server.system.Session;
import io.hetu.server.system.AcceptingRegistry;
import io.hetu.server.system.SessionState;
import io.hetu.storage.Database;
import io.hetu.storage.TestSeeds;
import io.hetu.storage.embedded.Embedded;
import io.hetu.storage.spi.Change;
import io.hetu.storage.spi.ChangeKind;
import io.hetu.storage.spi.ChangeListener;
import io.hetu.storage.spi.ChangeSet;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Visibility over the wire under rapid identity switches: clients of a real server log in as one
 * of two users and one of the guilds again and again, often twice in a row without waiting
 * (which switches the caller, or only the {@code @Rls} session value "guild"), and hold QUERY
 * subscriptions over an OWNER component (Unit) and an RLS component (Banner), while a driver
 * connection creates rows and moves them between owners, guilds and zones. The oracle is the
 * store's own change feed: every commit's rows and the session each commit gave its connection.
 * The test checks, from each client's side:
 *
 * <ul>
 *   <li>every row a frame stamped S carries (SUBSCRIBED rows, inserts and updates) is the row's
 *       version at S and readable by the session the connection had at S;
 *   <li>after every frame, each subscription equals its query re-run at the frame's seq under the
 *       connection's session at that seq (so rows that became unreadable were deleted, and those
 *       that became readable inserted, at the switch);
 *   <li>a login's RESULT (seq L) comes after the switch: the subscriptions then equal their queries
 *       at L or later, and no frame stamped below L follows it.
 * </ul>
 *
 * <p>The lagging variant slows the subscription engine's thread: in-process subscribers (one per
 * user, holding all of its units) sleep in a share of their sends, so replies run ahead of it.
 * {@code -Dhetu.seed=N} replays a seed; {@code -Dhetu.visibility.steps=N} runs longer.
 */
class VisibilityFuzzTest {

    private static final int STEPS = Integer.getInteger("hetu.visibility.steps", 1500);
    private static final int CLIENTS = 8;
    private static final int GUILDS = 3;
    private static final int ZONES = 4;
    private static final int MAX_SUBSCRIPTIONS = 4;
    private static final int FULL_UPDATE = 0xFFFF;
    private static final int UNIT_SIZE = UnitTable.TABLE.layout().size();
    private static final int BANNER_SIZE = BannerTable.TABLE.layout().size();

    @Test
    void fastEngine() throws Exception {
        play(seed(), false);
    }

    @Test
    void laggingEngine() throws Exception {
        play(seed(), true);
    }

    private static long seed() {
        return TestSeeds.seed("VisibilityFuzzTest");
    }

    private void play(long seed, boolean lagging) throws Exception {
        String variant = lagging ? "laggingEngine" : "fastEngine";
        List<String> problems = new ArrayList<>();
        try (World world = new World(new Random(seed), lagging, problems)) {
            world.run();
            System.out.println("VisibilityFuzzTest." + variant + ": seed " + seed + ": " + world.stats());
        }
        if (!problems.isEmpty()) {
            fail("seed " + seed + ": " + problems.size() + " problem(s); replay with -Dtest='VisibilityFuzzTest#"
                    + variant + "' -Dhetu.seed=" + seed + "\n  " + String.join("\n  ", problems.subList(0,
                            Math.min(30, problems.size()))));
        }
    }

    // ------------------------------------------------------------------ the oracle

    /** One commit: the Unit and Banner rows it changed, and the sessions it gave connections. */
    private record Commit(long seq, List<RowChange> rows, Map<Long, Identity> sessions) {}

    private record RowChange(boolean units, long id, byte[] after) {}

    /** What a connection may read: its caller and its session's guild (null: none). */
    private record Identity(long caller, Long guild) {

        static final Identity NOBODY = new Identity(0, null);

        boolean mayRead(boolean units, byte[] row) {
            return units ? caller != 0 && holder(true, row) == caller
                    : guild != null && holder(false, row) == guild;
        }
    }

    /** Every commit, copied from the store's change feed before the subscription engine sees it. */
    private static final class Feed implements ChangeListener {
        private final List<Commit> commits = new ArrayList<>();

        @Override
        public synchronized void onCommit(ChangeSet set) {
            List<RowChange> rows = new ArrayList<>();
            for (Change change : set.changes()) {
                boolean units = change.table() == UnitTable.TABLE;
                if (units || change.table() == BannerTable.TABLE) {
                    rows.add(new RowChange(units, change.id(), change.kind() == ChangeKind.DELETE ? null
                            : change.after().toArray(ValueLayout.JAVA_BYTE)));
                }
            }
            Map<Long, Identity> sessions = new HashMap<>();
            for (Object attachment : set.attachments()) {
                if (attachment instanceof SessionState state) {
                    sessions.put(state.session().connectionId(),
                            new Identity(state.caller(), (Long) state.values().get("guild")));
                }
            }
            commits.add(new Commit(set.seq(), rows, sessions));
        }

        synchronized Commit get(int index) {
            return index < commits.size() ? commits.get(index) : null;
        }
    }

    /** The tables and one connection's session, replayed from the feed up to a seq. */
    private static final class Replay {
        private final Feed feed;
        private final long connection;
        private final Map<Long, byte[]> units = new HashMap<>();
        private final Map<Long, byte[]> banners = new HashMap<>();
        private Identity identity = Identity.NOBODY;
        private int next;
        private long seq;

        Replay(Feed feed, long connection) {
            this.feed = feed;
            this.connection = connection;
        }

        /** Moves to {@code target}; the feed has every commit a frame can carry (it is called first). */
        void advanceTo(long target) {
            Commit commit;
            while (seq < target && (commit = feed.get(next)) != null && commit.seq() <= target) {
                next++;
                for (RowChange row : commit.rows()) {
                    Map<Long, byte[]> table = row.units() ? units : banners;
                    if (row.after() == null) {
                        table.remove(row.id());
                    } else {
                        table.put(row.id(), row.after());
                    }
                }
                identity = commit.sessions().getOrDefault(connection, identity);
                seq = commit.seq();
            }
        }

        /** The query's rows (zones {@code [low, high]}) readable by the connection. */
        Map<Long, byte[]> result(Query query) {
            Map<Long, byte[]> rows = new TreeMap<>();
            (query.units() ? units : banners).forEach((id, row) -> {
                if (query.contains(zone(row)) && identity.mayRead(query.units(), row)) {
                    rows.put(id, row);
                }
            });
            return rows;
        }
    }

    private record Query(boolean units, int low, int high) {

        boolean contains(int zone) {
            return zone >= low && zone <= high;
        }

        int rowSize() {
            return units ? UNIT_SIZE : BANNER_SIZE;
        }
    }

    private static int zone(byte[] row) {
        // Unit and Banner both start with their zone.
        return ByteBuffer.wrap(row).order(ByteOrder.LITTLE_ENDIAN).getInt((int) UnitRow.ZONE_OFFSET);
    }

    private static long holder(boolean units, byte[] row) {
        return ByteBuffer.wrap(row).order(ByteOrder.LITTLE_ENDIAN)
                .getLong((int) (units ? UnitRow.OWNER_OFFSET : BannerRow.GUILD_OFFSET));
    }

    // ------------------------------------------------------------------ a client

    /** A connection that rebuilds its subscriptions from the frames it receives and checks them. */
    private static final class Peer {
        final String name;
        final TestClient client;
        final Replay replay;
        final List<String> problems;
        final long[] users;
        final Map<Integer, Query> asked = new HashMap<>();
        final Map<Integer, Query> queries = new HashMap<>();
        final Map<Integer, Map<Long, byte[]>> mirrors = new HashMap<>();
        final Map<Integer, Long> logins = new HashMap<>();
        long lastSeq;
        int frames;
        int rows;
        /** No frame stamped below this may come: the seq of the last login's RESULT. */
        long floor;
        int nextRequest = 1;
        boolean continued;
        /** The latest requests and frames, for the report of its first problem. */
        final java.util.ArrayDeque<String> journal = new java.util.ArrayDeque<>();
        boolean reported;

        Peer(String name, TestClient client, long connection, Feed feed, List<String> problems, long[] users) {
            this.name = name;
            this.client = client;
            this.replay = new Replay(feed, connection);
            this.problems = problems;
            this.users = users;
        }

        int request() {
            return nextRequest++;
        }

        void note(String event) {
            journal.addLast(event);
            if (journal.size() > 24) {
                journal.removeFirst();
            }
        }

        void problem(String problem) {
            problems.add(name + " (connection " + replay.connection + "): " + problem + (reported ? "" : "\n    its latest events: " + String.join("; ", journal)));
            reported = true;
        }

        /** Handles every frame that arrives within {@code millis}; false when none did. */
        boolean receive(long millis) throws InterruptedException {
            ByteBuffer frame = client.poll(millis);
            if (frame == null) {
                return false;
            }
            handle(frame);
            while ((frame = client.poll(0)) != null) {
                handle(frame);
            }
            return true;
        }

        private void handle(ByteBuffer frame) {
            frames++;
            frame.position(1);
            switch (frame.get(0)) {
                case io.hetu.wire.Protocol.RESULT -> {
                    int request = frame.getInt();
                    long seq = frame.getLong();
                    note("RESULT req " + request + " seq " + seq);
                    if (logins.remove(request) != null) {
                        // The switch came before the reply: the view is the new session's.
                        floor = Math.max(floor, seq);
                        checkAll(Math.max(seq, lastSeq), "after the RESULT of the login at seq " + seq);
                    }
                }
                case io.hetu.wire.Protocol.SUBSCRIBED -> {
                    int request = frame.getInt();
                    int subscription = frame.getInt();
                    long seq = stamp(frame.getLong(), "SUBSCRIBED");
                    note("SUBSCRIBED req " + request + " sub " + subscription + " seq " + seq);
                    Query query = asked.remove(request);
                    Map<Long, byte[]> rows = new TreeMap<>();
                    int count = frame.getInt();
                    for (int i = 0; i < count; i++) {
                        long id = frame.getLong();
                        byte[] row = new byte[query.rowSize()];
                        frame.get(row);
                        checkRow(query, seq, id, row, "SUBSCRIBED row");
                        rows.put(id, row);
                    }
                    queries.put(subscription, query);
                    mirrors.put(subscription, rows);
                    check(subscription, seq, "SUBSCRIBED");
                }
                case io.hetu.wire.Protocol.UPDATE -> {
                    long seq = stamp(frame.getLong(), "UPDATE");
                    int count = Short.toUnsignedInt(frame.getShort());
                    note("UPDATE seq " + seq + " of " + count);
                    for (int i = 0; i < count; i++) {
                        int subscription = frame.getInt();
                        byte kind = frame.get();
                        long id = frame.getLong();
                        Query query = queries.get(subscription);
                        if (kind == io.hetu.wire.Protocol.KIND_DELETE) {
                            mirrors.get(subscription).remove(id);
                        } else {
                            byte[] row = new byte[query.rowSize()];
                            frame.get(row);
                            checkRow(query, seq, id, row, kind == io.hetu.wire.Protocol.KIND_INSERT
                                    ? "inserted row" : "updated row");
                            mirrors.get(subscription).put(id, row);
                        }
                    }
                    // The parts of one commit's UPDATE are one change: the view is checked after the last.
                    continued = count == FULL_UPDATE;
                    if (!continued) {
                        checkAll(seq, "UPDATE");
                    }
                }
                case io.hetu.wire.Protocol.REJECTED, io.hetu.wire.Protocol.ERROR -> {
                    problem("unexpected frame 0x" + Integer.toHexString(frame.get(0) & 0xFF));
                }
                default -> {
                    // PONG, DONE: nothing to check.
                }
            }
        }

        private long stamp(long seq, String what) {
            if (seq < floor) {
                problem(what + " stamped " + seq + " after the RESULT of a login at seq " + floor);
            }
            if (seq < lastSeq) {
                problem(what + " stamped " + seq + " after seq " + lastSeq);
            }
            lastSeq = Math.max(lastSeq, seq);
            replay.advanceTo(seq);
            return seq;
        }

        private void checkRow(Query query, long seq, long id, byte[] row, String what) {
            rows++;
            byte[] committed = (query.units() ? replay.units : replay.banners).get(id);
            if (!Arrays.equals(committed, row)) {
                problem(what + " #" + id + " at seq " + seq + " is no version the row had then");
            } else if (!replay.identity.mayRead(query.units(), row)) {
                problem(what + " #" + id + " (holder " + holder(query.units(), row) + ") at seq "
                        + seq + " reached " + replay.identity + ", who may not read it");
            }
        }

        private void checkAll(long seq, String when) {
            replay.advanceTo(seq);
            for (int subscription : mirrors.keySet()) {
                check(subscription, seq, when);
            }
        }

        private void check(int subscription, long seq, String when) {
            Map<Long, byte[]> expected = replay.result(queries.get(subscription));
            Map<Long, byte[]> held = mirrors.get(subscription);
            boolean same = expected.size() == held.size();
            for (Map.Entry<Long, byte[]> row : expected.entrySet()) {
                same &= Arrays.equals(row.getValue(), held.get(row.getKey()));
            }
            if (!same) {
                problem(when + ": subscription " + subscription + " " + queries.get(subscription)
                        + " holds " + held.keySet() + ", not " + expected.keySet() + " (its rows at seq " + seq
                        + " as " + replay.identity + ")");
            }
        }
    }

    // ------------------------------------------------------------------ one run

    private static final class World implements AutoCloseable {
        final Random random;
        final boolean lagging;
        final List<String> problems;
        final Feed feed = new Feed();
        final List<Peer> peers = new ArrayList<>();
        final Map<String, Integer> systems = new HashMap<>();
        App app;
        Database database;
        HetuServer server;
        TestClient driver;
        int driverRequests;
        int logins;
        int unitComponent;
        int bannerComponent;

        World(Random random, boolean lagging, List<String> problems) {
            this.random = random;
            this.lagging = lagging;
            this.problems = problems;
        }

        void run() throws Exception {
            app = App.load(getClass().getClassLoader(), "wiremodel");
            database = Embedded.inMemory(app.tables());
            // Before the server's engine: the feed has every commit before any frame can carry it.
            database.addChangeListener(feed);
            Limits usual = Limits.defaults();
            server = HetuServer.start(app, database, ServerConfig.defaults().withHost("127.0.0.1").withPort(0)
                    .withLimits(new Limits(usual.maxFrameBytes(), usual.maxOutboundBytes(), usual.maxSubscriptions(),
                            usual.maxSubscribedRows(), 1_000_000, usual.handshakeTimeout(), usual.idleTimeout())));
            for (int id = 0; id < app.systems().size(); id++) {
                systems.put(app.systems().get(id).def().name(), id);
            }
            unitComponent = app.tables().indexOf(UnitTable.TABLE);
            bannerComponent = app.tables().indexOf(BannerTable.TABLE);
            if (lagging) {
                slowDown();
            }
            driver = greet();
            for (int i = 0; i < CLIENTS; i++) {
                TestClient client = TestClient.connect(server.port());
                client.hello(1, app.schemaHash());
                ByteBuffer welcome = client.next();
                assertTrue(welcome.get(0) == io.hetu.wire.Protocol.WELCOME, "WELCOME");
                long connection = welcome.getLong(3);
                // Two users of its own per client, so that no login kicks another client.
                peers.add(new Peer("client" + i, client, connection, feed, problems, new long[] {2L * i + 1, 2L * i + 2}));
            }
            for (int i = 0; i < 40; i++) {
                write();
            }
            for (int step = 0; step < STEPS && problems.isEmpty(); step++) {
                Peer peer = peers.get(random.nextInt(peers.size()));
                int op = random.nextInt(10);
                if (op < 3) {
                    login(peer);
                    if (random.nextBoolean()) {
                        // A second switch right behind the first, before its reply.
                        login(peer);
                    }
                } else if (op < 5 && peer.mirrors.size() + peer.asked.size() < MAX_SUBSCRIPTIONS) {
                    subscribe(peer);
                } else {
                    write();
                }
                for (Peer each : peers) {
                    each.receive(0);
                }
                while (driver.poll(0) != null) {
                    // The driver's replies are not checked.
                }
            }
            settle();
        }

        /** Waits (bounded) for every login's reply and every subscription, then for quiet. */
        private void settle() throws InterruptedException {
            long deadline = System.nanoTime() + 30_000_000_000L;
            for (Peer peer : peers) {
                while ((!peer.logins.isEmpty() || !peer.asked.isEmpty()) && System.nanoTime() < deadline) {
                    peer.receive(50);
                }
                if (!peer.logins.isEmpty() || !peer.asked.isEmpty()) {
                    problems.add(peer.name + ": no reply to " + peer.logins.size() + " login(s) and "
                            + peer.asked.size() + " subscription(s) within 30 s");
                }
            }
            for (Peer peer : peers) {
                while (peer.receive(100) && System.nanoTime() < deadline) {
                    // Frames still on their way.
                }
            }
        }

        String stats() {
            return peers.stream().mapToInt(p -> p.frames).sum() + " frames and " + peers.stream().mapToInt(p -> p.rows)
                    .sum() + " rows checked, " + logins + " logins, store at seq " + database.backend().lastSeq();
        }

        private TestClient greet() throws Exception {
            return TestClient.greeted(server.port(), app.schemaHash());
        }

        private void login(Peer peer) {
            int request = peer.request();
            long user = peer.users[random.nextInt(2)];
            long guild = random.nextInt(GUILDS + 1);
            peer.logins.put(request, user);
            logins++;
            peer.note("login req " + request + " as " + user + " guild " + guild);
            peer.client.send(new Message(io.hetu.wire.Protocol.CALL).i32(request).u16(systems.get("login"))
                    .i64(user).i64(guild));
        }

        private void subscribe(Peer peer) {
            int request = peer.request();
            int low = random.nextInt(ZONES);
            Query query = new Query(random.nextBoolean(), low, low + random.nextInt(ZONES - low));
            peer.asked.put(request, query);
            peer.note("QUERY req " + request + " " + query);
            int flags = io.hetu.wire.Protocol.QUERY_HAS_LOW | io.hetu.wire.Protocol.QUERY_LOW_INCLUSIVE
                    | io.hetu.wire.Protocol.QUERY_HAS_HIGH | io.hetu.wire.Protocol.QUERY_HIGH_INCLUSIVE;
            peer.client.send(new Message(io.hetu.wire.Protocol.QUERY).i32(request)
                    .u16(query.units() ? unitComponent : bannerComponent).u8(0).u8(flags).i32(-1).i32(query.low())
                    .i32(query.high()));
        }

        /** One random write: a new row, or a row moved to another owner, guild or zone. */
        private void write() {
            long holder;
            boolean units = random.nextBoolean();
            holder = units ? 1 + random.nextInt(2 * CLIENTS) : 1 + random.nextInt(GUILDS);
            int zone = random.nextInt(ZONES);
            Message call = new Message(io.hetu.wire.Protocol.CALL).i32(++driverRequests);
            // Row ids start at 1 in each table; ids past the last row make the edit a no-op.
            long id = 1 + random.nextInt(Math.max(1, driverRequests / 3));
            switch (random.nextInt(4)) {
                case 0 -> call.u16(systems.get(units ? "addUnit" : "addBanner")).i32(zone).i64(holder).i32(random.nextInt(100));
                case 1 -> call.u16(systems.get(units ? "editUnit" : "editBanner")).i64(id).i32(2).i32(zone).i64(holder)
                        .i32(0);
                case 2 -> call.u16(systems.get(units ? "editUnit" : "editBanner")).i64(id).i32(5).i32(zone).i64(holder)
                        .i32(random.nextInt(100));
                default -> call.u16(systems.get("regroup")).i64(holder).i64(units ? 1 + random.nextInt(2 * CLIENTS)
                        : 1 + random.nextInt(GUILDS));
            }
            driver.send(call);
        }

        /**
         * In-process subscribers on the server's engine, one per user holding all of its units, that
         * sleep in a quarter of their sends: the engine's thread falls behind the commits.
         */
        private void slowDown() {
            for (long user = 1; user <= 2L * CLIENTS; user++) {
                Session session = new Session(-user);
                CallContext context = new CallContext(session, new AcceptingRegistry());
                context.begin(null);
                context.elevate(user, false);
                context.commitEffects();
                Random jitter = new Random(random.nextLong());
                server.subscriptions().query(new Subscriber() {
                    @Override
                    public Session session() {
                        return session;
                    }

                    @Override
                    public void send(byte[] frame, int length) {
                        if (jitter.nextInt(4) == 0) {
                            LockSupport.parkNanos(1_000_000L + jitter.nextInt(3_000_000));
                        }
                    }
                }, 1, unitComponent, 0, Key.ofLong(UnitTable.ZONE.column(), 0), true,
                        Key.ofLong(UnitTable.ZONE.column(), ZONES), true, Integer.MAX_VALUE, false);
            }
        }

        @Override
        public void close() throws Exception {
            for (Peer peer : peers) {
                peer.client.close();
            }
            if (driver != null) {
                driver.close();
            }
            if (server != null) {
                server.close();
            }
            if (database != null) {
                database.close();
            }
        }
    }
}
