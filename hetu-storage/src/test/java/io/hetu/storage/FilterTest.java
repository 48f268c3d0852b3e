package io.hetu.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.schema.Filter;
import io.hetu.schema.KeyRange;
import io.hetu.storage.fixtures.Note;
import io.hetu.storage.fixtures.NoteRow;
import io.hetu.storage.fixtures.NoteTable;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every filter operator over ranges and whole-table scans, checked against the expected rows. */
@Conformance
class FilterTest {

    private Database db;

    @BeforeEach
    void fill() {
        db = Backends.open(List.of(NoteTable.TABLE));
        db.run(0, tx -> {
            tx.insert(NoteTable.TABLE, new Note(1, "hello world", 5, "a"));
            tx.insert(NoteTable.TABLE, new Note(2, "hello there", null, null));
            tx.insert(NoteTable.TABLE, new Note(3, "goodbye world", 3, "b"));
            tx.insert(NoteTable.TABLE, new Note(4, "河图 world", 4, null));
            tx.insert(NoteTable.TABLE, new Note(5, "", 1, "a"));
        });
    }

    private List<Integer> ranks(Filter filter) {
        return db.transact(0, tx -> tx.scan(NoteTable.TABLE, filter, 100).stream().map(NoteRow::rank).sorted()
                .toList());
    }

    @Test
    void everyOperator() {
        assertEquals(List.of(3), ranks(Filter.eq("rank", 3)));
        assertEquals(List.of(1, 2, 4, 5), ranks(Filter.notEq("rank", 3)));
        assertEquals(List.of(1, 2), ranks(Filter.lt("rank", 3)));
        assertEquals(List.of(1, 2, 3), ranks(Filter.lte("rank", 3)));
        assertEquals(List.of(4, 5), ranks(Filter.gt("rank", 3)));
        assertEquals(List.of(3, 4, 5), ranks(Filter.gte("rank", 3)));
        assertEquals(List.of(2, 3, 4), ranks(Filter.between("rank", 2, 4)));
        assertEquals(List.of(1, 5), ranks(Filter.in("rank", 1, 5, 99)));
        assertEquals(List.of(2, 3, 4), ranks(Filter.notIn("rank", 1, 5)));
        assertEquals(List.of(1, 2), ranks(Filter.startsWith("text", "hello")));
        assertEquals(List.of(1, 3, 4), ranks(Filter.endsWith("text", "world")));
        assertEquals(List.of(2), ranks(Filter.contains("text", "o w").or(Filter.contains("text", "there"))
                .and(Filter.not(Filter.eq("rank", 1)))));
        assertEquals(List.of(4), ranks(Filter.contains("text", "图")));
        assertEquals(List.of(1, 2, 3, 4, 5), ranks(Filter.startsWith("text", "")));
        assertEquals(List.of(2), ranks(Filter.isNull("stars")));
        assertEquals(List.of(1, 3, 4, 5), ranks(Filter.notNull("stars")));
        assertEquals(List.of(2, 4), ranks(Filter.isNull("tag")));
        assertEquals(List.of(1, 4), ranks(Filter.gte("stars", 4)), "a null column fails every comparison");
        assertEquals(List.of(1, 5), ranks(Filter.eq("tag", "a")));
        assertEquals(List.of(1, 2, 3, 4, 5), ranks(null));
    }

    @Test
    void filteredRangesKeepIndexOrderAndLimit() {
        List<Integer> ranks = db.transact(0, tx -> tx.range(NoteTable.RANK, KeyRange.atLeast(2),
                Filter.notNull("stars"), 2, true).stream().map(NoteRow::rank).toList());
        assertEquals(List.of(5, 4), ranks);
        List<Integer> withOwnWrites = db.transact(0, tx -> {
            tx.insert(NoteTable.TABLE, new Note(6, "new", 9, null));
            tx.update(NoteTable.TABLE, tx.id(tx.range(NoteTable.RANK, KeyRange.equalTo(5), 1, false).getFirst()))
                    .stars((Integer) null);
            return tx.range(NoteTable.RANK, KeyRange.all(), Filter.notNull("stars"), 10, false).stream()
                    .map(NoteRow::rank).toList();
        });
        assertEquals(List.of(1, 3, 4, 6), withOwnWrites, "the transaction's own insert and update are filtered too");
    }

    @Test
    void aFilteredReadConflictsOnlyWithChangesToRowsItMatched() {
        AtomicInteger attempts = new AtomicInteger();
        db.run(3, tx -> {
            attempts.incrementAndGet();
            tx.scan(NoteTable.TABLE, Filter.eq("tag", "b"), 10);
            if (attempts.get() == 1) {
                // Another commit changes a row the filter rejects: no conflict.
                Thread other = Thread.ofPlatform().start(() -> db.run(0,
                        t -> t.update(NoteTable.TABLE, t.id(t.scan(NoteTable.TABLE, Filter.eq("rank", 1), 1)
                                .getFirst())).stars(0)));
                join(other);
            }
            tx.insert(NoteTable.TABLE, new Note(7, "x", 1, null));
        });
        assertEquals(1, attempts.get());

        AtomicInteger second = new AtomicInteger();
        db.run(3, tx -> {
            second.incrementAndGet();
            tx.scan(NoteTable.TABLE, Filter.eq("tag", "b"), 10);
            if (second.get() == 1) {
                // Another commit adds a row the filter matches: a phantom, so this transaction reruns.
                Thread other = Thread.ofPlatform().start(() -> db.run(0,
                        t -> t.insert(NoteTable.TABLE, new Note(8, "y", 1, "b"))));
                join(other);
            }
            tx.insert(NoteTable.TABLE, new Note(9, "z", 1, null));
        });
        assertEquals(2, second.get());
    }

    @Test
    void badFiltersNameTheProblem() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> ranks(Filter.eq("rnak", 1)));
        assertTrue(missing.getMessage().contains("'rnak'") && missing.getMessage().contains("rank"),
                missing.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> ranks(Filter.eq("rank", "one")));
        assertTrue(type.getMessage().contains("rank"), type.getMessage());
        IllegalArgumentException text = assertThrows(IllegalArgumentException.class,
                () -> ranks(Filter.startsWith("rank", "1")));
        assertTrue(text.getMessage().contains("text filters apply to String columns"), text.getMessage());
    }

    @Test
    void insertAllIsAllOrNothing() {
        long[] ids = db.transact(0, tx -> tx.insertAll(NoteTable.TABLE, List.of(new Note(20, "a", 1, null),
                new Note(21, "b", 2, null))));
        assertEquals(2, ids.length);
        int rank = db.transact(0, tx -> tx.get(NoteTable.TABLE, ids[1]).rank());
        assertEquals(21, rank);
        assertThrows(io.hetu.schema.FieldValueException.class, () -> db.run(0, tx -> {
            try {
                tx.insertAll(NoteTable.TABLE, List.of(new Note(30, "fine", 1, null),
                        new Note(31, "x".repeat(33), 1, null)));
            } finally {
                assertEquals(List.of(), tx.range(NoteTable.RANK, KeyRange.atLeast(30), 10, false),
                        "the valid record was taken back too");
            }
        }));
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
