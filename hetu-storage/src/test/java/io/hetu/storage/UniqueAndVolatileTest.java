package io.hetu.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.schema.FieldValueException;
import io.hetu.schema.KeyRange;
import io.hetu.storage.fixtures.Account;
import io.hetu.storage.fixtures.AccountTable;
import io.hetu.storage.fixtures.Item;
import io.hetu.storage.fixtures.ItemRow;
import io.hetu.storage.fixtures.ItemTable;
import io.hetu.storage.fixtures.Presence;
import io.hetu.storage.fixtures.PresenceRow;
import io.hetu.storage.fixtures.PresenceTable;
import io.hetu.storage.spi.Change;
import io.hetu.storage.spi.ChangeKind;
import io.hetu.storage.spi.ChangeSet;
import io.hetu.system.UniqueViolationException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Unique columns at commit (violations, swaps, moves) and volatile components. */
@Conformance
class UniqueAndVolatileTest {

    private Database db;

    @BeforeEach
    void open() {
        db = Backends.open(List.of(ItemTable.TABLE, AccountTable.TABLE, PresenceTable.TABLE));
    }

    @AfterEach
    void close() {
        db.close();
    }

    private long insert(Item item) {
        return db.transact(0, tx -> tx.id(tx.insert(ItemTable.TABLE, item)));
    }

    /** Every Item, in name order. */
    private List<Item> items() {
        return db.transact(0, tx -> tx.range(ItemTable.NAME, KeyRange.all(), Integer.MAX_VALUE, false).stream()
                .map(ItemRow::toRecord).toList());
    }

    private Long idOf(String name) {
        return db.transact(0, tx -> {
            ItemRow row = tx.getBy(ItemTable.NAME, name);
            return row == null ? null : tx.id(row);
        });
    }

    @Test
    void insertOfAHeldKeyFailsWithoutRetriesAndChangesNothing() {
        insert(new Item(1, "a", 1.0, 10));
        db.run(0, tx -> tx.insert(AccountTable.TABLE, new Account(7, 70)));
        long seq = db.backend().lastSeq();
        List<Item> before = items();

        AtomicInteger runs = new AtomicInteger();
        assertThrows(UniqueViolationException.class, () -> db.run(5, tx -> {
            runs.incrementAndGet();
            tx.insert(ItemTable.TABLE, new Item(2, "b", 2.0, 20));
            tx.insert(ItemTable.TABLE, new Item(3, "a", 3.0, 30));
        }));
        assertEquals(1, runs.get(), "a unique violation is not retried");
        assertThrows(UniqueViolationException.class,
                () -> db.run(0, tx -> tx.insert(AccountTable.TABLE, new Account(7, 1))));

        assertEquals(seq, db.backend().lastSeq(), "a failed commit takes no seq");
        assertEquals(before, items());
        assertNull(idOf("b"), "the other insert of the failed transaction is gone too");
        assertEquals(70L, (long) db.transact(0, tx -> tx.getBy(AccountTable.OWNER, 7L).balance()));
        assertEquals(1, (int) db.transact(0, tx -> tx.range(AccountTable.OWNER, KeyRange.all(), 10, false).size()));
    }

    @Test
    void updateThatTakesAHeldKeyFailsUnlessTheHolderLetsGo() {
        long a = insert(new Item(1, "a", 1.0, 0));
        long b = insert(new Item(2, "b", 2.0, 0));

        assertThrows(UniqueViolationException.class,
                () -> db.run(0, tx -> tx.update(ItemTable.TABLE, b).name("a").level(9)));
        assertEquals(List.of(new Item(1, "a", 1.0, 0), new Item(2, "b", 2.0, 0)), items());

        // The holder is renamed in the same transaction, after the row that takes its key.
        db.run(0, tx -> {
            tx.update(ItemTable.TABLE, b).name("a");
            tx.update(ItemTable.TABLE, a).name("c");
        });
        assertEquals(b, (long) idOf("a"));
        assertEquals(a, (long) idOf("c"));
        assertNull(idOf("b"));

        // The holder is deleted in the same transaction.
        db.run(0, tx -> {
            tx.update(ItemTable.TABLE, a).name("a");
            assertTrue(tx.delete(ItemTable.TABLE, b));
        });
        assertEquals(List.of(new Item(1, "a", 1.0, 0)), items());
        assertEquals(a, (long) idOf("a"));
    }

    @Test
    void twoInsertsWithOneKeyInOneTransactionFail() {
        insert(new Item(0, "other", 0, 0));
        assertThrows(UniqueViolationException.class, () -> db.run(0, tx -> {
            tx.insert(ItemTable.TABLE, new Item(1, "x", 1.0, 0));
            tx.insert(ItemTable.TABLE, new Item(2, "x", 2.0, 0));
        }));
        assertEquals(List.of(new Item(0, "other", 0, 0)), items());

        // Unless one of them is deleted again, or moves to another key, before the commit.
        db.run(0, tx -> {
            ItemRow first = tx.insert(ItemTable.TABLE, new Item(1, "x", 1.0, 0));
            tx.insert(ItemTable.TABLE, new Item(2, "x", 2.0, 0));
            assertTrue(tx.delete(ItemTable.TABLE, tx.id(first)));
            ItemRow third = tx.insert(ItemTable.TABLE, new Item(3, "y", 3.0, 0));
            tx.insert(ItemTable.TABLE, new Item(4, "z", 4.0, 0));
            third.name("w");
            tx.insert(ItemTable.TABLE, new Item(5, "y", 5.0, 0));
        });
        assertEquals(List.of(new Item(0, "other", 0, 0), new Item(3, "w", 3.0, 0), new Item(2, "x", 2.0, 0),
                new Item(5, "y", 5.0, 0), new Item(4, "z", 4.0, 0)), items());
    }

    @Test
    void swappingUniqueKeysCommits() {
        long a = insert(new Item(1, "a", 1.0, 0));
        long b = insert(new Item(2, "b", 2.0, 0));
        long c = insert(new Item(3, "c", 3.0, 0));
        db.run(0, tx -> tx.insert(AccountTable.TABLE, new Account(1, 100)));
        db.run(0, tx -> tx.insert(AccountTable.TABLE, new Account(2, 200)));

        db.run(0, tx -> {
            tx.update(ItemTable.TABLE, a).name("b");
            tx.update(ItemTable.TABLE, b).name("a");
            // The transaction sees the swap before it commits.
            assertEquals(b, tx.id(tx.getBy(ItemTable.NAME, "a")));
            assertEquals(a, tx.id(tx.getBy(ItemTable.NAME, "b")));
            List<ItemRow> byName = tx.range(ItemTable.NAME, KeyRange.closed("a", "b"), 10, false);
            assertEquals(List.of(b, a), byName.stream().map(tx::id).toList());
        });
        assertEquals(b, (long) idOf("a"));
        assertEquals(a, (long) idOf("b"));

        // A rotation of three, and one through a temporary key.
        db.run(0, tx -> {
            tx.update(ItemTable.TABLE, a).name("c");
            tx.update(ItemTable.TABLE, c).name("a");
            tx.update(ItemTable.TABLE, b).name("tmp");
            tx.update(ItemTable.TABLE, c).name("b");
            tx.update(ItemTable.TABLE, b).name("a");
        });
        assertEquals(List.of(new Item(2, "a", 2.0, 0), new Item(3, "b", 3.0, 0), new Item(1, "c", 1.0, 0)), items());

        db.run(0, tx -> {
            long second = tx.id(tx.getBy(AccountTable.OWNER, 2L));
            tx.upsert(AccountTable.OWNER, 1L).owner(2);
            tx.update(AccountTable.TABLE, second).owner(1);
        });
        assertEquals(200L, (long) db.transact(0, tx -> tx.getBy(AccountTable.OWNER, 1L).balance()));
        assertEquals(100L, (long) db.transact(0, tx -> tx.getBy(AccountTable.OWNER, 2L).balance()));
    }

    @Test
    void deleteAndReinsertOfAKeyInOneTransaction() {
        long a = insert(new Item(1, "a", 1.0, 0));
        long b = insert(new Item(2, "b", 2.0, 0));
        long newA = db.transact(0, tx -> {
            assertTrue(tx.delete(ItemTable.TABLE, a));
            assertNull(tx.getBy(ItemTable.NAME, "a"));
            return tx.id(tx.insert(ItemTable.TABLE, new Item(10, "a", 10.0, 0)));
        });
        assertNotEquals(a, newA, "ids are never reused");
        long newB = db.transact(0, tx -> {
            long id = tx.id(tx.insert(ItemTable.TABLE, new Item(20, "b", 20.0, 0)));
            assertTrue(tx.delete(ItemTable.TABLE, b));
            return id;
        });
        long upserted = db.transact(0, tx -> {
            assertTrue(tx.delete(ItemTable.TABLE, newA));
            ItemRow row = tx.upsert(ItemTable.NAME, "a");
            assertEquals(new Item(0, "a", 0.0, 0), row.toRecord(), "upsert after delete makes a new row");
            row.level(30);
            return tx.id(row);
        });
        assertNotEquals(newA, upserted);
        assertEquals(List.of(new Item(30, "a", 0.0, 0), new Item(20, "b", 20.0, 0)), items());
        assertEquals(newB, (long) idOf("b"));
        assertNull(db.transact(0, tx -> tx.get(ItemTable.TABLE, a)));
        assertNull(db.transact(0, tx -> tx.get(ItemTable.TABLE, b)));
    }

    @Test
    void aRejectedWriteLeavesNoRowBehind() {
        String tooLong = "x".repeat(25);
        db.run(0, tx -> {
            assertThrows(FieldValueException.class, () -> tx.upsert(ItemTable.NAME, tooLong));
            assertThrows(FieldValueException.class,
                    () -> tx.insert(ItemTable.TABLE, new Item(1, tooLong, 1.0, 0)));
            tx.insert(ItemTable.TABLE, new Item(2, "kept", 2.0, 0));
        });
        assertEquals(List.of(new Item(2, "kept", 2.0, 0)), items());
        // A key longer than the column matches no row; looking it up is fine.
        assertNull(idOf(tooLong));
        // An empty name is a key like any other, and must still be free.
        insert(new Item(3, "", 3.0, 0));
    }

    @Test
    void volatileComponentBehavesLikeAnyTableInMemory() {
        assertFalse(PresenceTable.TABLE.durable());
        List<ChangeSet> feed = new CopyOnWriteArrayList<>();
        db.addChangeListener(feed::add);
        int players = 700;
        db.run(0, tx -> {
            for (int p = players; p >= 1; p--) {
                tx.insert(PresenceTable.TABLE, new Presence(p, p % 7));
            }
        });
        db.run(0, tx -> {
            // Mixed with a durable table in one transaction.
            tx.insert(ItemTable.TABLE, new Item(1, "lobby", 1.0, 0));
            tx.upsert(PresenceTable.OWNER, 5L).room(99);
            tx.upsert(PresenceTable.OWNER, players + 1L).room(1);
            assertTrue(tx.delete(PresenceTable.TABLE, tx.id(tx.getBy(PresenceTable.OWNER, 6L))));
        });
        assertThrows(UniqueViolationException.class,
                () -> db.run(0, tx -> tx.insert(PresenceTable.TABLE, new Presence(7, 0))));
        db.run(0, tx -> {
            assertEquals(99, tx.getBy(PresenceTable.OWNER, 5L).room());
            assertNull(tx.getBy(PresenceTable.OWNER, 6L));
            assertEquals(1, tx.getBy(PresenceTable.OWNER, players + 1L).room());
            List<PresenceRow> all = tx.range(PresenceTable.OWNER, KeyRange.all(), Integer.MAX_VALUE, false);
            assertEquals(players, all.size());
            for (int i = 1; i < all.size(); i++) {
                assertTrue(all.get(i - 1).owner() < all.get(i).owner(), "ordered by owner");
            }
            List<PresenceRow> top = tx.range(PresenceTable.OWNER, KeyRange.openClosed(600L, 1000L), 3, true);
            assertEquals(List.of(players + 1L, (long) players, players - 1L),
                    top.stream().map(PresenceRow::owner).toList());
            assertEquals(101, tx.range(PresenceTable.OWNER, KeyRange.open(600L, 1000L), 1000, false).size());
            // Rows of a volatile table are read back whole, by id too.
            PresenceRow five = tx.getBy(PresenceTable.OWNER, 5L);
            assertEquals(new Presence(5, 99), tx.get(PresenceTable.TABLE, tx.id(five)).toRecord());
        });
        Backends.awaitFeed(feed, 2);
        assertEquals(2, feed.size());
        assertEquals(players, feed.get(0).changes().size());
        List<Change> second = feed.get(1).changes();
        assertEquals(List.of(ChangeKind.INSERT, ChangeKind.UPDATE, ChangeKind.INSERT, ChangeKind.DELETE),
                second.stream().map(Change::kind).toList());
        assertEquals(List.of("Item", "Presence", "Presence", "Presence"),
                second.stream().map(ch -> ch.table().name()).toList());
        assertNotNull(second.get(1).before());
        assertNull(second.get(3).after());
    }
}
