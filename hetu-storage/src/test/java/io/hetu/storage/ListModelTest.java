package io.hetu.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.annotations.Eviction;
import io.hetu.schema.Filter;
import io.hetu.schema.Layouts;
import io.hetu.schema.ListDef;
import io.hetu.schema.ListRef;
import io.hetu.schema.RowView;
import io.hetu.storage.ListOracle.Entry;
import io.hetu.storage.lists.Lap;
import io.hetu.storage.lists.LapTable;
import io.hetu.storage.lists.Mail;
import io.hetu.storage.lists.MailTable;
import io.hetu.storage.lists.Rank;
import io.hetu.storage.lists.RankRow;
import io.hetu.storage.lists.RankTable;
import io.hetu.storage.lists.Signup;
import io.hetu.storage.lists.SignupTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * List tables against a simple model: random appends (plain and de-duplicated), trims, deletes and
 * re-sorting updates, several per transaction, on every list kind and eviction end, with values
 * drawn from small sets so that ties and duplicates are common. After every transaction each list
 * read back (rows and their {@code seq}) must equal the model's, and so must head, tail, positional
 * and filtered reads. Replay a failure with {@code -Dhetu.seed=<printed seed>}.
 */
@Conformance
class ListModelTest {

    private static final int TRANSACTIONS = Integer.getInteger("hetu.modelTransactions", 1500);

    @Test
    void plainListEvictsTheOldest() {
        run(new Spec<>(MailTable.LIST, "sender", List.of(1L, 2L, 3L),
                r -> new Mail(1 + r.nextInt(3), r.nextInt(4), "m" + r.nextInt(5))));
    }

    @Test
    void plainListEvictingTheNewestKeepsItsFirstRows() {
        run(new Spec<>(SignupTable.LIST, "player", List.of("cup", "league"),
                r -> new Signup(r.nextBoolean() ? "cup" : "league", r.nextInt(7))));
    }

    @Test
    void sortedListEvictsTheLowest() {
        run(new Spec<>(RankTable.LIST, "player", List.of(1, 2),
                r -> new Rank(1 + r.nextInt(2), r.nextInt(9), r.nextInt(5) * 10, (short) r.nextInt(3))));
    }

    @Test
    void sortedListEvictingTheFrontKeepsTheFastest() {
        run(new Spec<>(LapTable.LIST, "driver", List.of("spa", "monz", "é"),
                r -> new Lap(List.of("spa", "monz", "é").get(r.nextInt(3)), r.nextInt(6), 60 + r.nextInt(4) * 0.5)));
    }

    @Test
    void appendsOutsideTheApiAreRefused() {
        try (Database db = Backends.open(List.of(RankTable.TABLE))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> db.run(0, tx -> tx.insert(RankTable.TABLE, new Rank(1, 1, 1, (short) 1))));
            assertTrue(e.getMessage().contains("use append(RankTable.LIST, ...)"), e.getMessage());
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                    () -> db.run(0, tx -> tx.appendDistinct(RankTable.LIST, new Rank(1, 1, 1, (short) 1), "nick")));
            assertTrue(unknown.getMessage().contains("no column 'nick'"), unknown.getMessage());
        }
    }

    @Test
    void aRowSortingToTheEvictedEndOfAFullListIsNotAdded() {
        try (Database db = Backends.open(List.of(RankTable.TABLE))) {
            db.run(0, tx -> {
                for (int i = 0; i < 6; i++) {
                    tx.append(RankTable.LIST, new Rank(7, i, 100 + i, (short) 0));
                }
            });
            RankRow low = db.transact(0, tx -> tx.append(RankTable.LIST, new Rank(7, 99, 5, (short) 0)));
            assertNull(low, "a score below a full top six does not enter it");
            List<Integer> points = db.transact(0, tx -> tx.list(RankTable.LIST, 7).stream().map(RankRow::points)
                    .toList());
            assertEquals(List.of(105, 104, 103, 102, 101, 100), points);
            long seq = db.transact(0, tx -> tx.append(RankTable.LIST, new Rank(7, 100, 103, (short) 0)).seq());
            assertEquals(7, seq, "the next seq of the list");
            assertEquals(List.of(105, 104, 103, 103, 102, 101), db.transact(0, tx -> tx.list(RankTable.LIST, 7)
                    .stream().map(RankRow::points).toList()), "a tie sorts after the earlier row; 100 was evicted");
        }
    }

    @Test
    void aReadOfTheTopOfAListIsRetriedWhenARowMovesIntoIt() throws Exception {
        try (Database db = Backends.open(List.of(RankTable.TABLE))) {
            long lowest = db.transact(0, tx -> {
                for (int points = 20; points <= 50; points += 10) {
                    tx.append(RankTable.LIST, new Rank(1, points, points, (short) 0));
                }
                return tx.id(tx.append(RankTable.LIST, new Rank(1, 10, 10, (short) 0)));
            });
            // Only a sort column changes: the row moves inside its list, from last to second.
            List<List<Integer>> seen = topThreeWhileAnotherCommits(db,
                    tx -> tx.update(RankTable.TABLE, lowest).points(45));
            assertEquals(List.of(List.of(50, 40, 30), List.of(50, 45, 40)), seen, "the first attempt ran again");
        }
    }

    @Test
    void aReadOfTheTopOfAListIsNotRetriedForChangesOutsideIt() throws Exception {
        try (Database db = Backends.open(List.of(RankTable.TABLE))) {
            db.run(0, tx -> {
                for (int season = 1; season <= 3; season++) {
                    for (int points = 10; points <= 50; points += 10) {
                        tx.append(RankTable.LIST, new Rank(season, points, points, (short) 0));
                    }
                }
            });
            List<List<Integer>> seen = topThreeWhileAnotherCommits(db, tx -> {
                tx.append(RankTable.LIST, new Rank(0, 1, 99, (short) 0));
                tx.append(RankTable.LIST, new Rank(2, 1, 99, (short) 0));
            });
            assertEquals(List.of(List.of(50, 40, 30)), seen, "appends to the seasons beside it do not conflict");
        }
    }

    /**
     * Reads the top three of season 1 and appends to season 3; during the first attempt, after the
     * read, another thread commits {@code change}. Returns what each attempt read.
     */
    private static List<List<Integer>> topThreeWhileAnotherCommits(Database db,
            java.util.function.Consumer<Transaction> change) throws Exception {
        List<List<Integer>> seen = new ArrayList<>();
        db.run(3, tx -> {
            seen.add(tx.head(RankTable.LIST, 1, 3).stream().map(RankRow::points).toList());
            if (seen.size() == 1) {
                Thread other = Thread.ofPlatform().start(() -> db.run(0, change));
                try {
                    other.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
            tx.append(RankTable.LIST, new Rank(3, 7, 1, (short) 0));
        });
        return seen;
    }

    // ---------------------------------------------------------------- the model

    /** A list component under test: its handle, the column appends de-duplicate on, its keys, a row maker. */
    record Spec<R extends Record, V extends RowView<R>>(ListRef<R, V> ref, String distinct, List<Object> keys,
            Function<Random, R> random) {}

    private static <R extends Record, V extends RowView<R>> void run(Spec<R, V> spec) {
        long seed = TestSeeds.seed("ListModelTest " + spec.ref().table().name());
        Random random = new Random(seed);
        ListDef def = spec.ref().list();
        Comparator<Entry<R>> order = ListOracle.order(def);
        Map<Object, List<Entry<R>>> model = new HashMap<>();
        long seqOffset = spec.ref().table().layout().field(ListDef.SEQ).offset();
        int evictedAtOnce = 0;
        int replaced = 0;
        int evictions = 0;
        try (Database db = Backends.open(List.of(spec.ref().table()))) {
            for (int t = 0; t < TRANSACTIONS; t++) {
                Map<Object, List<Entry<R>>> next = copy(model);
                int ops = 1 + random.nextInt(3);
                String[] plan = new String[ops];
                for (int i = 0; i < ops; i++) {
                    int pick = random.nextInt(100);
                    plan[i] = pick < 45 ? "append" : pick < 75 ? "distinct" : pick < 82 ? "trim" : pick < 90
                            ? "delete" : "update";
                }
                List<R> records = new ArrayList<>();
                for (int i = 0; i < ops; i++) {
                    records.add(spec.random().apply(random));
                }
                int[] choices = new int[ops];
                for (int i = 0; i < ops; i++) {
                    choices[i] = random.nextInt(1 << 16);
                }
                int[] stats = new int[3];
                db.run(0, tx -> {
                    for (int i = 0; i < ops; i++) {
                        R record = records.get(i);
                        Object key = keyOf(record, def);
                        List<Entry<R>> list = next.computeIfAbsent(key, k -> new ArrayList<>());
                        switch (plan[i]) {
                            case "append", "distinct" -> {
                                boolean distinct = plan[i].equals("distinct");
                                ListOracle.Appended expected = ListOracle.append(list, def, record,
                                        distinct ? spec.distinct() : null);
                                stats[1] += expected.replaced();
                                stats[2] += expected.evicted();
                                V row = distinct ? tx.appendDistinct(spec.ref(), record, spec.distinct())
                                        : tx.append(spec.ref(), record);
                                if (expected.evictedItself()) {
                                    assertNull(row, "an append evicted at once returns no row");
                                    stats[0]++;
                                } else {
                                    assertEquals(record, row.toRecord());
                                    assertEquals(expected.seq(), row.segment().get(Layouts.I64, row.offset() + seqOffset));
                                }
                            }
                            case "trim" -> {
                                int keep = choices[i] % (def.capacity() + 1);
                                int removed = Math.max(0, list.size() - keep);
                                for (int n = 0; n < removed; n++) {
                                    list.remove(def.eviction() == Eviction.FIRST ? 0 : list.size() - 1);
                                }
                                assertEquals(removed, tx.trim(spec.ref(), key, keep));
                            }
                            case "delete", "update" -> {
                                if (list.isEmpty()) {
                                    continue;
                                }
                                int at = choices[i] % list.size();
                                long id = tx.id(tx.list(spec.ref(), key).get(at));
                                if (plan[i].equals("delete")) {
                                    list.remove(at);
                                    assertTrue(tx.delete(spec.ref().table(), id));
                                } else {
                                    // A new value in every column but the key: the row moves to where it now sorts.
                                    R changed = withKey(spec, record, key);
                                    list.set(at, new Entry<>(changed, list.get(at).seq()));
                                    list.sort(order);
                                    tx.update(spec.ref().table(), id).set(changed);
                                }
                            }
                            default -> throw new AssertionError(plan[i]);
                        }
                        assertEquals(next.get(key), ListOracle.read(tx, spec.ref(), key), "inside the transaction, "
                                + "after " + plan[i]);
                    }
                });
                evictedAtOnce += stats[0];
                replaced += stats[1];
                evictions += stats[2];
                model = next;
                for (Object key : spec.keys()) {
                    List<Entry<R>> expected = model.getOrDefault(key, List.of());
                    checkReads(db, spec, key, expected, seqOffset, random);
                }
            }
        }
        assertTrue(evictions > 100 && replaced > 50, "the run evicted (" + evictions + ") and replaced ("
                + replaced + ") rows");
        if (def.eviction() == Eviction.LAST) {
            assertTrue(evictedAtOnce > 10, "appends that evicted themselves: " + evictedAtOnce);
        }
    }

    private static <R extends Record, V extends RowView<R>> void checkReads(Database db, Spec<R, V> spec, Object key,
            List<Entry<R>> expected, long seqOffset, Random random) {
        int n = random.nextInt(spec.ref().list().capacity() + 2);
        int from = random.nextInt(spec.ref().list().capacity() + 1);
        db.run(0, tx -> {
            assertEquals(expected, ListOracle.read(tx, spec.ref(), key));
            assertEquals(expected.size(), tx.size(spec.ref(), key));
            assertEquals(records(expected.subList(0, Math.min(n, expected.size()))),
                    records(tx.head(spec.ref(), key, n)));
            assertEquals(records(expected.subList(Math.max(0, expected.size() - n), expected.size())),
                    records(tx.tail(spec.ref(), key, n)));
            int start = Math.min(from, expected.size());
            assertEquals(records(expected.subList(start, Math.min(expected.size(), start + n))),
                    records(tx.list(spec.ref(), key, from, n)));
            Object pivot = ListOracle.value(spec.random().apply(random), spec.distinct());
            assertEquals(records(expected.stream().filter(e -> Objects.equals(ListOracle.value(e.record(), spec.distinct()),
                            pivot)).toList()),
                    records(tx.list(spec.ref(), key, Filter.eq(spec.distinct(), pivot), Integer.MAX_VALUE)));
        });
    }

    private static <R extends Record> List<Object> records(List<?> rows) {
        return rows.stream().map(r -> r instanceof Entry<?> e ? e.record() : ((RowView<?>) r).toRecord())
                .map(Object.class::cast).toList();
    }

    private static Object keyOf(Record record, ListDef def) {
        return ListOracle.value(record, def.key());
    }

    /** A fresh record with the given list key. */
    private static <R extends Record, V extends RowView<R>> R withKey(Spec<R, V> spec, R template, Object key) {
        for (int attempt = 0; ; attempt++) {
            R candidate = spec.random().apply(new Random(template.hashCode() * 31L + attempt));
            if (Objects.equals(keyOf(candidate, spec.ref().list()), key)) {
                return candidate;
            }
        }
    }

    private static <R> Map<Object, List<Entry<R>>> copy(Map<Object, List<Entry<R>>> model) {
        Map<Object, List<Entry<R>>> copy = new HashMap<>();
        model.forEach((k, v) -> copy.put(k, new ArrayList<>(v)));
        return copy;
    }
}
