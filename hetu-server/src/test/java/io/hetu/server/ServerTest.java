package io.hetu.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.schema.TableDescriptor;
import io.hetu.server.TestClient.Message;
import io.hetu.server.app.App;
import io.hetu.server.fixtures.Marker;
import io.hetu.server.fixtures.MarkerTable;
import io.hetu.storage.Database;
import io.hetu.storage.embedded.Embedded;
import io.hetu.wire.Protocol;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server over real sockets: handshake, HTTP, subscriptions and every connection limit. */
class ServerTest {

    private static final Limits LIMITS = new Limits(4096, 64 * 1024, 8, 1_000, 50, Duration.ofSeconds(1),
            Duration.ofSeconds(2));

    private App app;
    private Database database;
    private HetuServer server;
    private int markers;

    @BeforeEach
    void start() throws Exception {
        app = App.load(getClass().getClassLoader(), null);
        database = Embedded.inMemory(app.tables());
        server = HetuServer.start(app, database, ServerConfig.defaults().withHost("127.0.0.1").withPort(0)
                .withLimits(LIMITS));
        markers = componentId(MarkerTable.TABLE);
    }

    @AfterEach
    void stop() {
        server.close();
        database.close();
    }

    private int componentId(TableDescriptor<?, ?> table) {
        for (int i = 0; i < app.tables().size(); i++) {
            if (app.tables().get(i) == table) {
                return i;
            }
        }
        throw new AssertionError(table.name() + " is not in the test manifest");
    }

    @Test
    void helloIsWelcomed() throws Exception {
        try (TestClient client = TestClient.connect(server.port())) {
            database.run(0, tx -> tx.insert(MarkerTable.TABLE, new Marker(1, 1)));
            long before = database.backend().lastSeq();
            client.hello(1, app.schemaHash());
            ByteBuffer welcome = client.next();
            assertEquals(Protocol.WELCOME, welcome.get());
            assertEquals(1, welcome.getShort());
            assertTrue(welcome.getLong() > 0, "a connection id");
            long latest = welcome.getLong();
            // Connect hooks may commit right after the WELCOME.
            assertTrue(latest >= before && latest <= database.backend().lastSeq(), "the latest seq, " + latest);
        }
    }

    @Test
    void aClientBuiltForAnotherSchemaIsRefused() throws Exception {
        try (TestClient client = TestClient.connect(server.port())) {
            client.hello(1, "0000000000000000");
            ByteBuffer error = client.next(Protocol.ERROR);
            error.position(1);
            assertEquals("SCHEMA", TestClient.readStr(error));
            String message = TestClient.readStr(error);
            assertTrue(message.contains(app.schemaHash()) && message.contains("mvn hetu:generate"), message);
            assertEquals(Protocol.CLOSE_HANDSHAKE, client.awaitClose());
        }
    }

    @Test
    void anotherProtocolVersionIsRefused() throws Exception {
        for (int version : new int[] {0, Protocol.VERSION + 1, 0xFFFF}) {
            try (TestClient client = TestClient.connect(server.port())) {
                client.hello(version, app.schemaHash());
                assertEquals("VERSION", client.errorCode());
                assertEquals(Protocol.CLOSE_HANDSHAKE, client.awaitClose());
            }
        }
    }

    @Test
    void bothVersionsAreWelcomedInTheirOwnVersion() throws Exception {
        for (int version = HandshakeHandler.OLDEST_VERSION; version <= Protocol.VERSION; version++) {
            try (TestClient client = TestClient.connect(server.port())) {
                client.hello(version, app.schemaHash());
                ByteBuffer welcome = client.next(Protocol.WELCOME);
                assertEquals(version, welcome.getShort(1));
            }
        }
    }

    @Test
    void anythingBeforeHelloAndTextFramesAreProtocolErrors() throws Exception {
        try (TestClient client = TestClient.connect(server.port())) {
            client.send(new Message(Protocol.PING).i64(1));
            assertEquals("PROTOCOL", client.errorCode());
            assertEquals(Protocol.CLOSE_PROTOCOL, client.awaitClose());
        }
        try (TestClient client = TestClient.greeted(server.port(), app.schemaHash())) {
            client.sendFrame(new TextWebSocketFrame("hello"));
            assertEquals("PROTOCOL", client.errorCode());
        }
        try (TestClient client = TestClient.greeted(server.port(), app.schemaHash())) {
            client.send(new byte[] {Protocol.CALL, 1, 0});
            assertEquals("PROTOCOL", client.errorCode(), "a truncated CALL");
        }
        try (TestClient client = TestClient.greeted(server.port(), app.schemaHash())) {
            client.send(new byte[] {0x7F});
            assertEquals("PROTOCOL", client.errorCode(), "an unknown message type");
        }
    }

    @Test
    void theManifestIsServedOverHttp() throws Exception {
        HttpResponse<byte[]> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/hetu/schema.json")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertArrayEquals(app.manifest(), response.body());
        HttpResponse<String> missing = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/nothing")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, missing.statusCode());
    }

    @Test
    void subscriptionsGetTheirSnapshotAndThenEveryChange() throws Exception {
        long id = database.transact(0, tx -> tx.id(tx.insert(MarkerTable.TABLE, new Marker(7, 70))));
        try (TestClient client = TestClient.greeted(server.port(), app.schemaHash())) {
            client.send(new Message(Protocol.SELECT).i32(11).u16(markers).u8(1).u8(0).i64(7));
            ByteBuffer subscribed = client.next((byte) 0x84);
            subscribed.position(1);
            assertEquals(11, subscribed.getInt());
            int subscription = subscribed.getInt();
            long seq = subscribed.getLong();
            assertEquals(1, subscribed.getInt());
            assertEquals(id, subscribed.getLong());
            assertEquals(7, subscribed.getLong(subscribed.position() + (int) MarkerRowOffsets.OWNER));
            assertEquals(70, subscribed.getInt(subscribed.position() + (int) MarkerRowOffsets.VALUE));

            database.run(0, tx -> tx.upsert(MarkerTable.OWNER, 7L).value(71));
            ByteBuffer update = client.next((byte) 0x90);
            update.position(1);
            assertTrue(update.getLong() > seq);
            assertEquals(1, update.getShort());
            assertEquals(subscription, update.getInt());
            assertEquals(2, update.get(), "an update");
            assertEquals(id, update.getLong());
            assertEquals(71, update.getInt(update.position() + (int) MarkerRowOffsets.VALUE));

            client.send(new Message(Protocol.UNSUBSCRIBE).i32(12).i32(subscription));
            ByteBuffer done = client.next(Protocol.DONE);
            assertEquals(12, done.getInt(1));
        }
    }

    @Test
    void queriesOverAnIndexRange() throws Exception {
        database.run(0, tx -> {
            for (int i = 1; i <= 20; i++) {
                tx.insert(MarkerTable.TABLE, new Marker(100 + i, i));
            }
        });
        try (TestClient client = TestClient.greeted(server.port(), app.schemaHash())) {
            int flags = Protocol.QUERY_HAS_LOW | Protocol.QUERY_LOW_INCLUSIVE | Protocol.QUERY_HAS_HIGH
                    | Protocol.QUERY_DESCENDING;
            client.send(new Message(Protocol.QUERY).i32(5).u16(markers).u8(1).u8(flags).i32(3).i32(5).i32(15));
            ByteBuffer subscribed = client.next((byte) 0x84);
            subscribed.position(1 + 4 + 4 + 8);
            assertEquals(3, subscribed.getInt());
            int rowSize = MarkerTable.TABLE.layout().size();
            for (int expected : new int[] {14, 13, 12}) {
                subscribed.getLong();
                assertEquals(expected, subscribed.getInt(subscribed.position() + (int) MarkerRowOffsets.VALUE));
                subscribed.position(subscribed.position() + rowSize);
            }
        }
    }

    @Test
    void unknownComponentsAndBadKeysAreRejectedAndTheConnectionStays() throws Exception {
        try (TestClient client = TestClient.greeted(server.port(), app.schemaHash())) {
            client.send(new Message(Protocol.SELECT).i32(1).u16(999).u8(0).i64(1));
            ByteBuffer rejected = client.next(Protocol.REJECTED);
            rejected.position(5);
            assertEquals("NO_SUCH_COMPONENT", TestClient.readStr(rejected));
            client.send(new Message(Protocol.SELECT).i32(2).u16(markers).u8(1).u8(0).i32(7));
            rejected = client.next(Protocol.REJECTED);
            rejected.position(5);
            assertEquals("BAD_ARGUMENTS", TestClient.readStr(rejected), "a key of 4 bytes for an i64 column");
            client.send(new Message(Protocol.UNSUBSCRIBE).i32(3).i32(12345));
            rejected = client.next(Protocol.REJECTED);
            rejected.position(5);
            assertEquals("NO_SUCH_SUBSCRIPTION", TestClient.readStr(rejected));
            client.send(new Message(Protocol.PING).i64(99));
            assertEquals(99, client.next(Protocol.PONG).getLong(1));
        }
    }

    @Test
    void anOversizedFrameClosesOnlyThatConnection() throws Exception {
        try (TestClient bystander = TestClient.greeted(server.port(), app.schemaHash());
                TestClient client = TestClient.greeted(server.port(), app.schemaHash())) {
            client.send(new byte[LIMITS.maxFrameBytes() + 1]);
            assertEquals("FRAME_TOO_LARGE", client.errorCode());
            assertEquals(Protocol.CLOSE_LIMIT, client.awaitClose());
            bystander.send(new Message(Protocol.PING).i64(5));
            assertEquals(5, bystander.next(Protocol.PONG).getLong(1));
        }
    }

    @Test
    void deflateCompressesLargeFramesOnlyAndTheyInflateToTheProtocolsBytes() throws Exception {
        database.run(0, tx -> {
            for (int i = 0; i < 200; i++) {
                tx.insert(MarkerTable.TABLE, new Marker(5_000 + i, i));
            }
        });
        try (RawSocket socket = new RawSocket(server.port(), 0)) {
            String head = socket.request(RawSocket.upgrade("/hetu",
                    "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"));
            assertTrue(head.startsWith("http/1.1 101"), head);
            assertTrue(head.contains("permessage-deflate"), "the extension is accepted: " + head);
            socket.write(RawSocket.frame(0, 2, new Message(Protocol.HELLO).u16(1).str(app.schemaHash()).bytes()));
            RawSocket.Frame welcome = socket.read();
            assertEquals(0, welcome.rsv(), "a small frame goes out uncompressed");
            assertEquals(Protocol.WELCOME, welcome.payload().get(0));
            int flags = Protocol.QUERY_HAS_LOW | Protocol.QUERY_LOW_INCLUSIVE;
            socket.write(RawSocket.frame(0, 2, new Message(Protocol.QUERY).i32(7).u16(markers).u8(1).u8(flags)
                    .i32(100).i32(0).bytes()));
            RawSocket.Frame subscribed = socket.read();
            assertEquals(4, subscribed.rsv(), "a large frame is compressed (RSV1)");
            java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
            ByteBuffer compressed = subscribed.payload();
            byte[] input = new byte[compressed.remaining() + 4];
            compressed.get(input, 0, compressed.remaining());
            input[input.length - 2] = (byte) 0xFF;
            input[input.length - 1] = (byte) 0xFF;
            inflater.setInput(input);
            byte[] plain = new byte[1 << 20];
            int length = inflater.inflate(plain);
            inflater.end();
            ByteBuffer frame = ByteBuffer.wrap(plain, 0, length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            assertEquals((byte) 0x84, frame.get(0), "SUBSCRIBED");
            assertEquals(7, frame.getInt(1), "for the request");
            assertEquals(100, frame.getInt(17), "as many markers as the limit");
            assertTrue(subscribed.payload().capacity() < length / 2, "compressed " + length + " bytes to "
                    + subscribed.payload().capacity());
        }
    }

    @Test
    void aDecompressionBombIsStoppedAtTheFrameLimit() throws Exception {
        try (TestClient client = TestClient.connectDeflate(server.port())) {
            client.hello(1, app.schemaHash());
            client.next(Protocol.WELCOME);
            byte[] bomb = new byte[4 * 1024 * 1024];
            bomb[0] = Protocol.PING;
            client.sendFrame(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bomb)));
            assertEquals("FRAME_TOO_LARGE", client.errorCode());
        }
    }

    @Test
    void aFloodOfCallsIsCutOff() throws Exception {
        try (TestClient client = TestClient.greeted(server.port(), app.schemaHash())) {
            // Far more than a second's worth: even a server slowed down by a loaded machine reaches the
            // limit before the bucket refills (three seconds' worth was not always enough there).
            for (int i = 0; i < LIMITS.requestsPerSecond() * 20; i++) {
                client.sendQuietly(new Message(Protocol.CALL).i32(i).u16(60_000).bytes());
            }
            assertEquals("RATE", client.errorCode());
            assertEquals(Protocol.CLOSE_LIMIT, client.awaitClose());
        }
    }

    @Test
    void silentClientsTimeOut() throws Exception {
        try (TestClient client = TestClient.connect(server.port())) {
            assertEquals("HANDSHAKE_TIMEOUT", client.errorCode());
            assertEquals(Protocol.CLOSE_HANDSHAKE_TIMEOUT, client.awaitClose());
        }
        try (TestClient client = TestClient.greeted(server.port(), app.schemaHash())) {
            assertEquals("IDLE", client.errorCode());
            assertEquals(Protocol.CLOSE_IDLE, client.awaitClose());
        }
    }

    @Test
    void aClientThatNeverReadsIsDisconnected() throws Exception {
        Limits patient = new Limits(4096, 64 * 1024, 8, 10_000, 500, Duration.ofSeconds(1), Duration.ofSeconds(60));
        try (HetuServer own = HetuServer.start(app, database, ServerConfig.defaults().withHost("127.0.0.1")
                .withPort(0).withLimits(patient))) {
            database.run(0, tx -> {
                for (int i = 0; i < 500; i++) {
                    tx.insert(MarkerTable.TABLE, new Marker(1_000 + i, i));
                }
            });
            try (TestClient slow = TestClient.connectSmallBuffer(own.port());
                    TestClient bystander = TestClient.greeted(own.port(), app.schemaHash())) {
                slow.hello(1, app.schemaHash());
                slow.next(Protocol.WELCOME);
                int flags = Protocol.QUERY_HAS_LOW | Protocol.QUERY_LOW_INCLUSIVE;
                for (int s = 0; s < patient.maxSubscriptions(); s++) {
                    slow.send(new Message(Protocol.QUERY).i32(s).u16(markers).u8(1).u8(flags).i32(1_000).i32(0));
                    slow.next((byte) 0x84);
                }
                slow.reading(false);
                boolean closed = false;
                for (int round = 0; round < 2_000 && !closed; round++) {
                    int bump = round;
                    long seq = database.commit(0, tx -> {
                        for (int i = 0; i < 500; i++) {
                            tx.upsert(MarkerTable.OWNER, 1_000L + i).value(bump);
                        }
                    });
                    // One round per flush: commits matched together would share one frame, and
                    // their net effect is smaller than the flood this test needs.
                    own.subscriptions().processed(seq).get(60, TimeUnit.SECONDS);
                    bystander.send(new Message(Protocol.PING).i64(round));
                    assertEquals(round, bystander.next(Protocol.PONG).getLong(1), "the other client is still served");
                    closed = own.sessions().size() == 1;
                }
                assertTrue(closed, "the server dropped the client that stopped reading");
                slow.reading(true);
                // The reason queues behind the updates the client never read, so the socket may close
                // before it arrives; what arrives must be that reason, and the connection must end.
                slow.awaitClose();
                String reason = slow.lastErrorCode();
                assertTrue(reason == null || reason.equals("TOO_SLOW"), "closed with " + reason);
            }
        }
    }

    /** Offsets of Marker's columns, from its generated flyweight. */
    private static final class MarkerRowOffsets {
        static final long OWNER = io.hetu.server.fixtures.MarkerRow.OWNER_OFFSET;
        static final long VALUE = io.hetu.server.fixtures.MarkerRow.VALUE_OFFSET;
    }
}
