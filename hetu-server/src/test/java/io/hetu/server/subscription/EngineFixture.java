package io.hetu.server.subscription;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hetu.schema.TableDescriptor;
import io.hetu.storage.Database;
import io.hetu.storage.embedded.Embedded;
import io.hetu.storage.spi.ChangeListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/** An in-memory database of every test component with a subscription engine over it. */
abstract class EngineFixture {

    static final List<TableDescriptor<?, ?>> TABLES = List.of(ScoreTable.TABLE, LootTable.TABLE, NoteTable.TABLE,
            SecretTable.TABLE, AuditTable.TABLE, InternalTable.TABLE, ProfileTable.TABLE);
    static final int SCORE = 0;
    static final int LOOT = 1;
    static final int NOTE = 2;
    static final int SECRET = 3;
    static final int AUDIT = 4;
    static final int INTERNAL = 5;
    static final int PROFILE = 6;

    Database db;
    Subscriptions engine;
    SessionEdits sessions;
    /** The engine's push window; tests that exercise one set it before opening. */
    Duration pushWindow = Duration.ZERO;

    void open(SubscriptionLimits limits) {
        open(limits, null);
    }

    /** Opens the database; {@code firstListener} hears every commit before the engine does. */
    void open(SubscriptionLimits limits, ChangeListener firstListener) {
        db = Embedded.inMemory(TABLES);
        if (firstListener != null) {
            db.addChangeListener(firstListener);
        }
        engine = new Subscriptions(db, limits, pushWindow);
        sessions = new SessionEdits(engine);
    }

    @AfterEach
    void closeAll() {
        if (engine != null) {
            engine.close();
        }
        if (db != null) {
            db.close();
        }
    }

    /** Waits until everything done so far has reached the clients (the bound only guards against a hang). */
    void drain() {
        try {
            engine.drained().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the engine did not drain", e);
        }
    }

    static void assertClean(TestClient client) {
        assertEquals(List.of(), client.violations(), "protocol violations");
    }
}
