package io.hetu.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.server.TestClient.Message;
import io.hetu.wire.Protocol;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cap of connections that have not logged in, over real sockets. */
class AnonymousLimitTest {

    private static final int MAX = 3;
    private static final String SECRET = "the operators' secret of this test";

    private ServedApp served;
    private final List<TestClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        served = ServedApp.start(config -> config.withLimits(config.limits().withMaxAnonymousConnections(MAX)),
                AdminConfig.defaults().withSecret(SECRET));
    }

    @AfterEach
    void stop() {
        clients.forEach(TestClient::close);
        served.close();
    }

    /** Whether a WebSocket whose upgrade carries the admin secret is welcomed now. */
    private boolean operatorGetsIn() throws Exception {
        java.util.concurrent.CompletableFuture<Byte> first = new java.util.concurrent.CompletableFuture<>();
        java.net.http.WebSocket socket = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + SECRET)
                .buildAsync(java.net.URI.create("ws://127.0.0.1:" + served.server.port() + "/hetu"),
                        new java.net.http.WebSocket.Listener() {
                            @Override
                            public java.util.concurrent.CompletionStage<?> onBinary(java.net.http.WebSocket ws,
                                    ByteBuffer data, boolean last) {
                                first.complete(data.get(0));
                                return null;
                            }
                        }).join();
        try {
            socket.sendBinary(ByteBuffer.wrap(new Message(Protocol.HELLO).u16(Protocol.VERSION)
                    .str(served.app.schemaHash()).bytes()), true).join();
            return first.get(10, java.util.concurrent.TimeUnit.SECONDS) == Protocol.WELCOME;
        } finally {
            socket.abort();
        }
    }

    private TestClient greeted() throws Exception {
        TestClient client = served.client();
        clients.add(client);
        return client;
    }

    /** A client whose HELLO is refused: the ERROR's message. */
    private String refused() throws Exception {
        TestClient client = TestClient.connect(served.server.port());
        clients.add(client);
        client.hello(Protocol.VERSION, served.app.schemaHash());
        ByteBuffer error = client.next(Protocol.ERROR).position(1);
        assertEquals("TOO_MANY_ANONYMOUS", TestClient.readStr(error));
        String message = TestClient.readStr(error);
        assertEquals(Protocol.CLOSE_LIMIT, client.awaitClose());
        return message;
    }

    @Test
    void theConnectionOverTheCapIsClosedAndALoginOrALeaveFreesAPlace() throws Exception {
        List<TestClient> anonymous = new ArrayList<>();
        for (int i = 0; i < MAX; i++) {
            anonymous.add(greeted());
        }
        String message = refused();
        assertTrue(message.contains("limits.maxAnonymousConnections") && message.contains(Integer.toString(MAX)),
                message);

        // A login frees the place it held: logged-in connections are not capped by this limit.
        anonymous.getFirst().send(new Message(Protocol.CALL).i32(1).u16(served.system("login")).i64(5).u8(1));
        anonymous.getFirst().next(Protocol.RESULT);
        TestClient fourth = greeted();
        refused();

        // So does a connection that leaves.
        clients.remove(anonymous.get(1));
        anonymous.get(1).close();
        long deadline = System.nanoTime() + 10_000_000_000L;
        TestClient fifth = null;
        while (fifth == null) {
            TestClient client = TestClient.connect(served.server.port());
            clients.add(client);
            client.hello(Protocol.VERSION, served.app.schemaHash());
            ByteBuffer reply = client.next();
            if (reply.get(0) == Protocol.WELCOME) {
                fifth = client;
            } else if (System.nanoTime() > deadline) {
                throw new AssertionError("the closed connection's place was not freed");
            }
        }
        assertTrue(operatorGetsIn(), "with the cap full an operator (the admin secret) still gets in");
        fifth.send(new Message(Protocol.CALL).i32(1).u16(served.system("whoAmI")));
        assertEquals(Protocol.REJECTED, fifth.next().get(0), "it got in, not logged in");
        assertTrue(fourth.isOpen() && anonymous.get(2).isOpen() && anonymous.getFirst().isOpen(),
                "the connections inside were not touched");
    }
}
