package io.hetu.server.subscription;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.schema.Key;
import io.hetu.schema.Layouts;
import io.hetu.schema.ListRef;
import io.hetu.schema.RowView;
import io.hetu.storage.Database;
import io.hetu.storage.TestSeeds;
import io.hetu.storage.Transaction;
import io.hetu.storage.embedded.Embedded;
import io.hetu.storage.lists.Mail;
import io.hetu.storage.lists.MailTable;
import io.hetu.storage.lists.Rank;
import io.hetu.storage.lists.RankRow;
import io.hetu.storage.lists.RankTable;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Subscriptions to a list and to its top N are range queries on the list's index with a limit, so
 * the engine keeps them live: an evicted row leaves as a delete, a row that enters the window
 * arrives as an insert, a row that moves within it as an update. Checked against the list read
 * back from storage after every commit of a random run.
 */
class ListSubscriptionTest {

    private static final int RANK = 0;
    private static final int MAIL = 1;

    private Database db;
    private Subscriptions engine;

    @BeforeEach
    void open() {
        db = Embedded.inMemory(List.of(RankTable.TABLE, MailTable.TABLE));
        engine = new Subscriptions(db, SubscriptionLimits.DEFAULTS);
    }

    @AfterEach
    void close() {
        engine.close();
        db.close();
    }

    @Test
    void anEvictionIsPushedAsADeleteAndTheAppendAsAnInsert() {
        TestClient client = new TestClient();
        int whole = subscribe(client, MAIL, MailTable.LIST, 9L, 5, false);
        int newestTwo = subscribe(client, MAIL, MailTable.LIST, 9L, 2, true);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Mail mail = new Mail(9, i, "hi " + i);
            ids.add(db.transact(0, tx -> tx.id(tx.append(MailTable.LIST, mail))));
        }
        drain();
        assertEquals(ids, new ArrayList<>(client.mirror(whole).keySet()));
        int framesBefore = client.frames().size();

        long sixth = db.transact(0, tx -> tx.id(tx.append(MailTable.LIST, new Mail(9, 5, "hi 5"))));
        drain();
        List<TestClient.Item> items = new ArrayList<>();
        client.frames().subList(framesBefore, client.frames().size()).forEach(f -> items.addAll(f.items()));
        List<String> seen = items.stream().map(i -> i.subscription() + ":" + "+~-".charAt(i.kind() - 1) + i.rowId())
                .sorted().toList();
        List<String> expected = new ArrayList<>(List.of(whole + ":-" + ids.getFirst(), whole + ":+" + sixth,
                newestTwo + ":-" + ids.get(3), newestTwo + ":+" + sixth));
        expected.sort(null);
        assertEquals(expected, seen, "the oldest left the list, the newest entered both windows");
        assertEquals(List.of(), client.violations());
    }

    @Test
    void aLiveTopThreeFollowsRandomAppendsReplacementsAndScoreChanges() {
        Random random = new Random(TestSeeds.seed("ListSubscriptionTest"));
        TestClient client = new TestClient();
        int topThree = subscribe(client, RANK, RankTable.LIST, 1, 3, false);
        int whole = subscribe(client, RANK, RankTable.LIST, 1, 100, false);
        int bottomTwo = subscribe(client, RANK, RankTable.LIST, 1, 2, true);
        int otherSeason = subscribe(client, RANK, RankTable.LIST, 2, 3, false);
        int entered = 0;
        int left = 0;
        for (int step = 0; step < 600; step++) {
            int season = 1 + random.nextInt(2);
            Rank rank = new Rank(season, random.nextInt(10), random.nextInt(8) * 10, (short) random.nextInt(3));
            int pick = random.nextInt(10);
            db.run(0, tx -> {
                if (pick < 4) {
                    tx.append(RankTable.LIST, rank);
                } else if (pick < 8) {
                    tx.appendDistinct(RankTable.LIST, rank, "player");
                } else {
                    List<RankRow> rows = tx.list(RankTable.LIST, season);
                    if (!rows.isEmpty()) {
                        long id = tx.id(rows.get(random.nextInt(rows.size())));
                        tx.update(RankTable.TABLE, id).points(rank.points());
                    }
                }
            });
            drain();
            assertEquals(expected(RankTable.LIST, 1, 3, false), held(client, topThree), "top three at step " + step);
            assertEquals(expected(RankTable.LIST, 1, 100, false), held(client, whole), "whole list at " + step);
            assertEquals(expected(RankTable.LIST, 1, 2, true), held(client, bottomTwo), "bottom two at " + step);
            assertEquals(expected(RankTable.LIST, 2, 3, false), held(client, otherSeason), "season 2 at " + step);
        }
        for (TestClient.Frame frame : client.frames()) {
            for (TestClient.Item item : frame.items()) {
                if (item.subscription() == topThree) {
                    entered += item.kind() == 1 ? 1 : 0;
                    left += item.kind() == 3 ? 1 : 0;
                }
            }
        }
        assertTrue(entered > 20 && left > 20, "rows entered (" + entered + ") and left (" + left + ") the top three");
        assertEquals(List.of(), client.violations());
    }

    private int subscribe(TestClient client, int table, ListRef<?, ?> list, Object key, int limit, boolean desc) {
        Key bound = Key.of(list.table().layout().field(list.list().key()), key);
        return client.query(engine, table, list.table(), list.list().index(), bound, true, bound, true, limit, desc);
    }

    /** The rows a client holds for a subscription: id to row bytes in hex. */
    private static Map<Long, String> held(TestClient client, int subscription) {
        Map<Long, String> rows = new TreeMap<>();
        client.mirror(subscription).forEach((id, row) -> rows.put(id, HexFormat.of().formatHex(row)));
        return rows;
    }

    /** The first (or last) rows of a list read from storage, as a subscriber holds them. */
    private <R extends Record, V extends RowView<R>> Map<Long, String> expected(ListRef<R, V> list, Object key,
            int count, boolean fromTheEnd) {
        return db.transact(0, (Transaction tx) -> {
            Map<Long, String> rows = new TreeMap<>();
            for (V row : fromTheEnd ? tx.tail(list, key, count).reversed() : tx.head(list, key, count)) {
                rows.put(tx.id(row), HexFormat.of().formatHex(row.segment()
                        .asSlice(row.offset(), list.table().layout().size()).toArray(Layouts.I8)));
            }
            return rows;
        });
    }

    private void drain() {
        try {
            engine.drained().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the engine did not drain", e);
        }
    }
}
