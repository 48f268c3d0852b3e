package io.hetu.server.time;

import io.hetu.schema.KeyRange;
import io.hetu.server.app.App;
import io.hetu.server.system.CallContext;
import io.hetu.server.system.Session;
import io.hetu.server.system.SessionRegistry;
import io.hetu.server.system.Timekeeper;
import io.hetu.storage.Database;
import io.hetu.storage.Transaction;
import io.hetu.storage.spi.Change;
import io.hetu.storage.spi.ChangeKind;
import io.hetu.storage.spi.ChangeListener;
import io.hetu.storage.spi.ChangeSet;
import io.hetu.system.ConflictException;
import io.hetu.system.Firing;
import io.hetu.system.Hook;
import io.hetu.system.Rejection;
import io.hetu.system.Schedule;
import io.hetu.system.Scheduled;
import io.hetu.wire.WireReader;
import io.hetu.wire.WireWriter;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's game time: scheduled calls and ticks (docs/SYSTEMS.md, game time).
 *
 * <p>A pending call is a {@link ScheduledCall} row, written in the scheduling transaction. One
 * thread ({@code hetu-time}) reads the rows that are due through the ordered index on
 * {@code due}, and fires each as its own transaction that reads the row, deletes it (or moves a
 * recurring call's {@code due} on) and runs the system with the row's arguments: the row's change
 * and the system's writes commit together or not at all, so a call fires once even across a crash
 * or with several servers firing the same rows (the one whose commit certifies first wins; the
 * other finds the row gone). A call whose system fails is removed (or moved on) without its
 * writes, and the failure is logged. Ticks are recurring calls the server ensures at start, keyed
 * {@code hetu:tick:<name>}, whose missed runs are skipped and counted as overruns.
 *
 * <p>The thread sleeps until the next call is due, or until a commit changes the scheduled calls.
 * With a {@link ManualClock} there is no thread: {@link #advance} moves the clock and fires what
 * came due on the caller's thread, so tests never wait for real time.
 */
public final class GameTime implements Timekeeper, ChangeListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GameTime.class);

    /** The key prefix of a tick's schedule. */
    public static final String TICK_PREFIX = "hetu:tick:";
    /** The key prefix of a call scheduled without a key. */
    static final String UNKEYED_PREFIX = "hetu:#";
    /** Due rows read per pass. */
    private static final int BATCH = 256;
    /** The longest the thread sleeps without looking, for calls another server wrote. */
    private static final long MAX_SLEEP_NANOS = 250_000_000L;
    /** A read of the due calls conflicts when a firing (here or on another server) commits meanwhile. */
    private static final int READ_RETRIES = 50;

    private final Database database;
    private final InstantSource clock;
    private final BiFunction<String, Throwable, String> failures;
    /** Systems clients call, by {@code namespace.name}; ticks by name. */
    private final Map<String, App.Entry> systems = new HashMap<>();
    private final Map<String, App.Entry> ticks = new HashMap<>();
    private final CallContext context;
    private final WireReader reader = new WireReader();
    private final WireWriter ignored = new WireWriter();
    private final AtomicLong pending = new AtomicLong();
    private final LongAdder fired = new LongAdder();
    private final LongAdder tickRuns = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder overruns = new LongAdder();
    private final LongAdder skippedRuns = new LongAdder();
    private final Histogram lateness = new Histogram();
    private final Histogram tickLateness = new Histogram();
    private final Thread thread;
    private volatile boolean closed;

    /**
     * Game time for {@code app} on {@code database}, whose tables include {@link ScheduledCallTable}
     * (as {@link App#tables()} does). Call {@link #start} once the server-start hooks ran.
     *
     * @param failures reports an unexpected failure and returns its trace id
     */
    public GameTime(App app, Database database, InstantSource clock, SessionRegistry sessions,
            BiFunction<String, Throwable, String> failures) {
        this.database = database;
        this.clock = clock;
        this.failures = failures;
        for (App.Entry entry : app.systems()) {
            systems.put(entry.def().namespace() + "." + entry.def().name(), entry);
        }
        for (App.Entry entry : app.hooks(Hook.TICK)) {
            ticks.put(entry.def().name(), entry);
        }
        this.context = new CallContext(Session.server(), new SessionRegistry() {
            @Override
            public boolean loggedInElsewhere(Session session, long userId) {
                return false;
            }

            @Override
            public boolean login(Session session, long userId, boolean kickOthers) {
                return false;
            }

            @Override
            public Timekeeper time() {
                return GameTime.this;
            }

            @Override
            public io.hetu.server.auth.TokenVerifier tokens() {
                return sessions.tokens();
            }
        });
        this.thread = clock instanceof ManualClock ? null : Thread.ofPlatform().name("hetu-time").daemon()
                .priority(Thread.MAX_PRIORITY).unstarted(this::run);
    }

    /** Ensures the ticks' schedules, counts the pending calls, and starts firing. */
    public void start() {
        ensureTicks();
        long[] count = new long[1];
        database.transact(READ_RETRIES, tx -> {
            count[0] = 0;
            tx.forEach(ScheduledCallTable.DUE, KeyRange.all(), Integer.MAX_VALUE, false, row -> count[0]++);
            return null;
        });
        pending.set(count[0]);
        database.addChangeListener(this);
        if (thread != null) {
            thread.start();
        }
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    // ---------------------------------------------------------------- scheduling (in a caller's transaction)

    @Override
    public Scheduled schedule(Transaction tx, Instant now, Schedule when, String namespace, String system,
            WireWriter arguments) {
        String qualified = namespace + "." + system;
        if (!systems.containsKey(qualified)) {
            throw new IllegalArgumentException("there is no system " + qualified + " to schedule");
        }
        if (arguments.size() > ScheduledCall.MAX_ARGUMENT_BYTES) {
            throw new IllegalArgumentException("the arguments of a scheduled call of " + qualified + " are "
                    + arguments.size() + " bytes encoded, more than " + ScheduledCall.MAX_ARGUMENT_BYTES
                    + "; keep large data in a component and pass its id");
        }
        String key = when.key();
        if (key != null) {
            ScheduledCallRow existing = tx.getBy(ScheduledCallTable.KEY, key);
            if (existing != null) {
                return handle(tx.id(existing), existing);
            }
        } else {
            key = UNKEYED_PREFIX + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
        }
        byte[] encoded = java.util.Arrays.copyOf(arguments.array(), arguments.size());
        Duration every = when.every();
        ScheduledCallRow row = tx.insert(ScheduledCallTable.TABLE)
                .key(key)
                .system(qualified)
                .due(when.firstDue(now))
                .every(every == null ? Duration.ZERO : every)
                .catchUp(every != null && when.missed() == Schedule.Missed.CATCH_UP)
                .runs(0)
                .args(encoded);
        return handle(tx.id(row), row);
    }

    /**
     * Deletes a pending call's row. A tick's schedule is the server's, kept for as long as the code
     * declares the tick, so it cannot be cancelled (an id of a tick fails with a clear error).
     */
    @Override
    public boolean cancel(Transaction tx, long id) {
        ScheduledCallRow row = tx.get(ScheduledCallTable.TABLE, id);
        if (row == null) {
            return false;
        }
        if (row.key().startsWith(TICK_PREFIX)) {
            throw new IllegalArgumentException("scheduled call " + id + " is the schedule of tick "
                    + row.system() + ", which runs for as long as the code declares @Tick; remove the annotation "
                    + "to stop it");
        }
        return tx.delete(ScheduledCallTable.TABLE, id);
    }

    @Override
    public Scheduled scheduled(Transaction tx, String key) {
        ScheduledCallRow row = tx.getBy(ScheduledCallTable.KEY, key);
        return row == null ? null : handle(tx.id(row), row);
    }

    private static Scheduled handle(long id, ScheduledCallRow row) {
        String key = row.key();
        return new Scheduled(id, key.startsWith(UNKEYED_PREFIX) ? null : key, row.system(), row.due(),
                row.everyNanos() == 0 ? null : row.every());
    }

    // ---------------------------------------------------------------- ticks

    /** Inserts each tick's schedule when missing, and follows a period changed in the code. */
    private void ensureTicks() {
        if (ticks.isEmpty()) {
            return;
        }
        database.transact(10, tx -> {
            Instant now = clock.instant();
            ticks.forEach((name, entry) -> {
                Duration period = Duration.ofNanos(entry.def().tickNanos());
                ScheduledCallRow row = tx.getBy(ScheduledCallTable.KEY, TICK_PREFIX + name);
                if (row == null) {
                    tx.insert(ScheduledCallTable.TABLE).key(TICK_PREFIX + name).system(name).due(now.plus(period))
                            .every(period).catchUp(false).runs(0).args(new byte[0]);
                } else if (row.everyNanos() != period.toNanos()) {
                    Instant due = row.due();
                    tx.update(ScheduledCallTable.TABLE, tx.id(row)).every(period)
                            .due(due.isAfter(now.plus(period)) ? now.plus(period) : due);
                }
            });
            return null;
        });
    }

    // ---------------------------------------------------------------- firing

    private void run() {
        while (!closed) {
            try {
                fireDue();
                Instant next = nextDue();
                long sleep = next == null ? MAX_SLEEP_NANOS
                        : Math.min(MAX_SLEEP_NANOS, Duration.between(clock.instant(), next).toNanos());
                if (sleep > 0 && !closed) {
                    LockSupport.parkNanos(this, sleep);
                }
            } catch (ConflictException e) {
                LOG.debug("reading the due calls kept conflicting; looking again: {}", e.getMessage());
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                // The storage refused (a failed log, a lost Redis): look again a little later.
                LOG.warn("scheduled calls could not be read or fired ({}); trying again in a second", e.toString());
                LockSupport.parkNanos(this, 1_000_000_000L);
            }
        }
    }

    /** When the next pending call is due, or null when none is. */
    public Instant nextDue() {
        return database.transact(READ_RETRIES, tx -> {
            List<ScheduledCallRow> first = tx.range(ScheduledCallTable.DUE, KeyRange.all(), 1, false);
            return first.isEmpty() ? null : first.getFirst().due();
        });
    }

    /**
     * Fires, on this thread, every call due by the clock's time (a catching-up call as often as
     * it missed), and returns how many ran. A call whose commit kept conflicting stays pending for
     * the next pass.
     */
    public synchronized int fireDue() {
        int total = 0;
        Set<Long> stuck = new HashSet<>();
        while (!closed) {
            Instant now = clock.instant();
            record Due(long id, String system, String key) {}
            List<Due> due = database.transact(READ_RETRIES, tx -> {
                List<Due> rows = new ArrayList<>();
                tx.forEach(ScheduledCallTable.DUE, KeyRange.atMost(now), BATCH + stuck.size(), false, row -> {
                    long id = tx.id(row);
                    if (!stuck.contains(id)) {
                        rows.add(new Due(id, row.system(), row.key()));
                    }
                });
                return rows;
            });
            if (due.isEmpty()) {
                return total;
            }
            for (Due call : due) {
                switch (fire(call.id(), call.key().startsWith(TICK_PREFIX) ? ticks.get(call.system())
                        : systems.get(call.system()), call.system())) {
                    case FIRED -> total++;
                    case STUCK -> stuck.add(call.id());
                    case GONE -> { }
                }
            }
        }
        return total;
    }

    private enum Outcome { FIRED, GONE, STUCK }

    /** Fires the call with row {@code id}, which calls {@code entry} (null: a system the app no longer has). */
    private Outcome fire(long id, App.Entry entry, String system) {
        Firing[] run = new Firing[1];
        try {
            long seq = database.commit(entry == null ? 0 : entry.def().retry(), tx -> {
                run[0] = null;
                Taken taken = take(tx, id);
                if (taken == null) {
                    return;
                }
                Firing firing = taken.firing();
                run[0] = firing;
                if (entry == null) {
                    return;
                }
                context.beginFiring(tx, firing);
                MemorySegment arguments = MemorySegment.ofArray(taken.args());
                reader.reset(arguments, 0, arguments.byteSize());
                entry.dispatcher().dispatch(entry.index(), context, reader, ignored.clear());
            });
            if (run[0] == null) {
                return Outcome.GONE;
            }
            if (seq != 0) {
                database.durable(seq);
            }
            if (entry == null) {
                LOG.warn("removed scheduled call {} of {}: the app has no such system any more", id, system);
                return Outcome.GONE;
            }
            fired(run[0]);
            return Outcome.FIRED;
        } catch (ConflictException e) {
            LOG.debug("scheduled call {} of {} conflicted; it stays pending: {}", id, system, e.getMessage());
            return Outcome.STUCK;
        } catch (RuntimeException e) {
            if (run[0] == null) {
                throw e;
            }
            // The system failed: its writes are gone; the call is removed or moved on without them.
            failed.increment();
            if (e instanceof Rejection r) {
                LOG.warn("scheduled call {} of {} was rejected ({}: {}); it is {}", id, system, r.code(),
                        r.getMessage(), run[0].every() == null ? "removed" : "moved to its next run");
            } else {
                failures.apply("scheduled call " + id + " of " + system, e);
            }
            try {
                database.commit(3, tx -> take(tx, id));
            } catch (RuntimeException again) {
                LOG.warn("scheduled call {} of {} failed and could not be moved on ({}); it runs again",
                        id, system, again.toString());
                return Outcome.STUCK;
            }
            return Outcome.GONE;
        }
    }

    /** One run taken from a row: the firing, and the arguments the row held. */
    private record Taken(Firing firing, byte[] args) {}

    /**
     * Takes one run of the call with row {@code id} in {@code tx}: deletes a one-time call's row or
     * moves a recurring call's {@code due} on. Returns the run, or null when the row is gone or not
     * due yet (another server fired it).
     */
    private Taken take(Transaction tx, long id) {
        ScheduledCallRow row = tx.get(ScheduledCallTable.TABLE, id);
        Instant now = clock.instant();
        if (row == null || row.dueNanos() > toNanos(now)) {
            return null;
        }
        String key = row.key();
        Instant due = row.due();
        long every = row.everyNanos();
        long runs = row.runs();
        byte[] args = row.args();
        Firing firing = new Firing(id, key.startsWith(UNKEYED_PREFIX) ? null : key, due, now,
                every == 0 ? null : Duration.ofNanos(every), runs);
        if (every == 0) {
            tx.delete(ScheduledCallTable.TABLE, id);
            return new Taken(firing, args);
        }
        long dueNanos = row.dueNanos();
        long next;
        if (row.catchUp()) {
            next = dueNanos + every;
        } else {
            long missed = (toNanos(now) - dueNanos) / every;
            next = dueNanos + (missed + 1) * every;
        }
        tx.update(ScheduledCallTable.TABLE, id).due(fromNanos(next)).runs(runs + 1);
        return new Taken(firing, args);
    }

    private void fired(Firing run) {
        long lateNanos = run.lateness().toNanos();
        if (run.key() != null && run.key().startsWith(TICK_PREFIX)) {
            tickRuns.increment();
            tickLateness.record(lateNanos);
            long periods = lateNanos / run.every().toNanos();
            if (periods > 0) {
                overruns.increment();
                skippedRuns.add(periods);
            }
        } else {
            fired.increment();
            lateness.record(lateNanos);
        }
    }

    private static long toNanos(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    }

    private static Instant fromNanos(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    /**
     * Moves a {@link ManualClock} on by {@code duration} and fires what came due, on this thread;
     * returns how many calls ran.
     *
     * @throws IllegalStateException when the server runs on a real clock
     */
    public int advance(Duration duration) {
        if (!(clock instanceof ManualClock manual)) {
            throw new IllegalStateException("the server runs on a real clock; start it with a ManualClock to "
                    + "move time by hand");
        }
        manual.advance(duration);
        int fired = fireDue();
        // What fired is durable, and published to subscribers, when this returns.
        database.durable(database.backend().lastSeq()).join();
        return fired;
    }

    // ---------------------------------------------------------------- seen from outside

    /** Keeps the count of pending calls, and wakes the thread when the scheduled calls change. */
    @Override
    public void onCommit(ChangeSet changes) {
        boolean touched = false;
        for (Change change : changes.changes()) {
            if (change.table() == ScheduledCallTable.TABLE) {
                touched = true;
                if (change.kind() == ChangeKind.INSERT) {
                    pending.incrementAndGet();
                } else if (change.kind() == ChangeKind.DELETE) {
                    pending.decrementAndGet();
                }
            }
        }
        if (touched && thread != null) {
            LockSupport.unpark(thread);
        }
    }

    /** Pending calls (ticks included), as of the last durable commit. */
    public long pending() {
        return pending.get();
    }

    /** Scheduled calls fired (tick runs apart). */
    public long fired() {
        return fired.sum();
    }

    public long tickRuns() {
        return tickRuns.sum();
    }

    public long failed() {
        return failed.sum();
    }

    /** Tick runs that started after their next run was due. */
    public long overruns() {
        return overruns.sum();
    }

    /** The lateness of fired calls (ticks apart). */
    public Histogram lateness() {
        return lateness;
    }

    public Histogram tickLateness() {
        return tickLateness;
    }

    /** {@code {"pending":…,"fired":…,"failed":…,"latenessP50Micros":…,…}} for {@code /hetu/stats}. */
    public String json() {
        return "{\"pending\":" + pending() + ",\"fired\":" + fired() + ",\"failed\":" + failed()
                + ",\"latenessP50Micros\":" + lateness.percentile(50) / 1000 + ",\"latenessP99Micros\":"
                + lateness.percentile(99) / 1000 + ",\"latenessMaxMicros\":" + lateness.max() / 1000
                + ",\"ticks\":" + ticks.size() + ",\"tickRuns\":" + tickRuns()
                + ",\"tickLatenessP99Micros\":" + tickLateness.percentile(99) / 1000
                + ",\"tickOverruns\":" + overruns() + ",\"tickSkippedRuns\":" + skippedRuns.sum() + "}";
    }

    /** Stops firing; a firing under way finishes. The database is the caller's to close. */
    @Override
    public void close() {
        closed = true;
        database.removeChangeListener(this);
        if (thread != null) {
            LockSupport.unpark(thread);
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
