package io.hetu.samples.firstgame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The real thing: {@code java -jar hetu.jar start --app first-game.jar} in its own process, two
 * players over WebSockets, each logged in with a signed token; one moves, the other sees it; then
 * SIGTERM stops it cleanly and the move survives a restart.
 */
class FirstGameServerIT {

    private static final Pattern SERVING = Pattern.compile("HeTu is serving on ws://[^:/]+:(\\d+)/hetu");

    @Test
    void twoPlayersSeeEachOtherMoveAndTheMoveSurvivesARestart() throws Exception {
        Path data = Files.createTempDirectory("first-game-data");
        JsonNode manifest;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("META-INF/hetu/schema.json")) {
            manifest = new ObjectMapper().readTree(in);
        }
        String hash = manifest.get("schemaHash").asText();
        int login = systemId(manifest, "login");
        int moveTo = systemId(manifest, "moveTo");

        Process server = start(data);
        try {
            int port = awaitPort(server);
            try (Player alice = new Player(port, hash); Player bob = new Player(port, hash)) {
                alice.call(1, login, token(1));
                bob.call(1, login, token(2));
                bob.call(2, moveTo, buffer(8).putFloat(3f).putFloat(4f));

                // Alice subscribes to every player's position (owner 1..999), then Bob moves.
                ByteBuffer query = buffer(4 + 2 + 1 + 1 + 4 + 8 + 8).putInt(3).putShort((short) 0).put((byte) 0)
                        .put((byte) 0b11110).putInt(100).putLong(1).putLong(999);
                alice.send((byte) 0x04, query);
                ByteBuffer subscribed = alice.next((byte) 0x84);
                assertEquals(1, subscribed.getInt(17), "Bob's dot is there");

                bob.call(4, moveTo, buffer(8).putFloat(5f).putFloat(6f));
                ByteBuffer update = alice.next((byte) 0x90);
                int rowAt = 1 + 8 + 2 + 4 + 1 + 8;
                assertEquals(5f, update.getFloat(rowAt), "Alice sees Bob's new x");
                assertEquals(6f, update.getFloat(rowAt + 4));
                assertEquals(2L, update.getLong(rowAt + 8), "the row is Bob's");
            }
        } finally {
            stop(server);
        }

        Process restarted = start(data);
        try {
            int port = awaitPort(restarted);
            try (Player carol = new Player(port, hash)) {
                carol.call(1, login, token(3));
                ByteBuffer select = buffer(4 + 2 + 1 + 1 + 8).putInt(1).putShort((short) 0).put((byte) 1)
                        .put((byte) 0).putLong(2);
                carol.send((byte) 0x03, select);
                ByteBuffer subscribed = carol.next((byte) 0x84);
                assertEquals(1, subscribed.getInt(17));
                assertEquals(5f, subscribed.getFloat(21 + 8), "Bob's last move survived the restart");
            }
        } finally {
            stop(restarted);
        }
    }

    private static int systemId(JsonNode manifest, String name) {
        JsonNode systems = manifest.get("systems");
        for (int i = 0; i < systems.size(); i++) {
            if (systems.get(i).get("name").asText().equals(name)) {
                return i;
            }
        }
        throw new AssertionError("no system " + name);
    }

    private static Process start(Path data) throws Exception {
        log = Files.createTempFile("first-game-server", ".log");
        return GameServer.startProcess(List.of("--app", GameServer.property("hetu.app.jar"), "--db", "embedded:" + data,
                "--host", "127.0.0.1", "--port", "0"), log);
    }

    /** The login's argument: the token, a string (u32 length, then UTF-8). */
    private static ByteBuffer token(long user) {
        byte[] token = GameServer.token(user).getBytes(StandardCharsets.UTF_8);
        return buffer(4 + token.length).putInt(token.length).put(token);
    }

    /** The server's output goes to a file, read here until the banner names the port. */
    private static Path log;

    private static int awaitPort(Process server) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Matcher serving = SERVING.matcher(Files.readString(log));
            if (serving.find()) {
                return Integer.parseInt(serving.group(1));
            }
            if (!server.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the server did not start:\n" + Files.readString(log));
    }

    private static void stop(Process server) throws Exception {
        server.destroy();
        assertTrue(server.waitFor(20, TimeUnit.SECONDS), "the server stops on SIGTERM");
        String output = Files.readString(log);
        assertTrue(output.contains("Stopping") && output.contains("stopped"), "a graceful stop:\n" + output);
    }

    private static ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A minimal client of docs/PROTOCOL.md over the JDK's WebSocket. */
    private static final class Player implements WebSocket.Listener, AutoCloseable {
        private final BlockingQueue<ByteBuffer> frames = new LinkedBlockingQueue<>();
        private final WebSocket socket;
        private ByteBuffer partial = ByteBuffer.allocate(0);

        Player(int port, String hash) throws Exception {
            socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/hetu"), this).get(10, TimeUnit.SECONDS);
            byte[] hashBytes = hash.getBytes(StandardCharsets.UTF_8);
            send((byte) 0x01, buffer(2 + 2 + hashBytes.length).putShort((short) 1).putShort((short) hashBytes.length)
                    .put(hashBytes));
            next((byte) 0x81);
        }

        void call(int request, int system, ByteBuffer arguments) throws Exception {
            ByteBuffer body = buffer(4 + 2 + arguments.position()).putInt(request).putShort((short) system)
                    .put(arguments.flip());
            send((byte) 0x02, body);
            ByteBuffer reply = next((byte) 0x82);
            assertEquals(request, reply.getInt(1));
        }

        void send(byte type, ByteBuffer body) {
            body.flip();
            ByteBuffer message = buffer(1 + body.remaining()).put(type).put(body).flip();
            socket.sendBinary(message, true).join();
        }

        ByteBuffer next(byte type) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                ByteBuffer frame = frames.poll(100, TimeUnit.MILLISECONDS);
                if (frame != null && frame.get(0) == type) {
                    return frame;
                }
                if (frame != null && frame.get(0) == (byte) 0x83) {
                    throw new AssertionError("rejected: " + StandardCharsets.UTF_8.decode(frame.position(7)));
                }
            }
            throw new AssertionError("no frame 0x" + Integer.toHexString(type & 0xFF));
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            ByteBuffer joined = ByteBuffer.allocate(partial.remaining() + data.remaining()).put(partial).put(data).flip();
            if (last) {
                frames.add(joined.order(ByteOrder.LITTLE_ENDIAN));
                partial = ByteBuffer.allocate(0);
            } else {
                partial = joined;
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        }
    }
}
