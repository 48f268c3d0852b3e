package io.hetu.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.server.TestClient.Message;
import io.hetu.server.app.App;
import io.hetu.wire.Protocol;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real crashes against what clients saw: one client keeps raising a counter (CALLs that write),
 * another keeps reading it (CALLs that only read), both against a server in a child JVM under
 * {@code fsync always}; the child is killed with SIGKILL mid-stream and restarted on its data.
 * Every value a client was told, written or merely read, must still be there.
 */
class ConfirmedReadsCrashTest {

    private static final int ROUNDS = 5;
    private static final long OWNER = 7;

    @TempDir
    Path tmp;

    private ServingChildren children;

    @org.junit.jupiter.api.BeforeEach
    void children() {
        children = new ServingChildren(tmp.resolve("child.log"));
    }

    @Test
    void nothingAClientReadOrWasToldIsLostToKillNine() throws Exception {
        App app = App.load(getClass().getClassLoader(), null);
        int mark = TestSystems.id(app, "mark");
        int peek = TestSystems.id(app, "peek");
        Path dir = tmp.resolve("data");
        int next = 1;
        // Each round's restarted child checks the round before and serves the next one.
        Process child = children.start(dir);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                int port = children.port(child);
                AtomicBoolean running = new AtomicBoolean(true);
                AtomicInteger acked = new AtomicInteger();
                AtomicInteger read = new AtomicInteger();
                try (TestClient writer = TestClient.greeted(port, app.schemaHash());
                        TestClient reader = TestClient.greeted(port, app.schemaHash())) {
                    int first = next;
                    Thread writing = Thread.ofPlatform().start(() -> {
                        for (int value = first; running.get(); value++) {
                            writer.send(new Message(Protocol.CALL).i32(value).u16(mark).i64(OWNER).i32(value));
                            ByteBuffer reply = poll(writer);
                            if (reply == null || reply.get(0) != Protocol.RESULT) {
                                return;
                            }
                            acked.set(value);
                        }
                    });
                    Thread reading = Thread.ofPlatform().start(() -> {
                        for (int request = 0; running.get(); request++) {
                            reader.send(new Message(Protocol.CALL).i32(request).u16(peek).i64(OWNER));
                            ByteBuffer reply = poll(reader);
                            if (reply == null || reply.get(0) != Protocol.RESULT) {
                                return;
                            }
                            read.accumulateAndGet(reply.getInt(13), Math::max);
                        }
                    });
                    Thread.sleep(300 + round * 150L);
                    child.destroyForcibly().waitFor();
                    running.set(false);
                    writing.join();
                    reading.join();
                }
                int seen = Math.max(acked.get(), read.get());
                assertTrue(seen >= next, "round " + round + ": the clients were answered (" + acked + ", " + read + ")");
                child = children.start(dir);
                try (TestClient checker = TestClient.greeted(children.port(child), app.schemaHash())) {
                    int survived = valueAt(checker, peek);
                    assertTrue(survived >= seen, "round " + round + ": a client saw " + seen + " (written " + acked
                            + ", read " + read + ") but after kill -9 the store holds " + survived);
                    next = survived + 1;
                }
            }
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    private static ByteBuffer poll(TestClient client) {
        try {
            return client.poll(2_000);
        } catch (InterruptedException e) {
            return null;
        }
    }

    private static int valueAt(TestClient client, int peek) throws Exception {
        client.send(new Message(Protocol.CALL).i32(-1).u16(peek).i64(OWNER));
        ByteBuffer reply = client.next(Protocol.RESULT);
        return reply.getInt(13);
    }
}
