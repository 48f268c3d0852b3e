package io.hetu.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.schema.TableDescriptor;
import io.hetu.server.TestClient.Message;
import io.hetu.server.app.App;
import io.hetu.storage.Database;
import io.hetu.storage.embedded.Embedded;
import io.hetu.wire.Protocol;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutated frames over the wire: valid requests built from the test app's manifest (a CALL of every
 * system, SELECTs and QUERYs of every component and index, UNSUBSCRIBE, PING), then bit-flipped,
 * cut short, extended, retyped or given extreme length and id fields. A well-behaved client
 * calls alongside and must keep getting results; the server must log no stack trace of its own
 * (an app system's failure is the app's, logged once per kind).
 *
 * <p>{@code -Dhetu.fuzz.frames=N} runs longer; {@code -Dhetu.fuzz.seed=S} repeats a run.
 */
class WireFuzzTest {

    private static final Limits LIMITS = new Limits(64 * 1024, 1024 * 1024, 64, 10_000, 1_000_000,
            Duration.ofSeconds(5), Duration.ofSeconds(30));

    @Test
    void mutatedFramesAreAnsweredAndHarmNobodyElse() throws Exception {
        int frames = Integer.getInteger("hetu.fuzz.frames", 3_000);
        long seed = Long.getLong("hetu.fuzz.seed", System.nanoTime());
        String run = "seed " + seed + " (repeat with -Dhetu.fuzz.seed=" + seed + ")";
        Random random = new Random(seed);
        App app = App.load(getClass().getClassLoader(), null);
        List<byte[]> valid = templates(app, random);
        int mark = TestSystems.id(app, "mark");
        try (LogCapture log = new LogCapture(); Database database = Embedded.inMemory(app.tables());
                HetuServer server = HetuServer.start(app, database, ServerConfig.defaults().withHost("127.0.0.1")
                        .withPort(0).withLimits(LIMITS));
                TestClient good = TestClient.greeted(server.port(), app.schemaHash())) {
            TestClient fuzzer = TestClient.greeted(server.port(), app.schemaHash());
            int connections = 1;
            try {
                for (int i = 0; i < frames; i++) {
                    if (fuzzer.closeCode.isDone() || fuzzer.lastErrorCode() != null) {
                        fuzzer.close();
                        fuzzer = TestClient.greeted(server.port(), app.schemaHash());
                        connections++;
                    }
                    fuzzer.sendQuietly(mutate(valid.get(random.nextInt(valid.size())), random));
                    if (i % 25 == 0) {
                        good.send(new Message(Protocol.CALL).i32(i).u16(mark).i64(7).i32(i));
                        ByteBuffer reply = good.next();
                        assertEquals(Protocol.RESULT, reply.get(0), "the well-behaved client's call, frame " + i
                                + ", " + run);
                    }
                }
            } finally {
                fuzzer.close();
            }
            String violation = serverTrace(log.text());
            assertTrue(violation == null, "the server logged a stack trace for fuzz input (" + run + "):\n"
                    + violation);
            assertTrue(connections >= 1, run);
        }
    }

    /** The first stack trace the server logged for its own failure, not an app system's or hook's. */
    private static String serverTrace(String log) {
        String header = "";
        for (String line : log.lines().toList()) {
            if (line.startsWith("[")) {
                header = line;
            } else if (line.startsWith("\tat ") && !(header.contains("FailureLog - system ")
                    || header.contains(" hook "))) {
                return header + "\n" + line;
            }
        }
        return null;
    }


    /** One valid-looking request per system, per component and per index, from the manifest. */
    private static List<byte[]> templates(App app, Random random) {
        List<byte[]> templates = new ArrayList<>();
        for (int id = 0; id < app.systems().size(); id++) {
            if (!app.systems().get(id).def().name().equals("crash")) {
                byte[] arguments = new byte[random.nextInt(24)];
                random.nextBytes(arguments);
                templates.add(new Message(Protocol.CALL).i32(id).u16(id).raw(arguments).bytes());
            }
        }
        for (int table = 0; table < app.tables().size(); table++) {
            TableDescriptor<?, ?> descriptor = app.tables().get(table);
            templates.add(new Message(Protocol.SELECT).i32(table).u16(table).u8(0).i64(random.nextInt(100)).bytes());
            for (int index = 0; index < descriptor.indexes().size(); index++) {
                templates.add(new Message(Protocol.SELECT).i32(table).u16(table).u8(1).u8(index).i64(1).bytes());
                templates.add(new Message(Protocol.QUERY).i32(table).u16(table).u8(index)
                        .u8(Protocol.QUERY_HAS_LOW | Protocol.QUERY_LOW_INCLUSIVE | Protocol.QUERY_HAS_HIGH)
                        .i32(10).i64(0).i64(1_000).bytes());
            }
        }
        templates.add(new Message(Protocol.UNSUBSCRIBE).i32(1).i32(1).bytes());
        templates.add(new Message(Protocol.PING).i64(1).bytes());
        return templates;
    }

    private static byte[] mutate(byte[] valid, Random random) {
        byte[] frame = valid.clone();
        switch (random.nextInt(6)) {
            case 0 -> {
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    frame[random.nextInt(frame.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> frame = java.util.Arrays.copyOf(frame, random.nextInt(frame.length));
            case 2 -> {
                byte[] longer = java.util.Arrays.copyOf(frame, frame.length + 1 + random.nextInt(64));
                for (int i = frame.length; i < longer.length; i++) {
                    longer[i] = (byte) random.nextInt();
                }
                frame = longer;
            }
            case 3 -> frame[0] = (byte) random.nextInt();
            case 4 -> {
                // An extreme u16 or u32 field (an id, a count, a length) somewhere after the type.
                int at = 1 + random.nextInt(Math.max(1, frame.length - 1));
                int width = random.nextBoolean() ? 2 : 4;
                for (int i = at; i < Math.min(frame.length, at + width); i++) {
                    frame[i] = random.nextBoolean() ? (byte) 0xFF : (byte) 0x7F;
                }
            }
            default -> {
                // valid as it is
            }
        }
        return frame;
    }
}
