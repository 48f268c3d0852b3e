package io.hetu.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.schema.KeyRange;
import io.hetu.storage.fixtures.Item;
import io.hetu.storage.fixtures.ItemTable;
import io.hetu.storage.fixtures.Position;
import io.hetu.storage.fixtures.PositionRow;
import io.hetu.storage.fixtures.PositionTable;
import io.hetu.storage.spi.ChangeKind;
import io.hetu.storage.spi.ChangeSet;
import io.hetu.system.UniqueViolationException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

@Conformance
class DatabaseSmokeTest {

    @Test
    void upsertGetRangeDelete() {
        try (Database db = Backends.open(List.of(PositionTable.TABLE, ItemTable.TABLE))) {
            List<ChangeSet> feed = new CopyOnWriteArrayList<>();
            db.addChangeListener(feed::add);
            long id = db.transact(0, tx -> {
                PositionRow row = tx.upsert(PositionTable.OWNER, 42L).x(1f).y(2f);
                return tx.id(row);
            });
            Position read = db.transact(0, tx -> tx.get(PositionTable.TABLE, id).toRecord());
            assertEquals(new Position(1f, 2f, 42L), read);
            db.run(0, tx -> tx.upsert(PositionTable.OWNER, 42L).x(5f));
            float x = db.transact(0, tx -> tx.getBy(PositionTable.OWNER, 42L).x());
            assertEquals(5f, x);
            // Listeners hear of commits after they are durable, on the backend's own thread (on Redis,
            // through its change stream), so the feed may trail the commit that just returned.
            Backends.awaitFeed(feed, 2);
            assertEquals(2, feed.size());
            assertEquals(ChangeKind.UPDATE, feed.get(1).changes().getFirst().kind());

            db.run(0, tx -> {
                for (int i = 0; i < 300; i++) {
                    tx.insert(ItemTable.TABLE, new Item(i % 10, "item-" + i, i * 0.5, i));
                }
            });
            List<Item> level3 = db.transact(0, tx -> tx.range(ItemTable.LEVEL, KeyRange.equalTo(3), 1000, false)
                    .stream().map(r -> r.toRecord()).toList());
            assertEquals(30, level3.size());
            List<Double> top = db.transact(0, tx -> tx.range(ItemTable.SCORE, KeyRange.all(), 3, true)
                    .stream().map(r -> r.score()).toList());
            assertEquals(List.of(149.5, 149.0, 148.5), top);
            assertThrows(UniqueViolationException.class,
                    () -> db.run(0, tx -> tx.insert(ItemTable.TABLE, new Item(1, "item-7", 0, 0))));
            db.run(0, tx -> assertTrue(tx.delete(PositionTable.TABLE, id)));
            assertNull(db.transact(0, tx -> tx.getBy(PositionTable.OWNER, 42L)));
        }
    }
}
