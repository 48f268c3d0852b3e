package io.hetu.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.schema.FieldLayout;
import io.hetu.schema.Key;
import io.hetu.schema.KeyCodec;
import io.hetu.schema.KeyRange;
import io.hetu.schema.Layouts;
import io.hetu.schema.ListRef;
import io.hetu.schema.RowView;
import io.hetu.storage.Database;
import io.hetu.storage.embedded.Embedded;
import io.hetu.storage.fixtures.Account;
import io.hetu.storage.fixtures.AccountTable;
import io.hetu.storage.fixtures.NoteTable;
import io.hetu.storage.lists.Entrant;
import io.hetu.storage.lists.EntrantTable;
import io.hetu.storage.lists.Mail;
import io.hetu.storage.lists.MailTable;
import io.hetu.storage.spi.ChangeListener;
import io.hetu.storage.spi.ChangeSet;
import io.hetu.system.SchemaMismatchException;
import io.hetu.system.StorageException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the Redis backend adds to the conformance suite: addresses, keys, start-up checks, the capped feed. */
class RedisBackendTest {

    @Test
    void addressesAreParsedAndBadOnesExplained() {
        RedisConfig plain = RedisConfig.parse("redis://127.0.0.1:6380/2");
        assertEquals("127.0.0.1", plain.host());
        assertEquals(6380, plain.port());
        assertEquals(2, plain.database());
        assertEquals(RedisConfig.DEFAULT_NAME, plain.name());
        RedisConfig full = RedisConfig.parse("redis://:secret@cache.internal?name=game&stream=5000&timeout=3");
        assertEquals(RedisConfig.DEFAULT_PORT, full.port());
        assertEquals("secret", full.password());
        assertEquals("game", full.name());
        assertEquals(5000, full.streamLength());
        assertEquals(Duration.ofSeconds(3), full.timeout());
        assertTrue(!full.display().contains("secret"), "the password stays out of logs: " + full.display());

        for (String[] bad : new String[][] {
                {"rediss://host", "only plain redis://"},
                {"redis-sentinel://host", "only plain redis://"},
                {"redis://host/abc", "database number"},
                {"redis://host?colour=red", "unknown option 'colour'"},
                {"redis://host?stream=ten", "stream must be a whole number"},
                {"redis://user:pw@host", "ACL users"},
                {"redis://host?name=a%7Bb", "braces"},
                {"redis://", "not a valid address"}, {"redis:///0", "names no host"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisConfig.parse(bad[0]),
                    bad[0]);
            assertTrue(e.getMessage().contains(bad[1]), bad[0] + ": " + e.getMessage());
        }
    }

    @Test
    void encodedKeysSortAsTheIndexOrdersThem() {
        FieldLayout text = NoteTable.TABLE.layout().field("text");
        Random rnd = new Random(7);
        String alphabet = "\u0000\u0001a\u007fÿ中";
        String[] values = new String[300];
        for (int i = 0; i < values.length; i++) {
            StringBuilder value = new StringBuilder();
            int length = rnd.nextInt(12);
            for (int c = 0; c < length; c++) {
                value.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            values[i] = value.toString();
        }
        for (String a : values) {
            for (int j = 0; j < 20; j++) {
                String b = values[rnd.nextInt(values.length)];
                Key ka = Key.ofString(text, a);
                Key kb = Key.ofString(text, b);
                int expected = Integer.signum(KeyCodec.compareStrings(ka.string(), 0, kb.string(), 0));
                byte[] ea = KeySpace.concat(KeySpace.key(ka), KeySpace.id(1));
                byte[] eb = KeySpace.concat(KeySpace.key(kb), KeySpace.id(1));
                assertEquals(expected, Integer.signum(Arrays.compareUnsigned(ea, eb)), "'" + a + "' vs '" + b + "'");
            }
        }
        long[] numbers = {Long.MIN_VALUE, -5, -1, 0, 1, 7, Long.MAX_VALUE};
        FieldLayout owner = AccountTable.TABLE.layout().field("owner");
        for (int i = 0; i + 1 < numbers.length; i++) {
            byte[] lower = KeySpace.key(Key.ofLong(owner, numbers[i]));
            byte[] higher = KeySpace.key(Key.ofLong(owner, numbers[i + 1]));
            assertTrue(Arrays.compareUnsigned(lower, higher) < 0, numbers[i] + " < " + numbers[i + 1]);
        }
    }

    @Test
    void anUnreachableRedisIsNamedAtStart() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        RedisConfig config = new RedisConfig("127.0.0.1", port, null, 0, "nowhere", RedisConfig.DEFAULT_STREAM_LENGTH,
                Duration.ofSeconds(2));
        StorageException e = assertThrows(StorageException.class, () -> Redis.open(config, List.of(AccountTable.TABLE)));
        assertTrue(e.getMessage().contains("cannot reach Redis at redis://127.0.0.1:" + port), e.getMessage());
        assertNotNull(e.getCause());
    }

    @Test
    void aStoredSchemaThatDiffersRefusesTheStart() {
        RedisServer server = RedisServer.shared();
        RedisConfig config = server.database("schema");
        Redis.open(config, List.of(AccountTable.TABLE)).close();
        // Another app version recorded the component with one more column.
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + server.port());
        try (StatefulRedisConnection<String, String> raw = client.connect()) {
            String key = "{" + config.name() + "}:schema";
            String stored = raw.sync().hget(key, "test.Account");
            assertTrue(stored.contains("owner:i64"), stored);
            raw.sync().hset(key, "test.Account", stored.replace("layoutHash=", "layoutHash=0")
                    .replace("balance:i64", "balance:i64,gems:i32"));
        } finally {
            client.shutdown();
        }
        SchemaMismatchException e = assertThrows(SchemaMismatchException.class,
                () -> Redis.open(config, List.of(AccountTable.TABLE)));
        assertTrue(e.getMessage().contains("test.Account") && e.getMessage().contains("gems:i32")
                && e.getMessage().contains("does not migrate"), e.getMessage());
    }

    @Test
    void attachmentsReachOnlyTheInstanceThatCommitted() throws Exception {
        RedisConfig config = RedisServer.shared().database("attach");
        try (Database a = Redis.open(config, List.of(AccountTable.TABLE));
                Database b = Redis.open(config, List.of(AccountTable.TABLE))) {
            CompletableFuture<ChangeSet> atA = new CompletableFuture<>();
            CompletableFuture<ChangeSet> atB = new CompletableFuture<>();
            a.addChangeListener(atA::complete);
            b.addChangeListener(atB::complete);
            a.run(0, tx -> {
                tx.insert(AccountTable.TABLE, new Account(1, 10));
                tx.attach("session of a connection on a");
            });
            assertEquals(List.of("session of a connection on a"), atA.get(10, TimeUnit.SECONDS).attachments());
            ChangeSet remote = atB.get(10, TimeUnit.SECONDS);
            assertEquals(List.of(), remote.attachments());
            assertEquals(1, remote.changes().size());
        }
    }

    @Test
    void anInstanceThatFallsBehindTheCappedStreamIsToldWhatItMissed() throws Exception {
        RedisServer server = RedisServer.shared();
        RedisConfig config = new RedisConfig("127.0.0.1", server.port(), null, 0, RedisServer.uniqueName("behind"), 100,
                RedisConfig.DEFAULT_TIMEOUT);
        try (Database fast = Redis.open(config, List.of(AccountTable.TABLE));
                Database slow = Redis.open(config, List.of(AccountTable.TABLE))) {
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<String> gap = new CompletableFuture<>();
            slow.addChangeListener(new ChangeListener() {
                @Override
                public void onCommit(ChangeSet changes) {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }

                @Override
                public void onGap(long fromSeq, long toSeq, String reason) {
                    gap.complete(fromSeq + ".." + toSeq + ": " + reason);
                }
            });
            for (int i = 0; i < 600; i++) {
                long owner = i;
                fast.run(0, tx -> tx.insert(AccountTable.TABLE, new Account(owner, 0)));
            }
            release.countDown();
            String reported = gap.get(20, TimeUnit.SECONDS);
            assertTrue(reported.startsWith("2..") && reported.contains("fell behind"), reported);
        }
    }

    @Test
    void compositeIndexesOrderRowsAsTheEmbeddedEngineDoes() {
        RedisServer server = RedisServer.shared();
        List<String> groups = List.of("", "a", "a\u0000", "a\u0000b", "ab", "\u00ff", "é");
        List<Object> boxes = List.of(Long.MIN_VALUE, -1L, 0L, 1L, Long.MAX_VALUE - 1, Long.MAX_VALUE);
        String alphabet = "\u0000\u0001aÿ";
        double[] scores = {-0.0, 0.0, Double.NaN, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 1.5, -1.5};
        try (Database memory = Embedded.inMemory(List.of(EntrantTable.TABLE, MailTable.TABLE));
                Database redis = Redis.open(server.database("composite"), List.of(EntrantTable.TABLE,
                        MailTable.TABLE))) {
            Random rnd = new Random(11);
            for (int t = 0; t < 150; t++) {
                List<Entrant> entrants = new ArrayList<>();
                for (int i = 1 + rnd.nextInt(4); i > 0; i--) {
                    StringBuilder name = new StringBuilder();
                    for (int c = rnd.nextInt(4); c > 0; c--) {
                        name.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
                    }
                    entrants.add(new Entrant(groups.get(rnd.nextInt(groups.size())), name.toString(),
                            scores[rnd.nextInt(scores.length)]));
                }
                Mail mail = new Mail((Long) boxes.get(rnd.nextInt(boxes.size())), t, "m");
                for (Database db : List.of(memory, redis)) {
                    db.run(0, tx -> {
                        entrants.forEach(entrant -> tx.append(EntrantTable.LIST, entrant));
                        tx.append(MailTable.LIST, mail);
                    });
                }
            }
            int ranges = sameRanges(memory, redis, EntrantTable.LIST, groups)
                    + sameRanges(memory, redis, MailTable.LIST, boxes);
            assertTrue(ranges > 1000, ranges + " ranges compared");
        }
    }

    /** Compares every range between two of the values, each way and with a limit, on two databases. */
    private static <R extends Record, V extends RowView<R>> int sameRanges(Database expected, Database actual,
            ListRef<R, V> list, List<?> values) {
        List<KeyRange> ranges = new ArrayList<>(List.of(KeyRange.all()));
        for (Object low : values) {
            ranges.addAll(List.of(KeyRange.atLeast(low), KeyRange.greaterThan(low), KeyRange.atMost(low),
                    KeyRange.lessThan(low), KeyRange.equalTo(low)));
            for (Object high : values) {
                ranges.addAll(List.of(KeyRange.closed(low, high), KeyRange.open(low, high),
                        KeyRange.closedOpen(low, high), KeyRange.openClosed(low, high)));
            }
        }
        int compared = 0;
        for (KeyRange range : ranges) {
            for (boolean descending : new boolean[] {false, true}) {
                for (int limit : new int[] {Integer.MAX_VALUE, 3}) {
                    List<String> want = rows(expected, list, range, limit, descending);
                    assertEquals(want, rows(actual, list, range, limit, descending),
                            list.table().name() + " " + range + (descending ? " descending" : "") + " limit " + limit);
                    compared++;
                }
            }
        }
        return compared;
    }

    private static <R extends Record, V extends RowView<R>> List<String> rows(Database db, ListRef<R, V> list,
            KeyRange range, int limit, boolean descending) {
        int size = list.table().layout().size();
        return db.transact(0, tx -> tx.range(list.index(), range, limit, descending).stream()
                .map(row -> HexFormat.of().formatHex(row.segment().asSlice(row.offset(), size).toArray(Layouts.I8)))
                .toList());
    }

    @Test
    void rowsTravelAsTheirLayoutBytes() {
        RedisServer server = RedisServer.shared();
        RedisConfig config = server.database("bytes");
        try (Database db = Redis.open(config, List.of(AccountTable.TABLE))) {
            long id = db.transact(0, tx -> tx.id(tx.insert(AccountTable.TABLE, new Account(42, -7))));
            byte[] row = new byte[AccountTable.TABLE.layout().size()];
            long version = db.backend().read(0, id, MemorySegment.ofArray(row), 0);
            assertTrue(version > 0);
            RedisClient client = RedisClient.create("redis://127.0.0.1:" + server.port());
            try (var raw = client.connect(io.lettuce.core.codec.ByteArrayCodec.INSTANCE)) {
                byte[] key = KeySpace.concat(("{" + config.name() + "}:t:test.Account:row:").getBytes(StandardCharsets.UTF_8),
                        KeySpace.id(id));
                assertArrayEquals(row, raw.sync().hget(key, new byte[] {'d'}));
                assertEquals(Long.toString(version), new String(raw.sync().hget(key, new byte[] {'v'}),
                        StandardCharsets.US_ASCII));
            } finally {
                client.shutdown();
            }
        }
    }
}
