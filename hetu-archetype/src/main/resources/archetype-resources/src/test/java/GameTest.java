package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hetu.server.app.App;
import io.hetu.server.HetuServer;
import io.hetu.server.ServerConfig;
import io.hetu.storage.Database;
import io.hetu.storage.embedded.Embedded;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The game's systems, called the way a client calls them: the real server on an in-memory store and
 * a free port, and a WebSocket client that speaks the wire protocol (docs/PROTOCOL.md in HeTu).
 */
class GameTest {

    private App app;
    private Database database;
    private HetuServer server;
    private WebSocket socket;
    private final BlockingQueue<ByteBuffer> replies = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        app = App.load(getClass().getClassLoader(), null);
        database = Embedded.inMemory(app.tables());
        server = HetuServer.start(app, database, ServerConfig.defaults().withHost("127.0.0.1").withPort(0));
        socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/hetu"), new Frames())
                .get(10, TimeUnit.SECONDS);
        byte[] hash = app.schemaHash().getBytes(StandardCharsets.UTF_8);
        assertEquals(0x81, send(out -> out.put((byte) 0x01).putShort((short) 1).putShort((short) hash.length).put(hash))
                .get() & 0xFF, "WELCOME");
    }

    @AfterEach
    void stop() throws Exception {
        if (socket != null) {
            socket.abort();
        }
        server.close();
        database.close();
    }

    @Test
    void aPlayerMovesOnlyOnceLoggedIn() throws Exception {
        ByteBuffer refused = call(1, "moveTo", args -> args.putFloat(3f).putFloat(4f));
        assertEquals(0x83, refused.get() & 0xFF, "REJECTED");
        refused.getInt();
        assertEquals("PERMISSION", text(refused));

        assertEquals(0x82, call(2, "login", args -> args.putLong(42L)).get() & 0xFF, "RESULT");
        assertEquals(0x82, call(3, "moveTo", args -> args.putFloat(3f).putFloat(4f)).get() & 0xFF, "RESULT");

        // SELECT by the unique index on owner: the row the move created.
        int component = app.tables().indexOf(PositionTable.TABLE);
        ByteBuffer selected = send(out -> out.put((byte) 0x03).putInt(4).putShort((short) component)
                .put((byte) 1).put((byte) 0).putLong(42L));
        assertEquals(0x84, selected.get() & 0xFF, "SUBSCRIBED");
        selected.position(selected.position() + 4 + 4 + 8);
        assertEquals(1, selected.getInt(), "rows");
        selected.getLong();
        PositionRow row = new PositionRow().wrap(MemorySegment.ofBuffer(selected.slice()), 0);
        assertEquals(new Position(3f, 4f, 42L), row.toRecord());
    }

    /** CALL: type, request id, system id, then the arguments. */
    private ByteBuffer call(int request, String system, Consumer<ByteBuffer> args) throws Exception {
        int id = app.systems().stream().filter(e -> e.def().name().equals(system)).findFirst().orElseThrow().index();
        return send(out -> {
            out.put((byte) 0x02).putInt(request).putShort((short) id);
            args.accept(out);
        });
    }

    /** Sends one frame and answers the next one the server sends. */
    private ByteBuffer send(Consumer<ByteBuffer> body) throws Exception {
        ByteBuffer frame = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        body.accept(frame);
        socket.sendBinary(frame.flip(), true).get(10, TimeUnit.SECONDS);
        ByteBuffer reply = replies.poll(10, TimeUnit.SECONDS);
        if (reply == null) {
            throw new AssertionError("no reply from the server in 10 s");
        }
        return reply.order(ByteOrder.LITTLE_ENDIAN);
    }

    private static String text(ByteBuffer in) {
        byte[] bytes = new byte[in.getShort() & 0xFFFF];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Collects each binary message, which may arrive in parts. */
    private final class Frames implements WebSocket.Listener {
        private final ByteArrayOutputStream parts = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            parts.writeBytes(bytes);
            if (last) {
                replies.add(ByteBuffer.wrap(parts.toByteArray()));
                parts.reset();
            }
            webSocket.request(1);
            return null;
        }
    }
}
