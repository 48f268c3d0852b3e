package io.hetu.server.system;

import io.hetu.storage.Transaction;
import io.hetu.system.Schedule;
import io.hetu.system.Scheduled;
import io.hetu.wire.WireWriter;
import java.time.Instant;

/**
 * What a {@link CallContext} asks of the server's game time: its clock, and the scheduled calls of
 * a transaction. The server's is {@code io.hetu.server.time.GameTime}.
 */
public interface Timekeeper {

    /** A clock with no scheduled calls: what a context outside a server has. */
    Timekeeper SYSTEM_CLOCK = new Timekeeper() {
        @Override
        public Instant now() {
            return Instant.now();
        }

        @Override
        public Scheduled schedule(Transaction tx, Instant now, Schedule when, String namespace, String system,
                WireWriter arguments) {
            throw new IllegalStateException("this context runs outside a server, so nothing can be scheduled");
        }

        @Override
        public boolean cancel(Transaction tx, long id) {
            return false;
        }

        @Override
        public Scheduled scheduled(Transaction tx, String key) {
            return null;
        }
    };

    Instant now();

    /** Inserts the scheduled call's row in {@code tx} (or finds the pending one of its key). */
    Scheduled schedule(Transaction tx, Instant now, Schedule when, String namespace, String system,
            WireWriter arguments);

    /** Deletes the pending call's row in {@code tx}; false when there is none. */
    boolean cancel(Transaction tx, long id);

    /** The pending call with this app key, or null. */
    Scheduled scheduled(Transaction tx, String key);
}
