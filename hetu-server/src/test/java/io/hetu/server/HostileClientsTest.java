package io.hetu.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.server.TestClient.Message;
import io.hetu.server.app.App;
import io.hetu.storage.Database;
import io.hetu.storage.embedded.Embedded;
import io.hetu.wire.Protocol;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtension;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Clients that break the rules on purpose, over real sockets: upgrades RFC 6455 refuses, clients
 * that never read, request floods, malformed framing, failing systems, and a server that stops
 * while they are connected. Each must be answered per docs/PROTOCOL.md without a stack trace in
 * the log, and without costing the server memory or its other clients.
 */
class HostileClientsTest {

    private static final Limits LIMITS = new Limits(4096, 64 * 1024, 8, 1_000, 200, Duration.ofSeconds(5),
            Duration.ofSeconds(30));

    private App app;
    private Database database;
    private HetuServer server;

    @BeforeEach
    void start() throws Exception {
        app = App.load(getClass().getClassLoader(), null);
        database = Embedded.inMemory(app.tables());
        server = serve(ServerConfig.defaults().withLimits(LIMITS));
    }

    @AfterEach
    void stop() {
        server.close();
        database.close();
    }

    private HetuServer serve(ServerConfig config) throws Exception {
        return HetuServer.start(app, database, config.withHost("127.0.0.1").withPort(0));
    }

    private int system(String name) {
        return TestSystems.id(app, name);
    }

    private int markers() {
        return app.tables().indexOf(io.hetu.server.fixtures.MarkerTable.TABLE);
    }

    private static String status(String head) {
        return head.isEmpty() ? "(no answer)" : head.substring(0, head.indexOf('\r'));
    }

    private String answer(int port, String request) throws IOException {
        try (RawSocket socket = new RawSocket(port, 0)) {
            return socket.request(request);
        }
    }

    @Test
    void theUpgradeRefusesWhatRfc6455Refuses() throws Exception {
        int port = server.port();
        String version8 = answer(port, RawSocket.upgrade("/hetu", "").replace("Version: 13", "Version: 8"));
        assertTrue(version8.startsWith("http/1.1 426"), status(version8));
        assertTrue(version8.contains("sec-websocket-version: 13"), version8);
        String http10 = answer(port, RawSocket.upgrade("/hetu", "").replace("HTTP/1.1", "HTTP/1.0"));
        assertTrue(http10.startsWith("http/1.1 400"), status(http10));
        String shortKey = answer(port, RawSocket.upgrade("/hetu", "").replace(RawSocket.KEY, "abc"));
        assertTrue(shortKey.startsWith("http/1.1 400"), status(shortKey));
        String manyHeaders = answer(port, RawSocket.upgrade("/hetu", "X-Filler: 1\r\n".repeat(HttpRoutes.MAX_HEADERS)));
        assertTrue(manyHeaders.startsWith("http/1.1 431"), status(manyHeaders));
        String hugeHeader = answer(port, RawSocket.upgrade("/hetu", "X-Filler: " + "x".repeat(10_000) + "\r\n"));
        assertTrue(hugeHeader.startsWith("http/1.1 431"), status(hugeHeader));
        String withQuery = answer(port, RawSocket.upgrade("/hetu?x=1", ""));
        assertTrue(withQuery.startsWith("http/1.1 101"), "a query string is ignored: " + status(withQuery));
    }

    @Test
    void onlyAllowedOriginsMayUpgrade() throws Exception {
        try (HetuServer guarded = serve(ServerConfig.defaults().withLimits(LIMITS)
                .withOrigins(List.of("https://game.example")))) {
            String other = answer(guarded.port(), RawSocket.upgrade("/hetu", "Origin: https://evil.example\r\n"));
            assertTrue(other.startsWith("http/1.1 403"), status(other));
            String none = answer(guarded.port(), RawSocket.upgrade("/hetu", ""));
            assertTrue(none.startsWith("http/1.1 403"), "no Origin at all: " + status(none));
            String allowed = answer(guarded.port(), RawSocket.upgrade("/hetu", "Origin: https://game.example\r\n"));
            assertTrue(allowed.startsWith("http/1.1 101"), status(allowed));
        }
        String any = answer(server.port(), RawSocket.upgrade("/hetu", "Origin: https://evil.example\r\n"));
        assertTrue(any.startsWith("http/1.1 101"), "without a list every origin may connect: " + status(any));
    }

    @Test
    void reservedBitsWithoutAnExtensionAreAProtocolError() throws Exception {
        try (RawSocket socket = new RawSocket(server.port(), 0); LogCapture log = new LogCapture()) {
            assertTrue(socket.request(RawSocket.upgrade("/hetu", "")).startsWith("http/1.1 101"));
            byte[] hello = new Message(Protocol.HELLO).u16(1).str(app.schemaHash()).bytes();
            socket.write(RawSocket.frame(2, 2, hello));
            RawSocket.Frame error = socket.read();
            assertNotNull(error, "an ERROR before the close");
            assertEquals(Protocol.ERROR, error.payload().get());
            assertEquals("PROTOCOL", TestClient.readStr(error.payload()));
            RawSocket.Frame close = socket.read();
            assertEquals(8, close.opcode());
            assertEquals(Protocol.CLOSE_PROTOCOL, Short.toUnsignedInt(close.payload().order(java.nio.ByteOrder.BIG_ENDIAN)
                    .getShort()));
            assertEquals(0, log.stackTraceLines(), log.text());
        }
    }

    @Test
    void brokenFragmentsAndCorruptCompressionAreProtocolErrorsWithoutTraces() throws Exception {
        try (LogCapture log = new LogCapture()) {
            try (TestClient client = TestClient.greeted(server.port(), app.schemaHash())) {
                client.sendFrame(new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] {Protocol.PING})));
                client.sendFrame(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {Protocol.PING})));
                assertEquals("PROTOCOL", client.errorCode(), "a new message in the middle of a fragmented one");
                assertEquals(Protocol.CLOSE_PROTOCOL, client.awaitClose());
            }
            try (TestClient client = TestClient.greeted(server.port(), app.schemaHash())) {
                client.sendFrame(new ContinuationWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1})));
                assertEquals("PROTOCOL", client.errorCode(), "a continuation without a start");
            }
            try (TestClient client = TestClient.greeted(server.port(), app.schemaHash())) {
                client.sendFrame(new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] {Protocol.PING})));
                client.sendFrame(new io.netty.handler.codec.http.websocketx.CloseWebSocketFrame(1000, "bye"));
                assertEquals(1000, client.awaitClose(), "a close in the middle of a fragmented message");
            }
            try (TestClient client = TestClient.connectDeflate(server.port())) {
                client.hello(1, app.schemaHash());
                client.next(Protocol.WELCOME);
                byte[] garbage = {(byte) 0xFF, 0x13, 0x37, 0x00, 0x42, 0x42, 0x42};
                client.sendFrame(new BinaryWebSocketFrame(true, WebSocketExtension.RSV1, Unpooled.wrappedBuffer(garbage)));
                assertEquals("PROTOCOL", client.errorCode(), "corrupt compressed data");
            }
            assertEquals(0, log.stackTraceLines(), log.text());
        }
    }

    @Test
    void aFailingSystemIsLoggedOncePerKindAndABadLoginIsATypedRejection() throws Exception {
        try (LogCapture log = new LogCapture(); TestClient client = TestClient.greeted(server.port(), app.schemaHash())) {
            Set<String> traces = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                client.send(new Message(Protocol.CALL).i32(i).u16(system("crash")));
                ByteBuffer rejected = client.next(Protocol.REJECTED);
                rejected.position(5);
                assertEquals("INTERNAL", TestClient.readStr(rejected));
                String message = TestClient.readStr(rejected);
                traces.add(message.substring(message.lastIndexOf(' ') + 1));
            }
            assertEquals(1, traces.size(), "one kind of failure, one trace id: " + traces);
            String text = log.text();
            assertTrue(text.contains(traces.iterator().next()), "the trace id is in the log");
            assertEquals(1, text.lines().filter(l -> l.contains("later failures of this kind are counted")).count(), text);
            assertEquals(1, text.lines().filter(l -> l.startsWith("java.lang.IllegalStateException")).count(),
                    "one stack trace for 20 failures: " + text);
            long before = log.stackTraceLines();
            client.send(new Message(Protocol.CALL).i32(99).u16(system("login")).i64(0).u8(1));
            ByteBuffer rejected = client.next(Protocol.REJECTED);
            rejected.position(5);
            assertEquals("BAD_ARGUMENTS", TestClient.readStr(rejected));
            assertTrue(TestClient.readStr(rejected).contains("positive"));
            assertEquals(before, log.stackTraceLines(), "a client's bad login is not logged as a failure");
        }
    }

    @Test
    void undefinedQueryFlagsAreBadArguments() throws Exception {
        try (TestClient client = TestClient.greeted(server.port(), app.schemaHash())) {
            client.send(new Message(Protocol.QUERY).i32(7).u16(0).u8(0).u8(0x20).i32(10));
            ByteBuffer rejected = client.next(Protocol.REJECTED);
            assertEquals(7, rejected.getInt(1));
            rejected.position(5);
            assertEquals("BAD_ARGUMENTS", TestClient.readStr(rejected));
            assertTrue(TestClient.readStr(rejected).contains("undefined bits"));
        }
    }

    /**
     * A client that sends one kind of request as fast as it can and never reads the answers: the
     * server must close it once its outbound budget is full, keep its heap, and serve others.
     * The request budget is set out of the way, so the outbound budget is what stops it.
     */
    @Test
    void clientsThatNeverReadAreClosedForEveryRequestType() throws Exception {
        Limits generous = new Limits(4096, 64 * 1024, 8, 1_000, 100_000_000, Duration.ofSeconds(5),
                Duration.ofSeconds(30));
        List<IntFunction<byte[]>> floods = List.of(
                i -> new Message(Protocol.PING).i64(i).bytes(),
                i -> new Message(Protocol.UNSUBSCRIBE).i32(i).i32(1_000_000 + i).bytes(),
                i -> new Message(Protocol.SELECT).i32(i).u16(60_000).u8(0).i64(i).bytes(),
                i -> new Message(Protocol.QUERY).i32(i).u16(60_000).u8(0).u8(0).i32(1).bytes(),
                i -> new Message(Protocol.CALL).i32(i).u16(60_000).bytes(),
                i -> new Message(Protocol.CALL).i32(i).u16(system("peek")).i64(i).bytes());
        try (HetuServer own = serve(ServerConfig.defaults().withLimits(generous))) {
            long heapBefore = usedHeapAfterGc();
            for (IntFunction<byte[]> flood : floods) {
                try (RawSocket greedy = new RawSocket(own.port(), 4096);
                        TestClient bystander = TestClient.greeted(own.port(), app.schemaHash())) {
                    assertTrue(greedy.request(RawSocket.upgrade("/hetu", "")).startsWith("http/1.1 101"));
                    greedy.write(RawSocket.frame(0, 2, new Message(Protocol.HELLO).u16(1).str(app.schemaHash())
                            .bytes()));
                    assertTrue(floodUntilClosed(greedy, flood, Duration.ofSeconds(30)),
                            "the server closed the client that never read (" + flood.apply(0)[0] + ")");
                    bystander.send(new Message(Protocol.PING).i64(42));
                    assertEquals(42, bystander.next(Protocol.PONG).getLong(1), "the other client is still served");
                }
            }
            long grown = usedHeapAfterGc() - heapBefore;
            assertTrue(grown < 32L * 1024 * 1024, "the heap grew by " + grown + " bytes");
        }
    }

    /** Writes batches of frames until the server resets the connection, or {@code limit} passes. */
    private static boolean floodUntilClosed(RawSocket socket, IntFunction<byte[]> flood, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
        for (int i = 0; System.nanoTime() < deadline; ) {
            batch.reset();
            for (int n = 0; n < 1_000; n++, i++) {
                batch.writeBytes(RawSocket.frame(0, 2, flood.apply(i)));
            }
            try {
                socket.write(batch.toByteArray());
            } catch (IOException closedByTheServer) {
                return true;
            }
        }
        return false;
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /**
     * Subscribing and unsubscribing in a loop draws on the same request budget as calls, so it is
     * closed with RATE, and cannot have been sent more snapshots than the budget allows.
     */
    @Test
    void aSubscribeUnsubscribeLoopSpendsTheRequestBudget() throws Exception {
        try (TestClient client = TestClient.greeted(server.port(), app.schemaHash())) {
            long started = System.nanoTime();
            int snapshots = 0;
            String closedWith = null;
            for (int i = 0; i < 100_000 && closedWith == null; i++) {
                client.send(new Message(Protocol.QUERY).i32(i).u16(markers()).u8(0).u8(0).i32(-1));
                ByteBuffer frame = client.next();
                while (frame.get(0) == Protocol.DONE) {
                    frame = client.next();
                }
                if (frame.get(0) == Protocol.ERROR) {
                    frame.position(1);
                    closedWith = TestClient.readStr(frame);
                } else {
                    assertEquals(0x84, frame.get(0) & 0xFF, "SUBSCRIBED");
                    snapshots++;
                    client.send(new Message(Protocol.UNSUBSCRIBE).i32(i).i32(frame.getInt(5)));
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            assertEquals("RATE", closedWith);
            int cost = RequestBudget.SUBSCRIBE_TOKENS + 1;
            assertTrue(snapshots * cost <= LIMITS.requestsPerSecond() * (1 + seconds) + cost,
                    snapshots + " snapshots in " + seconds + " s");
        }
    }

    /** The path of the shutdown hook: every connection gets SHUTDOWN before its socket closes. */
    @Test
    void stoppingTheServerSendsShutdownToEveryConnection() throws Exception {
        for (int round = 0; round < 5; round++) {
            HetuServer stopping = serve(ServerConfig.defaults().withLimits(LIMITS));
            List<TestClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    clients.add(TestClient.greeted(stopping.port(), app.schemaHash()));
                }
                stopping.close();
                for (TestClient client : clients) {
                    assertEquals("SHUTDOWN", client.errorCode(), "round " + round);
                    assertEquals(Protocol.CLOSE_SHUTDOWN, client.awaitClose(), "round " + round);
                }
            } finally {
                clients.forEach(TestClient::close);
            }
        }
    }
}
