package io.hetu.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.hetu.schema.IndexRef;
import io.hetu.schema.KeyRange;
import io.hetu.schema.RowCodec;
import io.hetu.storage.fixtures.Widget.Tier;
import io.hetu.storage.fixtures.Widget;
import io.hetu.storage.fixtures.WidgetRow;
import io.hetu.storage.fixtures.WidgetTable;
import io.hetu.system.UniqueViolationException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Model-based test of the storage engine: random transactions of inserts, updates, upserts,
 * deletes, point reads, unique lookups and range queries run against the database and against a
 * plain map of records, and every read must return exactly what the map predicts. Transactions
 * group several operations, so reads run over the transaction's own inserts, updates and deletes;
 * some abort by throwing, some break a unique column and must change nothing.
 *
 * <p>The table grows to thousands of rows and shrinks again several times, so ordered-index leaves
 * (128 entries) split and empty out. Replay a failure with {@code -Dhetu.seed=<printed seed>};
 * {@code -Dhetu.modelTransactions=N} changes the length of the run.
 */
@Conformance
class StorageModelTest {

    @Test
    void randomTransactionsMatchTheModel() {
        long seed = TestSeeds.seed("StorageModelTest.randomTransactionsMatchTheModel");
        Run run = new Run(seed, Integer.getInteger("hetu.modelTransactions", 1400), 2400, false);
        run.execute();
        run.assertExercised();
    }

    /** A small table whose keys come from tiny pools: long runs of equal keys, many unique clashes. */
    @Test
    void crowdedKeysMatchTheModel() {
        long seed = TestSeeds.seed("StorageModelTest.crowdedKeysMatchTheModel");
        Run run = new Run(seed, Integer.getInteger("hetu.modelTransactions", 1400), 400, true);
        run.execute();
        run.assertExercised();
    }

    // ------------------------------------------------------------------------------------- columns

    static final int LEVEL = 0;
    static final int NAME = 1;
    static final int SCORE = 2;
    static final int SERIAL = 3;
    static final int BIG = 4;
    static final int SMALL = 5;
    static final int TINY = 6;
    static final int LETTER = 7;
    static final int TIER = 8;
    static final int AT = 9;
    static final int RATIO = 10;
    static final int FLAG = 11;
    static final int SPAN = 12;
    static final int PAYLOAD = 13;
    static final int COLUMNS = 14;

    static final String[] COLUMN_NAMES = {"level", "name", "score", "serial", "big", "small", "tiny", "letter", "tier",
        "at", "ratio", "flag", "span", "payload"};

    @SuppressWarnings("unchecked")
    static final IndexRef<Widget, WidgetRow>[] INDEX = new IndexRef[] {WidgetTable.LEVEL, WidgetTable.NAME,
        WidgetTable.SCORE, WidgetTable.SERIAL, WidgetTable.BIG, WidgetTable.SMALL, WidgetTable.TINY,
        WidgetTable.LETTER, WidgetTable.TIER, WidgetTable.AT, WidgetTable.RATIO, WidgetTable.FLAG, WidgetTable.SPAN,
        null};

    static final Widget ZERO = new Widget(0, "", 0.0, 0L, 0L, (short) 0, (byte) 0, '\0', Tier.COMMON, Instant.EPOCH,
            0f, false, Duration.ZERO, 0L);

    static final String[] EDGE_NAMES = {"", "a", "prefix00", "prefix00a", "prefix00b", "prefix00\u0000", "prefix0",
        "prefix01", "prefix00\u00e9", "\u65e5\u672c\u8a9e", "\u65e5\u672c\u8a9e\u30c6\u30ad\u30b9\u30c8",
        "\uD83D\uDE00", "\uD83D\uDE00\uD83D\uDE00x", "\u00ff\u00ff\u00ff\u00ff", "\u00ff\u00ff\u00ff\u00ffa", "\uffff",
        "zzzzzzzzzzzzzzzzzzzzzzzz", "\u0000", "\u007f", "\u0080"};

    static final double[] EDGE_DOUBLES = {Double.NaN, Double.longBitsToDouble(0x7ff8000000000123L),
        Double.longBitsToDouble(0xfff8000000000000L), Double.longBitsToDouble(0x7ff0000000000001L), -0.0, 0.0,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE,
        -Double.MIN_VALUE, Double.MIN_NORMAL, 1.0, -1.0, 1e300, -1e-300};

    static final float[] EDGE_FLOATS = {Float.NaN, Float.intBitsToFloat(0x7fc00001), Float.intBitsToFloat(0xffc00000),
        -0f, 0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE, -Float.MAX_VALUE,
        Float.MIN_VALUE, -Float.MIN_VALUE, 1f, -1f};

    static final long[] EDGE_LONGS = {Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE, Long.MAX_VALUE - 1, 0, 1, -1,
        Integer.MIN_VALUE, Integer.MAX_VALUE, 1L << 32, -(1L << 32)};

    static final int[] EDGE_INTS = {Integer.MIN_VALUE, Integer.MIN_VALUE + 1, Integer.MAX_VALUE,
        Integer.MAX_VALUE - 1, 0, 1, -1};

    static final char[] EDGE_CHARS = {'\0', '\uffff', '\ud800', '\udfff', 'a', 'Z', '\u00e9', '\u7fff', '\u8000'};

    static final Instant[] EDGE_INSTANTS = {RowCodec.nanosToInstant(Long.MIN_VALUE),
        RowCodec.nanosToInstant(Long.MIN_VALUE + 1), RowCodec.nanosToInstant(Long.MIN_VALUE + 999_999_999L),
        RowCodec.nanosToInstant(Long.MIN_VALUE + 854_775_808L), RowCodec.nanosToInstant(Long.MAX_VALUE),
        RowCodec.nanosToInstant(Long.MAX_VALUE - 1), Instant.EPOCH, Instant.ofEpochSecond(-1, 1),
        Instant.ofEpochSecond(-1, 999_999_999), Instant.ofEpochSecond(0, 1), Instant.ofEpochSecond(-1)};

    static final Duration[] EDGE_DURATIONS = {Duration.ofNanos(Long.MIN_VALUE), Duration.ofNanos(Long.MIN_VALUE + 1),
        Duration.ofNanos(Long.MAX_VALUE), Duration.ZERO, Duration.ofNanos(1), Duration.ofNanos(-1),
        Duration.ofSeconds(-5, 3), Duration.ofSeconds(5)};

    static Object[] values(Widget w) {
        return new Object[] {w.level(), w.name(), w.score(), w.serial(), w.big(), w.small(), w.tiny(), w.letter(),
            w.tier(), w.at(), w.ratio(), w.flag(), w.span(), w.payload()};
    }

    static Widget make(Object[] v) {
        return new Widget((Integer) v[LEVEL], (String) v[NAME], (Double) v[SCORE], (Long) v[SERIAL], (Long) v[BIG],
                (Short) v[SMALL], (Byte) v[TINY], (Character) v[LETTER], (Tier) v[TIER], (Instant) v[AT],
                (Float) v[RATIO], (Boolean) v[FLAG], (Duration) v[SPAN], (Long) v[PAYLOAD]);
    }

    static Widget with(Widget w, int column, Object value) {
        Object[] v = values(w);
        v[column] = value;
        return make(v);
    }

    static Object column(Widget w, int column) {
        return values(w)[column];
    }

    static void set(WidgetRow row, int column, Object v) {
        switch (column) {
            case LEVEL -> row.level((Integer) v);
            case NAME -> row.name((String) v);
            case SCORE -> row.score((Double) v);
            case SERIAL -> row.serial((Long) v);
            case BIG -> row.big((Long) v);
            case SMALL -> row.small((Short) v);
            case TINY -> row.tiny((Byte) v);
            case LETTER -> row.letter((Character) v);
            case TIER -> row.tier((Tier) v);
            case AT -> row.at((Instant) v);
            case RATIO -> row.ratio((Float) v);
            case FLAG -> row.flag((Boolean) v);
            case SPAN -> row.span((Duration) v);
            case PAYLOAD -> row.payload((Long) v);
            default -> throw new IllegalArgumentException("column " + column);
        }
    }

    /** The order of an indexed column's values: Double.compare for floats, UTF-8 bytes for strings. */
    static int compare(int column, Object a, Object b) {
        return switch (column) {
            case LEVEL, SERIAL, BIG, SMALL, TINY -> Long.compare(((Number) a).longValue(), ((Number) b).longValue());
            case NAME -> Arrays.compareUnsigned(((String) a).getBytes(StandardCharsets.UTF_8),
                    ((String) b).getBytes(StandardCharsets.UTF_8));
            case SCORE -> Double.compare((Double) a, (Double) b);
            case RATIO -> Float.compare((Float) a, (Float) b);
            case LETTER -> Character.compare((Character) a, (Character) b);
            case TIER -> Integer.compare(((Tier) a).ordinal(), ((Tier) b).ordinal());
            case AT -> ((Instant) a).compareTo((Instant) b);
            case FLAG -> Boolean.compare((Boolean) a, (Boolean) b);
            case SPAN -> ((Duration) a).compareTo((Duration) b);
            default -> throw new IllegalArgumentException("column " + column + " is not indexed");
        };
    }

    /** Text with control characters and everything outside ASCII escaped, safe for test reports. */
    static String printable(Object value) {
        String text = String.valueOf(value);
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\n') || c >= 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Bounds of a range, as the model sees them (null: open end). */
    record Bounds(Object low, boolean lowInclusive, Object high, boolean highInclusive, KeyRange range) {

        boolean contains(int column, Object key) {
            if (low != null) {
                int order = compare(column, key, low);
                if (order < 0 || (order == 0 && !lowInclusive)) {
                    return false;
                }
            }
            if (high != null) {
                int order = compare(column, key, high);
                return order < 0 || (order == 0 && highInclusive);
            }
            return true;
        }
    }

    /** Ids with random access, for picking random rows. */
    static final class IdSet {
        final ArrayList<Long> list;
        final HashMap<Long, Integer> positions;

        IdSet() {
            list = new ArrayList<>();
            positions = new HashMap<>();
        }

        IdSet(IdSet other) {
            list = new ArrayList<>(other.list);
            positions = new HashMap<>(other.positions);
        }

        void add(long id) {
            if (positions.putIfAbsent(id, list.size()) == null) {
                list.add(id);
            }
        }

        void remove(long id) {
            Integer at = positions.remove(id);
            if (at == null) {
                return;
            }
            long last = list.removeLast();
            if (at < list.size()) {
                list.set(at, last);
                positions.put(last, at);
            }
        }

        long random(Random rnd) {
            return list.get(rnd.nextInt(list.size()));
        }

        int size() {
            return list.size();
        }
    }

    /** Thrown from a transaction body to abort it. */
    static final class Abort extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Abort() {
            super("abort on purpose", null, false, false);
        }
    }

    private enum Phase {
        GROW,
        CHURN,
        SHRINK
    }

    private enum Outcome {
        COMMITTED,
        ABORTED,
        VIOLATION
    }

    // ----------------------------------------------------------------------------------------- run

    static final class Run {
        final long seed;
        final Random rnd;
        final int transactions;
        final int maxRows;
        final boolean crowded;

        TreeMap<Long, Widget> committed = new TreeMap<>();
        /** The seq of the commit that last wrote each committed row. */
        final HashMap<Long, Long> versions = new HashMap<>();
        IdSet committedIds = new IdSet();
        final Set<Long> issued = new HashSet<>();
        final ArrayList<Long> gone = new ArrayList<>();
        final ArrayDeque<String> log = new ArrayDeque<>();
        int nameCounter;
        Phase phase = Phase.GROW;
        int phaseTransactions;
        int cycles;
        int commits;
        int aborts;
        int violations;
        int readOnly;
        int ranges;
        int maxSeen;
        int emptied;
        /** Per mille of unique keys written that copy a held key, and as many that take an edge key. */
        int clash;

        // the transaction being run
        HashMap<Long, Widget> work;
        IdSet workIds;
        LinkedHashMap<Long, WidgetRow> writable;
        Set<Long> touched;

        Run(long seed, int transactions, int maxRows, boolean crowded) {
            this.seed = seed;
            this.rnd = new Random(seed);
            this.transactions = transactions;
            this.maxRows = maxRows;
            this.crowded = crowded;
            this.clash = crowded ? 40 : 6;
        }

        void note(String entry) {
            if (log.size() == 40) {
                log.removeFirst();
            }
            log.addLast(printable(entry));
        }

        void execute() {
            try (Database db = Backends.open(List.of(WidgetTable.TABLE))) {
                int txNumber = 0;
                try {
                    for (; txNumber < transactions; txNumber++) {
                        note("---- tx " + txNumber + " " + phase + " rows=" + committed.size());
                        runTransaction(db);
                        advancePhase();
                        if (txNumber % 150 == 149) {
                            verifyAll(db);
                        }
                    }
                    verifyAll(db);
                } catch (AssertionError | RuntimeException e) {
                    AssertionError failure = new AssertionError(printable("seed " + seed + " (replay with -Dhetu.seed="
                            + seed + "), transaction " + txNumber + ", phase " + phase + ", " + committed.size()
                            + " rows; last operations:\n  " + String.join("\n  ", log) + "\n" + e));
                    failure.setStackTrace(e.getStackTrace());
                    throw failure;
                }
                System.out.println("  " + commits + " commits, " + aborts + " aborts, " + violations
                        + " unique violations, " + readOnly + " read-only, " + ranges + " ranges checked, "
                        + cycles + " grow/shrink cycles, at most " + maxSeen + " rows, emptied " + emptied + " times");
            }
        }

        void assertExercised() {
            assertTrue(commits > transactions / 3, "too few commits: " + commits);
            assertTrue(aborts > 0, "no transaction aborted");
            assertTrue(violations > 0, "no unique violation");
            assertTrue(cycles >= 2, "the table did not grow and shrink twice: " + cycles);
        }

        void advancePhase() {
            phaseTransactions++;
            maxSeen = Math.max(maxSeen, committed.size());
            if (committed.isEmpty() && phaseTransactions > 1) {
                emptied++;
            }
            switch (phase) {
                case GROW -> {
                    if (committed.size() >= maxRows) {
                        phase = Phase.CHURN;
                        phaseTransactions = 0;
                    }
                }
                case CHURN -> {
                    if (phaseTransactions >= 60) {
                        phase = Phase.SHRINK;
                        phaseTransactions = 0;
                    }
                }
                case SHRINK -> {
                    if (committed.size() <= maxRows / 25) {
                        phase = Phase.GROW;
                        phaseTransactions = 0;
                        cycles++;
                    }
                }
            }
        }

        // ------------------------------------------------------------------------------ transactions

        void runTransaction(Database db) {
            work = new HashMap<>(committed);
            workIds = new IdSet(committedIds);
            writable = new LinkedHashMap<>();
            touched = new HashSet<>();
            List<Long> insertedHere = new ArrayList<>();
            long seqBefore = db.backend().lastSeq();
            int kind = rnd.nextInt(100);
            boolean abort = kind < 7;
            boolean readOnlyTx = kind >= 7 && kind < 17;
            boolean bulk = kind >= 17 && kind < (phase == Phase.CHURN ? 25 : 40);
            boolean clash = kind >= 97;
            Outcome outcome;
            try {
                db.transact(0, tx -> {
                    if (readOnlyTx) {
                        int ops = 1 + rnd.nextInt(8);
                        for (int i = 0; i < ops; i++) {
                            readOp(tx);
                        }
                    } else if (bulk) {
                        bulk(tx, insertedHere);
                    } else if (clash) {
                        clash(tx, insertedHere);
                    } else {
                        int ops = 1 + rnd.nextInt(crowded ? 4 : 10);
                        for (int i = 0; i < ops; i++) {
                            writeOrReadOp(tx, insertedHere);
                        }
                    }
                    if (abort) {
                        note("abort");
                        throw new Abort();
                    }
                    return null;
                });
                outcome = Outcome.COMMITTED;
            } catch (Abort e) {
                outcome = Outcome.ABORTED;
            } catch (UniqueViolationException e) {
                note("unique violation: " + e.getMessage());
                outcome = Outcome.VIOLATION;
            }
            Outcome expected = abort ? Outcome.ABORTED : hasDuplicateKeys(work) ? Outcome.VIOLATION : Outcome.COMMITTED;
            assertEquals(expected, outcome, "the outcome of the transaction");
            long seqAfter = db.backend().lastSeq();
            switch (outcome) {
                case COMMITTED -> {
                    commits++;
                    if (readOnlyTx) {
                        readOnly++;
                        assertEquals(seqBefore, seqAfter, "a read-only transaction took a seq");
                    } else if (!work.equals(committed)) {
                        assertEquals(seqBefore + 1, seqAfter, "a committed transaction takes one seq");
                    } else {
                        assertTrue(seqAfter == seqBefore || seqAfter == seqBefore + 1, "seq moved by more than one");
                    }
                    for (Long id : committed.keySet()) {
                        if (!work.containsKey(id)) {
                            gone.add(id);
                            versions.remove(id);
                        }
                    }
                    for (long id : touched) {
                        if (work.containsKey(id)) {
                            versions.put(id, seqAfter);
                        }
                    }
                    committed = new TreeMap<>(work);
                    committedIds = workIds;
                }
                case ABORTED, VIOLATION -> {
                    if (outcome == Outcome.ABORTED) {
                        aborts++;
                    } else {
                        violations++;
                    }
                    assertEquals(seqBefore, seqAfter, "a transaction that did not commit took a seq");
                    for (long id : insertedHere) {
                        if (!committed.containsKey(id)) {
                            gone.add(id);
                        }
                    }
                }
            }
            if (gone.size() > 2000) {
                gone.subList(0, 1000).clear();
            }
            verifyRows(db, touched);
        }

        boolean hasDuplicateKeys(Map<Long, Widget> rows) {
            Set<String> names = new HashSet<>();
            Set<Long> serials = new HashSet<>();
            for (Widget w : rows.values()) {
                if (!names.add(w.name()) || !serials.add(w.serial())) {
                    return true;
                }
            }
            return false;
        }

        void writeOrReadOp(Transaction tx, List<Long> insertedHere) {
            int[] weights = switch (phase) {
                // insert, upsert, update, retained, swap, delete, read
                case GROW -> new int[] {35, 10, 12, 5, 2, 6, 30};
                case CHURN -> new int[] {14, 10, 18, 6, 3, 16, 33};
                case SHRINK -> new int[] {5, 5, 12, 4, 2, 42, 30};
            };
            int pick = rnd.nextInt(Arrays.stream(weights).sum());
            int op = 0;
            while (pick >= weights[op]) {
                pick -= weights[op];
                op++;
            }
            switch (op) {
                case 0 -> insert(tx, insertedHere);
                case 1 -> upsert(tx, insertedHere);
                case 2 -> update(tx);
                case 3 -> changeRetained();
                case 4 -> swapKeys(tx);
                case 5 -> delete(tx);
                default -> readOp(tx);
            }
        }

        void readOp(Transaction tx) {
            int op = rnd.nextInt(10);
            if (op < 2) {
                get(tx);
            } else if (op < 4) {
                getBy(tx);
            } else {
                range(tx);
            }
        }

        void bulk(Transaction tx, List<Long> insertedHere) {
            boolean inserting = switch (phase) {
                case GROW -> true;
                case SHRINK -> false;
                case CHURN -> rnd.nextBoolean();
            };
            if (inserting) {
                int count = crowded ? 20 + rnd.nextInt(60) : 60 + rnd.nextInt(200);
                note("bulk insert " + count);
                int usual = clash;
                clash = 0;
                try {
                    for (int i = 0; i < count; i++) {
                        insert(tx, insertedHere);
                        if (rnd.nextInt(40) == 0) {
                            range(tx);
                        }
                    }
                } finally {
                    clash = usual;
                }
            } else if (rnd.nextBoolean()) {
                // Delete what a range returns, then read the range again.
                int column = randomIndexedColumn();
                Bounds bounds = randomBounds(column);
                int limit = rnd.nextInt(Math.max(1, workIds.size() / 2) + 1);
                note("bulk delete over " + COLUMN_NAMES[column] + " " + bounds.range() + " limit " + limit);
                List<WidgetRow> rows = tx.range(INDEX[column], bounds.range(), limit, rnd.nextBoolean());
                List<Long> ids = new ArrayList<>();
                for (WidgetRow row : rows) {
                    ids.add(tx.id(row));
                }
                for (long id : ids) {
                    assertTrue(tx.delete(WidgetTable.TABLE, id), "delete of a row a range returned");
                    forget(id);
                }
                checkRange(tx, column, bounds, Integer.MAX_VALUE, false, false);
                checkRange(tx, column, bounds, 3, true, rnd.nextBoolean());
            } else {
                int count = rnd.nextInt(8) == 0 ? workIds.size() : Math.max(1, workIds.size() * (20 + rnd.nextInt(50)) / 100);
                note("bulk delete " + count);
                for (int i = 0; i < count && workIds.size() > 0; i++) {
                    long id = workIds.random(rnd);
                    assertTrue(tx.delete(WidgetTable.TABLE, id));
                    forget(id);
                    if (rnd.nextInt(30) == 0) {
                        range(tx);
                    }
                }
            }
            for (int i = 0; i < 3; i++) {
                range(tx);
            }
        }

        /** Operations that break a unique column, sometimes mended before the commit. */
        void clash(Transaction tx, List<Long> insertedHere) {
            int kind = rnd.nextInt(4);
            note("clash " + kind);
            if (kind == 0 && workIds.size() > 0) {
                Widget holder = work.get(workIds.random(rnd));
                Widget w = randomWidget();
                w = rnd.nextBoolean() ? with(w, NAME, holder.name()) : with(w, SERIAL, holder.serial());
                insertRecord(tx, w, insertedHere);
            } else if (kind == 1 && workIds.size() > 1) {
                long a = workIds.random(rnd);
                long b = workIds.random(rnd);
                if (a != b) {
                    int column = rnd.nextBoolean() ? NAME : SERIAL;
                    WidgetRow row = tx.update(WidgetTable.TABLE, a);
                    Object key = column(work.get(b), column);
                    set(row, column, key);
                    work.put(a, with(work.get(a), column, key));
                    touched.add(a);
                    note("update " + a + " " + COLUMN_NAMES[column] + " := " + key + " (held by " + b + ")");
                    if (rnd.nextInt(3) == 0) {
                        // Mend it: the holder moves to a fresh key.
                        Object fresh = column == NAME ? freshName() : freshSerial();
                        WidgetRow holder = tx.update(WidgetTable.TABLE, b);
                        set(holder, column, fresh);
                        work.put(b, with(work.get(b), column, fresh));
                        touched.add(b);
                        note("update " + b + " " + COLUMN_NAMES[column] + " := " + fresh);
                    }
                }
            } else {
                // Two new rows with one key.
                Widget w = randomWidget();
                insertRecord(tx, w, insertedHere);
                Widget twin = randomWidget();
                twin = rnd.nextBoolean() ? with(twin, NAME, w.name()) : with(twin, SERIAL, w.serial());
                insertRecord(tx, twin, insertedHere);
            }
            range(tx);
        }

        // -------------------------------------------------------------------------------- operations

        void insert(Transaction tx, List<Long> insertedHere) {
            insertRecord(tx, randomWidget(), insertedHere);
        }

        void insertRecord(Transaction tx, Widget w, List<Long> insertedHere) {
            WidgetRow row;
            int style = rnd.nextInt(4);
            switch (style) {
                case 0 -> row = tx.insert(WidgetTable.TABLE, w);
                case 1 -> {
                    row = tx.insert(WidgetTable.TABLE);
                    assertEquals(ZERO, row.toRecord(), "a new row starts zeroed");
                    row.set(w);
                }
                default -> {
                    row = tx.insert(WidgetTable.TABLE);
                    Object[] v = values(w);
                    Object[] zero = values(ZERO);
                    List<Integer> order = new ArrayList<>();
                    for (int c = 0; c < COLUMNS; c++) {
                        order.add(c);
                    }
                    java.util.Collections.shuffle(order, rnd);
                    for (int c : order) {
                        if (c != NAME && c != SERIAL && rnd.nextInt(5) == 0) {
                            v[c] = zero[c];
                        } else {
                            set(row, c, v[c]);
                        }
                    }
                    w = make(v);
                }
            }
            long id = tx.id(row);
            assertTrue(issued.add(id), "id " + id + " was handed out before");
            assertFalse(work.containsKey(id));
            assertEquals(0, tx.version(row), "a new row has version 0");
            assertEquals(w, row.toRecord());
            work.put(id, w);
            workIds.add(id);
            insertedHere.add(id);
            touched.add(id);
            if (rnd.nextInt(4) == 0) {
                writable.put(id, row);
            }
            note("insert " + id + " " + w);
        }

        void upsert(Transaction tx, List<Long> insertedHere) {
            boolean byName = rnd.nextBoolean();
            Object key = byName ? keyForLookup(NAME) : keyForLookup(SERIAL);
            List<Long> holders = holders(byName ? NAME : SERIAL, key);
            if (holders.size() > 1) {
                return;
            }
            note("upsert by " + (byName ? "name " : "serial ") + key + " (holder " + holders + ")");
            WidgetRow row = switch (rnd.nextInt(2)) {
                case 0 -> byName ? tx.upsert(WidgetTable.NAME, (String) key) : tx.upsert(WidgetTable.SERIAL, (long) key);
                default -> tx.upsert(byName ? WidgetTable.NAME : WidgetTable.SERIAL, key);
            };
            assertNotNull(row);
            long id = tx.id(row);
            if (holders.isEmpty()) {
                assertTrue(issued.add(id), "upsert inserted a row with an id handed out before: " + id);
                Widget fresh = with(ZERO, byName ? NAME : SERIAL, key);
                assertEquals(fresh, row.toRecord(), "upsert of a new key: a zero row holding the key");
                assertEquals(0, tx.version(row));
                // Give the other unique column a value of its own.
                Object other = byName ? freshSerial() : freshName();
                set(row, byName ? SERIAL : NAME, other);
                work.put(id, with(fresh, byName ? SERIAL : NAME, other));
                workIds.add(id);
                insertedHere.add(id);
            } else {
                assertEquals((long) holders.getFirst(), id, "upsert found another row");
                assertEquals(work.get(id), row.toRecord(), "upsert's view of an existing row");
            }
            touched.add(id);
            mutate(id, row, 1 + rnd.nextInt(3));
            if (rnd.nextInt(4) == 0) {
                writable.put(id, row);
            }
        }

        void update(Transaction tx) {
            long id = pickId();
            WidgetRow row = tx.update(WidgetTable.TABLE, id);
            Widget before = work.get(id);
            if (before == null) {
                note("update " + id + " (absent)");
                assertNull(row, "update of an absent row");
                return;
            }
            assertNotNull(row, "update of row " + id);
            assertEquals(id, tx.id(row));
            assertEquals(expectedVersion(id), tx.version(row), "version of row " + id);
            assertEquals(before, row.toRecord(), "update's view of row " + id);
            touched.add(id);
            if (rnd.nextInt(6) == 0) {
                Widget w = randomWidget();
                if (rnd.nextBoolean()) {
                    w = with(with(w, NAME, before.name()), SERIAL, before.serial());
                }
                row.set(w);
                work.put(id, w);
                note("update " + id + " := " + w);
            } else {
                mutate(id, row, 1 + rnd.nextInt(3));
            }
            if (rnd.nextInt(4) == 0) {
                writable.put(id, row);
            }
        }

        /** Writes through a view returned earlier in the transaction. */
        void changeRetained() {
            if (writable.isEmpty()) {
                return;
            }
            List<Long> ids = new ArrayList<>(writable.keySet());
            long id = ids.get(rnd.nextInt(ids.size()));
            WidgetRow row = writable.get(id);
            assertEquals(work.get(id), row.toRecord(), "a retained view of row " + id);
            mutate(id, row, 1 + rnd.nextInt(2));
        }

        void mutate(long id, WidgetRow row, int columns) {
            Widget w = work.get(id);
            for (int i = 0; i < columns; i++) {
                int column = rnd.nextInt(COLUMNS);
                Object value = column == NAME ? nameForWrite() : column == SERIAL ? serialForWrite() : randomValue(column);
                set(row, column, value);
                w = with(w, column, value);
            }
            work.put(id, w);
            note("change " + id + " -> " + w);
        }

        /** Two rows trade a unique key: legal, although each update alone would clash. */
        void swapKeys(Transaction tx) {
            if (workIds.size() < 2) {
                return;
            }
            long a = workIds.random(rnd);
            long b = workIds.random(rnd);
            if (a == b) {
                return;
            }
            int column = rnd.nextBoolean() ? NAME : SERIAL;
            Object keyA = column(work.get(a), column);
            Object keyB = column(work.get(b), column);
            note("swap " + COLUMN_NAMES[column] + " of " + a + " (" + keyA + ") and " + b + " (" + keyB + ")");
            WidgetRow rowA = tx.update(WidgetTable.TABLE, a);
            WidgetRow rowB = tx.update(WidgetTable.TABLE, b);
            set(rowA, column, keyB);
            set(rowB, column, keyA);
            work.put(a, with(work.get(a), column, keyB));
            work.put(b, with(work.get(b), column, keyA));
            touched.add(a);
            touched.add(b);
        }

        void delete(Transaction tx) {
            long id = pickId();
            boolean present = work.containsKey(id);
            note("delete " + id + (present ? "" : " (absent)"));
            assertEquals(present, tx.delete(WidgetTable.TABLE, id), "delete of row " + id);
            if (present) {
                forget(id);
            }
            touched.add(id);
            if (rnd.nextInt(5) == 0) {
                assertFalse(tx.delete(WidgetTable.TABLE, id), "a second delete of row " + id);
                assertNull(tx.get(WidgetTable.TABLE, id));
                assertNull(tx.update(WidgetTable.TABLE, id));
            }
        }

        void forget(long id) {
            work.remove(id);
            workIds.remove(id);
            writable.remove(id);
        }

        void get(Transaction tx) {
            long id = pickId();
            WidgetRow row = tx.get(WidgetTable.TABLE, id);
            Widget expected = work.get(id);
            note("get " + id);
            if (expected == null) {
                assertNull(row, "get of absent row " + id);
            } else {
                assertNotNull(row, "get of row " + id);
                assertEquals(id, tx.id(row));
                assertEquals(expectedVersion(id), tx.version(row), "version of row " + id);
                assertEquals(expected, row.toRecord(), "get of row " + id);
            }
        }

        void getBy(Transaction tx) {
            boolean byName = rnd.nextBoolean();
            int column = byName ? NAME : SERIAL;
            Object key = keyForLookup(column);
            List<Long> holders = holders(column, key);
            if (holders.size() > 1) {
                return;
            }
            note("getBy " + COLUMN_NAMES[column] + " " + key);
            WidgetRow row = switch (rnd.nextInt(2)) {
                case 0 -> byName ? tx.getBy(WidgetTable.NAME, (String) key) : tx.getBy(WidgetTable.SERIAL, (long) key);
                default -> tx.getBy(INDEX[column], key);
            };
            if (holders.isEmpty()) {
                assertNull(row, "getBy " + COLUMN_NAMES[column] + " " + key + " should find nothing");
            } else {
                assertNotNull(row, "getBy " + COLUMN_NAMES[column] + " " + key + " should find row " + holders);
                assertEquals((long) holders.getFirst(), tx.id(row));
                assertEquals(expectedVersion(holders.getFirst()), tx.version(row));
                assertEquals(work.get(holders.getFirst()), row.toRecord());
            }
        }

        void range(Transaction tx) {
            int column = randomIndexedColumn();
            Bounds bounds = randomBounds(column);
            int limit = switch (rnd.nextInt(8)) {
                case 0 -> 0;
                case 1 -> 1;
                case 2 -> 2 + rnd.nextInt(5);
                case 3 -> 7 + rnd.nextInt(60);
                case 4 -> workIds.size();
                case 5 -> Integer.MAX_VALUE;
                default -> rnd.nextInt(workIds.size() + 10);
            };
            checkRange(tx, column, bounds, limit, rnd.nextBoolean(), rnd.nextInt(4) == 0);
        }

        void checkRange(Transaction tx, int column, Bounds bounds, int limit, boolean descending, boolean forEach) {
            ranges++;
            String what = (forEach ? "forEach " : "range ") + COLUMN_NAMES[column] + " " + bounds.range() + " limit "
                    + limit + (descending ? " descending" : "");
            note(what);
            List<Long> expectedIds = new ArrayList<>();
            for (Map.Entry<Long, Widget> e : work.entrySet()) {
                if (bounds.contains(column, column(e.getValue(), column))) {
                    expectedIds.add(e.getKey());
                }
            }
            Comparator<Long> order = (a, b) -> {
                int c = compare(column, column(work.get(a), column), column(work.get(b), column));
                return c != 0 ? c : Long.compare(a, b);
            };
            expectedIds.sort(descending ? order.reversed() : order);
            if (expectedIds.size() > limit) {
                expectedIds = new ArrayList<>(expectedIds.subList(0, limit));
            }
            List<Widget> expectedRows = expectedIds.stream().map(work::get).toList();
            if (forEach) {
                List<Widget> rows = new ArrayList<>();
                tx.forEach(INDEX[column], bounds.range(), limit, descending, row -> rows.add(row.toRecord()));
                if (!expectedRows.equals(rows)) {
                    fail(what + ": " + difference(column, null, expectedRows, null, rows));
                }
            } else {
                List<WidgetRow> rows = tx.range(INDEX[column], bounds.range(), limit, descending);
                List<Long> ids = new ArrayList<>();
                List<Widget> records = new ArrayList<>();
                for (WidgetRow row : rows) {
                    ids.add(tx.id(row));
                    records.add(row.toRecord());
                    if (expectedVersion(tx.id(row)) != tx.version(row)) {
                        fail(what + ": row " + tx.id(row) + " has version " + tx.version(row) + ", expected "
                                + expectedVersion(tx.id(row)));
                    }
                }
                if (!expectedIds.equals(ids) || !expectedRows.equals(records)) {
                    fail(what + ": " + difference(column, expectedIds, expectedRows, ids, records));
                }
            }
        }

        /** Where two results part: sizes, the first difference, and the keys around it. */
        static String difference(int column, List<Long> expectedIds, List<Widget> expected, List<Long> gotIds,
                List<Widget> got) {
            int at = 0;
            while (at < expected.size() && at < got.size() && expected.get(at).equals(got.get(at))
                    && (expectedIds == null || expectedIds.get(at).equals(gotIds.get(at)))) {
                at++;
            }
            StringBuilder out = new StringBuilder("expected " + expected.size() + " rows, got " + got.size()
                    + "; first difference at " + at);
            for (int side = 0; side < 2; side++) {
                List<Long> ids = side == 0 ? expectedIds : gotIds;
                List<Widget> rows = side == 0 ? expected : got;
                out.append(side == 0 ? "\n  expected keys" : "\n  got keys     ");
                for (int i = Math.max(0, at - 3); i < Math.min(rows.size(), at + 4); i++) {
                    out.append(i == at ? " >" : " ").append(ids == null ? "" : ids.get(i) + ":")
                            .append(column(rows.get(i), column));
                }
                if (at < rows.size()) {
                    out.append(side == 0 ? "\n  expected row " : "\n  got row      ").append(rows.get(at));
                }
            }
            return out.toString();
        }

        // --------------------------------------------------------------------------------- checking

        /** Reads the rows in a new transaction and compares them with the model's committed rows. */
        void verifyRows(Database db, Set<Long> ids) {
            if (ids.isEmpty()) {
                return;
            }
            db.run(0, tx -> {
                for (long id : ids) {
                    WidgetRow row = tx.get(WidgetTable.TABLE, id);
                    Widget expected = committed.get(id);
                    assertEquals(expected, row == null ? null : row.toRecord(), "committed row " + id);
                }
            });
        }

        /** Every row through every index, both directions, and every unique key. */
        void verifyAll(Database db) {
            note("verify all " + committed.size() + " rows");
            work = new HashMap<>(committed);
            workIds = new IdSet(committedIds);
            db.run(0, tx -> {
                for (int column = 0; column < COLUMNS; column++) {
                    if (INDEX[column] != null) {
                        Bounds all = new Bounds(null, false, null, false, KeyRange.all());
                        checkRange(tx, column, all, Integer.MAX_VALUE, false, false);
                        checkRange(tx, column, all, Integer.MAX_VALUE, true, false);
                        checkRange(tx, column, all, Integer.MAX_VALUE, rnd.nextBoolean(), true);
                    }
                }
                for (Map.Entry<Long, Widget> e : committed.entrySet()) {
                    WidgetRow byName = tx.getBy(WidgetTable.NAME, e.getValue().name());
                    assertNotNull(byName, "getBy name " + e.getValue().name());
                    assertEquals((long) e.getKey(), tx.id(byName));
                    WidgetRow bySerial = tx.getBy(WidgetTable.SERIAL, e.getValue().serial());
                    assertNotNull(bySerial, "getBy serial " + e.getValue().serial());
                    assertEquals((long) e.getKey(), tx.id(bySerial));
                    WidgetRow byId = tx.get(WidgetTable.TABLE, e.getKey());
                    assertEquals(e.getValue(), byId.toRecord());
                    assertEquals(expectedVersion(e.getKey()), tx.version(byId));
                }
                for (int i = 0; i < Math.min(200, gone.size()); i++) {
                    long id = gone.get(rnd.nextInt(gone.size()));
                    assertNull(tx.get(WidgetTable.TABLE, id), "row " + id + " is gone");
                }
            });
        }

        /** A committed row's last commit seq; 0 for a row inserted by the running transaction. */
        long expectedVersion(long id) {
            return committed.containsKey(id) ? versions.get(id) : 0L;
        }

        // -------------------------------------------------------------------------------- drawing

        long pickId() {
            int r = rnd.nextInt(10);
            if (r < 8 && workIds.size() > 0) {
                return workIds.random(rnd);
            }
            if (r < 9 && !gone.isEmpty()) {
                return gone.get(rnd.nextInt(gone.size()));
            }
            return switch (rnd.nextInt(4)) {
                case 0 -> 0L;
                case 1 -> -1L;
                case 2 -> Long.MAX_VALUE;
                default -> (long) rnd.nextInt(1 << 20) << 32 | rnd.nextInt(5000);
            };
        }

        List<Long> holders(int column, Object key) {
            List<Long> found = new ArrayList<>();
            for (Map.Entry<Long, Widget> e : work.entrySet()) {
                if (column(e.getValue(), column).equals(key)) {
                    found.add(e.getKey());
                }
            }
            return found;
        }

        Object keyForLookup(int column) {
            if (touched != null && !touched.isEmpty() && rnd.nextInt(4) == 0) {
                // A key this transaction moved, deleted or took: its old and its new holder.
                List<Long> ids = new ArrayList<>(touched);
                long id = ids.get(rnd.nextInt(ids.size()));
                Widget row = rnd.nextBoolean() ? committed.get(id) : work.get(id);
                if (row != null) {
                    return column(row, column);
                }
            }
            int r = rnd.nextInt(10);
            if (r < 6 && workIds.size() > 0) {
                return column(work.get(workIds.random(rnd)), column);
            }
            if (r < 7 && !committed.isEmpty()) {
                return column(committed.get(committedIds.random(rnd)), column);
            }
            if (column == NAME) {
                return r < 9 ? EDGE_NAMES[rnd.nextInt(EDGE_NAMES.length)] : freshName();
            }
            return r < 9 ? EDGE_LONGS[rnd.nextInt(EDGE_LONGS.length)] : freshSerial();
        }

        int randomIndexedColumn() {
            int column;
            do {
                column = rnd.nextInt(COLUMNS);
            } while (INDEX[column] == null);
            return column;
        }

        Bounds randomBounds(int column) {
            int shape = rnd.nextInt(10);
            Object a = boundValue(column);
            Object b = rnd.nextInt(8) == 0 ? a : boundValue(column);
            if (rnd.nextInt(4) != 0 && compare(column, a, b) > 0) {
                Object t = a;
                a = b;
                b = t;
            }
            return switch (shape) {
                case 0 -> new Bounds(null, false, null, false, KeyRange.all());
                case 1 -> new Bounds(a, true, b, true, KeyRange.closed(a, b));
                case 2 -> new Bounds(a, false, b, false, KeyRange.open(a, b));
                case 3 -> new Bounds(a, true, b, false, KeyRange.closedOpen(a, b));
                case 4 -> new Bounds(a, false, b, true, KeyRange.openClosed(a, b));
                case 5 -> new Bounds(a, true, null, false, KeyRange.atLeast(a));
                case 6 -> new Bounds(a, false, null, false, KeyRange.greaterThan(a));
                case 7 -> new Bounds(null, false, b, true, KeyRange.atMost(b));
                case 8 -> new Bounds(null, false, b, false, KeyRange.lessThan(b));
                default -> new Bounds(a, true, a, true, KeyRange.equalTo(a));
            };
        }

        Object boundValue(int column) {
            int r = rnd.nextInt(20);
            if (r < 9 && workIds.size() > 0) {
                return column(work.get(workIds.random(rnd)), column);
            }
            if (column == NAME && r < 12) {
                // Near misses of stored names, and names longer than the column holds.
                String name = workIds.size() > 0 ? work.get(workIds.random(rnd)).name() : "prefix00";
                return switch (rnd.nextInt(4)) {
                    case 0 -> name + "\u0000";
                    case 1 -> name.isEmpty() ? name : name.substring(0, name.length() - 1);
                    case 2 -> name + "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz";
                    default -> "prefix00" + "\uffff".repeat(rnd.nextInt(10));
                };
            }
            if (column == AT && r < 13) {
                // Beyond what a row can store: the range must still hold the same rows.
                return switch (rnd.nextInt(5)) {
                    case 0 -> Instant.MIN;
                    case 1 -> Instant.MAX;
                    case 2 -> EDGE_INSTANTS[0].minusNanos(1);
                    case 3 -> EDGE_INSTANTS[4].plusNanos(1);
                    default -> Instant.ofEpochSecond(rnd.nextBoolean() ? -20_000_000_000L : 20_000_000_000L);
                };
            }
            if (column == SPAN && r < 13) {
                return switch (rnd.nextInt(3)) {
                    case 0 -> Duration.ofSeconds(Long.MIN_VALUE);
                    case 1 -> Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
                    default -> rnd.nextBoolean() ? EDGE_DURATIONS[0].minusNanos(1) : EDGE_DURATIONS[2].plusNanos(1);
                };
            }
            return randomValue(column);
        }

        Widget randomWidget() {
            Object[] v = new Object[COLUMNS];
            for (int c = 0; c < COLUMNS; c++) {
                v[c] = c == NAME ? nameForWrite() : c == SERIAL ? serialForWrite() : randomValue(c);
            }
            return make(v);
        }

        String nameForWrite() {
            int r = rnd.nextInt(1000);
            if (r < clash && workIds.size() > 0) {
                return work.get(workIds.random(rnd)).name();
            }
            if (r < clash * 2) {
                return EDGE_NAMES[rnd.nextInt(EDGE_NAMES.length)];
            }
            return freshName();
        }

        long serialForWrite() {
            int r = rnd.nextInt(1000);
            if (r < clash && workIds.size() > 0) {
                return work.get(workIds.random(rnd)).serial();
            }
            if (r < clash * 2) {
                return EDGE_LONGS[rnd.nextInt(EDGE_LONGS.length)];
            }
            return freshSerial();
        }

        String freshName() {
            int n = nameCounter++;
            return switch (rnd.nextInt(6)) {
                case 0, 1 -> "prefix00" + n;
                case 2 -> "w" + n;
                case 3 -> "\u65e5\u672c" + n;
                case 4 -> "\u00e9" + n + "\uD83D\uDE00";
                default -> Integer.toString(n, 36) + "z";
            };
        }

        long freshSerial() {
            long serial;
            do {
                serial = rnd.nextBoolean() ? rnd.nextLong() : rnd.nextInt(1_000_000) - 500_000L;
            } while (serial >= -1 && serial <= 1);
            return serial;
        }

        Object randomValue(int column) {
            int r = rnd.nextInt(10);
            return switch (column) {
                case NAME -> keyForLookup(NAME);
                case SERIAL -> keyForLookup(SERIAL);
                case LEVEL -> crowded ? (r < 9 ? rnd.nextInt(-3, 4) : EDGE_INTS[rnd.nextInt(EDGE_INTS.length)])
                        : r < 5 ? rnd.nextInt(-20, 21) : r < 7 ? EDGE_INTS[rnd.nextInt(EDGE_INTS.length)] : rnd.nextInt();
                case SCORE -> crowded
                        ? (r < 5 ? EDGE_DOUBLES[rnd.nextInt(7)] : (double) rnd.nextInt(-2, 3) / 2)
                        : r < 4 ? rnd.nextInt(-20, 21) * 0.25
                        : r < 7 ? EDGE_DOUBLES[rnd.nextInt(EDGE_DOUBLES.length)] : rnd.nextGaussian() * 1e6;
                case BIG -> crowded ? (long) rnd.nextInt(-2, 3)
                        : r < 4 ? (long) rnd.nextInt(-20, 21)
                        : r < 7 ? EDGE_LONGS[rnd.nextInt(EDGE_LONGS.length)] : rnd.nextLong();
                case SMALL -> (short) (crowded ? rnd.nextInt(-2, 3)
                        : r < 3 ? rnd.nextInt(-20, 21)
                        : r < 5 ? (rnd.nextBoolean() ? Short.MIN_VALUE : Short.MAX_VALUE) : rnd.nextInt());
                case TINY -> (byte) (crowded ? rnd.nextInt(-2, 3)
                        : r < 2 ? (rnd.nextBoolean() ? Byte.MIN_VALUE : Byte.MAX_VALUE) : rnd.nextInt());
                case LETTER -> crowded ? EDGE_CHARS[rnd.nextInt(4)]
                        : r < 5 ? EDGE_CHARS[rnd.nextInt(EDGE_CHARS.length)] : (char) rnd.nextInt(1 << 16);
                case TIER -> Tier.values()[rnd.nextInt(Tier.values().length)];
                case AT -> crowded ? EDGE_INSTANTS[rnd.nextInt(4)]
                        : r < 5 ? EDGE_INSTANTS[rnd.nextInt(EDGE_INSTANTS.length)]
                        : r < 7 ? Instant.ofEpochSecond(rnd.nextInt(-3, 4), rnd.nextInt(3))
                        : RowCodec.nanosToInstant(rnd.nextLong());
                case RATIO -> crowded ? EDGE_FLOATS[rnd.nextInt(6)]
                        : r < 5 ? EDGE_FLOATS[rnd.nextInt(EDGE_FLOATS.length)]
                        : r < 8 ? rnd.nextInt(-8, 9) * 0.5f : (float) rnd.nextGaussian();
                case FLAG -> rnd.nextBoolean();
                case SPAN -> crowded ? EDGE_DURATIONS[rnd.nextInt(4)]
                        : r < 5 ? EDGE_DURATIONS[rnd.nextInt(EDGE_DURATIONS.length)] : Duration.ofNanos(rnd.nextLong());
                case PAYLOAD -> rnd.nextLong();
                default -> throw new IllegalArgumentException("column " + column);
            };
        }
    }
}
