package io.hetu.server.once;

import io.hetu.schema.KeyRange;
import io.hetu.storage.Database;
import io.hetu.storage.Transaction;
import io.hetu.system.Rejection;
import io.hetu.wire.Codes;
import io.hetu.wire.WireWriter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls that run at most once (docs/PROTOCOL.md, CALL_ONCE): looks a logged-in caller's call id up
 * before the system runs, answering a call that already committed with its first result, and
 * remembers the outcome of a call that writes, in the same transaction. Because both happen inside
 * the call's serializable transaction, a retry that races the first run (on another connection or
 * another server) conflicts with it, and the one that runs second sees the other's outcome.
 */
public final class OnceCalls implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OnceCalls.class);

    /** Slots per user: an SDK that numbers its calls can retry any of its last 32. */
    public static final int SLOTS = 32;
    /** How long an outcome is kept when its slot is not reused. */
    public static final Duration RETENTION = Duration.ofMinutes(10);
    private static final int SWEEP_BATCH = 512;

    private final InstantSource clock;
    private ScheduledExecutorService sweeper;

    public OnceCalls(InstantSource clock) {
        this.clock = clock;
    }

    /** Sweeps the outcomes past the retention out of {@code database} once a minute, on a thread of its own. */
    public synchronized void start(Database database) {
        sweeper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("hetu-once-sweep").daemon()
                .factory());
        sweeper.scheduleWithFixedDelay(() -> {
            try {
                sweep(database);
            } catch (RuntimeException e) {
                // The storage refused (a failed log, a lost Redis): the next sweep tries again.
                LOG.warn("old call outcomes could not be swept ({}); trying again in a minute", e.toString());
            }
        }, 1, 1, TimeUnit.MINUTES);
    }

    @Override
    public synchronized void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
            sweeper = null;
        }
    }

    /** The key of {@code user}'s slot for {@code callId}. */
    static long slot(long user, long callId) {
        long x = user * 0x9E3779B97F4A7C15L + (callId & (SLOTS - 1));
        x = (x ^ (x >>> 33)) * 0xFF51AFD7ED558CCDL;
        x = (x ^ (x >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return x ^ (x >>> 33);
    }

    /** What {@link #replay} returns when the call already committed and its result was written. */
    public static final long REPLAYED = Long.MIN_VALUE;
    /** What {@link #replay} returns when the call's slot holds no outcome. */
    public static final long EMPTY_SLOT = -1;

    /**
     * If {@code user}'s call {@code callId} already committed, writes its result to {@code result}
     * and returns {@link #REPLAYED}; otherwise returns the id of the slot's row (another call's
     * outcome), or {@link #EMPTY_SLOT}, for {@link #remember}.
     *
     * @throws Rejection {@code ALREADY_RAN} when it committed with a result too long to keep
     */
    public long replay(Transaction tx, long user, long callId, WireWriter result) {
        CallOutcomeRow row = tx.getBy(CallOutcomeTable.SLOT, slot(user, callId));
        if (row == null) {
            return EMPTY_SLOT;
        }
        if (row.user() != user || row.callId() != callId) {
            return tx.id(row);
        }
        if (!row.kept()) {
            throw new Rejection(Codes.ALREADY_RAN, "call " + Long.toUnsignedString(callId) + " already ran at "
                    + Instant.ofEpochSecond(row.minute() * 60) + "; its result was longer than the " + CallOutcome.MAX_RESULT_BYTES
                    + " bytes the server keeps, so read its effect back instead");
        }
        byte[] bytes = row.result();
        result.writeRaw(bytes, 0, bytes.length);
        return REPLAYED;
    }

    /**
     * Remembers, in {@code tx}, that {@code user}'s call {@code callId} committed with these result
     * bytes, in the slot row {@link #replay} found ({@code slotRow}).
     */
    public void remember(Transaction tx, long slotRow, long user, long callId, MemorySegment result) {
        boolean kept = result.byteSize() <= CallOutcome.MAX_RESULT_BYTES;
        CallOutcomeRow row = slotRow == EMPTY_SLOT
                ? tx.insert(CallOutcomeTable.TABLE).slot(slot(user, callId))
                : tx.update(CallOutcomeTable.TABLE, slotRow);
        row.user(user).callId(callId).minute(minute()).kept(kept)
                .result(kept ? result.toArray(ValueLayout.JAVA_BYTE) : NOTHING);
    }

    private static final byte[] NOTHING = new byte[0];

    private long minute() {
        return Math.floorDiv(clock.millis(), 60_000L);
    }

    /** Deletes the outcomes older than the retention (to the minute); returns how many. */
    public int sweep(Database database) {
        long before = minute() - RETENTION.toMinutes();
        int total = 0;
        while (true) {
            int deleted = database.transact(3, tx -> {
                List<Long> old = new ArrayList<>();
                tx.forEach(CallOutcomeTable.MINUTE, KeyRange.lessThan(before), SWEEP_BATCH, false, row -> old.add(tx.id(row)));
                for (long id : old) {
                    tx.delete(CallOutcomeTable.TABLE, id);
                }
                return old.size();
            });
            total += deleted;
            if (deleted < SWEEP_BATCH) {
                return total;
            }
        }
    }
}
