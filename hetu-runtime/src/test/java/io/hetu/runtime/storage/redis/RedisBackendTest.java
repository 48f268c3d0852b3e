package io.hetu.runtime.storage.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.runtime.storage.ChangeListener;
import io.hetu.runtime.storage.ChangeSet;
import io.hetu.runtime.storage.Database;
import io.hetu.runtime.storage.Key;
import io.hetu.runtime.storage.KeyCodec;
import io.hetu.runtime.storage.SchemaMismatchException;
import io.hetu.runtime.storage.StorageException;
import io.hetu.runtime.storage.fixtures.Account;
import io.hetu.runtime.storage.fixtures.AccountTable;
import io.hetu.runtime.storage.fixtures.NoteTable;
import io.hetu.schema.FieldLayout;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
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
        StorageException e = assertThrows(StorageException.class, () -> Database.redis(config, List.of(AccountTable.TABLE)));
        assertTrue(e.getMessage().contains("cannot reach Redis at redis://127.0.0.1:" + port), e.getMessage());
        assertNotNull(e.getCause());
    }

    @Test
    void aStoredSchemaThatDiffersRefusesTheStart() {
        RedisServer server = RedisServer.shared();
        RedisConfig config = server.database("schema");
        Database.redis(config, List.of(AccountTable.TABLE)).close();
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
                () -> Database.redis(config, List.of(AccountTable.TABLE)));
        assertTrue(e.getMessage().contains("test.Account") && e.getMessage().contains("gems:i32")
                && e.getMessage().contains("does not migrate"), e.getMessage());
    }

    @Test
    void attachmentsReachOnlyTheInstanceThatCommitted() throws Exception {
        RedisConfig config = RedisServer.shared().database("attach");
        try (Database a = Database.redis(config, List.of(AccountTable.TABLE));
                Database b = Database.redis(config, List.of(AccountTable.TABLE))) {
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
        try (Database fast = Database.redis(config, List.of(AccountTable.TABLE));
                Database slow = Database.redis(config, List.of(AccountTable.TABLE))) {
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
    void rowsTravelAsTheirLayoutBytes() {
        RedisServer server = RedisServer.shared();
        RedisConfig config = server.database("bytes");
        try (Database db = Database.redis(config, List.of(AccountTable.TABLE))) {
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
