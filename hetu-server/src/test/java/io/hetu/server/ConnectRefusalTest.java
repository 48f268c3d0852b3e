package io.hetu.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.server.app.App;
import io.hetu.server.fixtures.time.Gate;
import io.hetu.server.fixtures.time.GateTable;
import io.hetu.storage.Database;
import io.hetu.storage.embedded.Embedded;
import io.hetu.wire.Protocol;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An @OnConnect hook that rejects refuses the connection: ERROR REFUSED instead of WELCOME. */
class ConnectRefusalTest {

    private App app;
    private Database database;
    private HetuServer server;

    @BeforeEach
    void start() throws Exception {
        app = App.load(getClass().getClassLoader(), null);
        database = Embedded.inMemory(app.tables());
        server = HetuServer.start(app, database, ServerConfig.defaults().withHost("127.0.0.1").withPort(0));
    }

    @AfterEach
    void stop() {
        server.close();
        database.close();
    }

    @Test
    void aRejectingOnConnectHookRefusesTheConnectionWithItsReason() throws Exception {
        database.run(0, tx -> tx.insert(GateTable.TABLE, new Gate(1, "back at 10:00 UTC")));
        try (LogCapture log = new LogCapture(); TestClient refused = TestClient.connect(server.port())) {
            refused.hello(Protocol.VERSION, app.schemaHash());
            ByteBuffer error = refused.next();
            assertEquals(Protocol.ERROR, error.get(0), "ERROR, not WELCOME");
            error.position(1);
            assertEquals("REFUSED", TestClient.readStr(error));
            assertEquals("MAINTENANCE: back at 10:00 UTC", TestClient.readStr(error));
            assertEquals(Protocol.CLOSE_REFUSED, refused.awaitClose());
            assertEquals(0, log.stackTraceLines(), "a refusal is the app's decision, not a failure");
        }
        database.run(0, tx -> tx.delete(GateTable.TABLE, tx.id(tx.getBy(GateTable.SLOT, 1))));
        try (TestClient welcome = TestClient.greeted(server.port(), app.schemaHash())) {
            assertTrue(welcome.isOpen(), "with the gate open, connections are welcome again");
        }
    }
}
