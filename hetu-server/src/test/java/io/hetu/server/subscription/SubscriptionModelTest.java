package io.hetu.server.subscription;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.schema.TableDescriptor;
import io.hetu.storage.TestSeeds;
import io.hetu.storage.Transaction;
import io.hetu.system.UniqueViolationException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Random transactions against random subscribers. After every frame a client receives, each of its
 * subscriptions must equal its query re-run, with its permissions, at that frame's seq (the oracle
 * rebuilds every seq's rows from the change feed); at the end, the same against storage itself.
 */
class SubscriptionModelTest extends EngineFixture {

    private static final String[] NAMES = {"a", "ab", "abcdefgh", "abcdefgh1", "abcdefgh10", "abcdefgh2", "b", "é",
            "zz"};

    /** Runs per test; raise with -Dhetu.runs=N for a longer search. */
    private static final int RUNS = Integer.getInteger("hetu.runs", 3);

    private Oracle oracle;
    private Random random;
    private final List<TestClient> clients = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private int framesChecked;

    @Test
    void everyMirrorEqualsItsQueryAtEverySeq() {
        for (int run = 0; run < RUNS; run++) {
            long seed = TestSeeds.seed("everyMirrorEqualsItsQueryAtEverySeq");
            play(seed, new int[] {SCORE, LOOT, NOTE, SECRET}, 500, 0.02);
        }
    }

    @Test
    void everyMirrorEqualsItsQueryAtEverySeqWithAPushWindow() {
        pushWindow = java.time.Duration.ofMillis(3);
        for (int run = 0; run < RUNS; run++) {
            long seed = TestSeeds.seed("everyMirrorEqualsItsQueryAtEverySeqWithAPushWindow");
            play(seed, new int[] {SCORE, LOOT, NOTE, SECRET}, 300, 0.05);
        }
    }

    @Test
    void permissionsHoldWhileOwnersMoveAndSessionsChange() {
        for (int run = 0; run < RUNS; run++) {
            long seed = TestSeeds.seed("permissionsHoldWhileOwnersMoveAndSessionsChange");
            play(seed, new int[] {LOOT, NOTE, SECRET}, 400, 0.12);
        }
    }

    private void play(long seed, int[] tables, int steps, double sessionChanges) {
        closeAll();
        clients.clear();
        problems.clear();
        framesChecked = 0;
        random = new Random(seed);
        oracle = new Oracle();
        open(new SubscriptionLimits(64, 10_000), oracle);
        for (int i = 0; i < 5; i++) {
            clients.add(newClient());
        }
        for (int i = 0; i < 30; i++) {
            transaction(tables);
        }
        for (int step = 0; step < steps; step++) {
            double roll = random.nextDouble();
            if (roll < 0.6) {
                transaction(tables);
            } else if (roll < 0.75) {
                subscribe(pick(clients), tables);
            } else if (roll < 0.8) {
                unsubscribe(pick(clients));
            } else if (roll < 0.8 + sessionChanges) {
                drain();
                editSession(pick(clients));
                drain();
            } else if (roll < 0.81 + sessionChanges) {
                TestClient gone = pick(clients);
                engine.disconnected(gone);
                clients.set(clients.indexOf(gone), newClient());
            } else {
                // Let the engine fall behind by a few commits at once.
                for (int i = 0; i < 5; i++) {
                    transaction(tables);
                }
            }
        }
        drain();
        long last = db.backend().lastSeq();
        for (TestClient client : clients) {
            check(client, last);
            assertEquals(List.of(), client.violations(), "seed " + seed);
        }
        assertEquals(List.of(), problems, "seed " + seed);
        for (int table : tables) {
            assertStorageMatchesTheOracle(table, last, seed);
        }
        assertTrue(framesChecked > 20, "frames were checked as they arrived (" + framesChecked + ")");
    }

    private TestClient newClient() {
        TestClient client = new TestClient();
        client.onFrame((c, frame) -> check(c, frame.seq()));
        if (random.nextBoolean()) {
            editSession(client);
        }
        return client;
    }

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    // ---------------------------------------------------------------- checking

    /** Runs on the engine's thread for every frame: the client's mirrors against the oracle at that seq. */
    private void check(TestClient client, long seq) {
        framesChecked++;
        oracle.verify(client, seq);
    }

    private void assertStorageMatchesTheOracle(int table, long seq, long seed) {
        Map<Long, byte[]> rows = oracle.rowsAt(table, seq);
        byte[] row = new byte[TABLES.get(table).layout().size()];
        for (Map.Entry<Long, byte[]> entry : rows.entrySet()) {
            db.backend().read(table, entry.getKey(), MemorySegment.ofArray(row), 0);
            assertArrayEquals(entry.getValue(), row, "seed " + seed);
        }
        int[] count = new int[1];
        db.backend().scan(table, 0, null, false, null, false, Integer.MAX_VALUE, false, (id, version, s, o) -> {
            count[0]++;
            return true;
        });
        assertEquals(rows.size(), count[0], "seed " + seed);
    }

    // ---------------------------------------------------------------- random subscribers

    private void subscribe(TestClient client, int[] tables) {
        int table = tables[random.nextInt(tables.length)];
        TableDescriptor<?, ?> descriptor = TABLES.get(table);
        Oracle.Spec spec;
        boolean unique = false;
        double kind = random.nextDouble();
        if (kind < 0.15) {
            List<Long> ids = ids(table);
            long id = ids.isEmpty() || random.nextInt(5) == 0 ? 1 + random.nextInt(1000) : pick(ids);
            spec = Oracle.Spec.byId(table, id);
        } else if (kind < 0.25 && table == SCORE) {
            unique = true;
            spec = Oracle.Spec.unique(table, ScoreTable.PLAYER.position(), (long) 1 + random.nextInt(40));
        } else {
            int index = random.nextInt(descriptor.indexes().size());
            if (table == SCORE && index == ScoreTable.PLAYER.position()) {
                index = ScoreTable.POINTS.position();
            }
            String column = descriptor.indexes().get(index).field();
            Object low = random.nextInt(3) == 0 ? null : value(table, column);
            Object high = random.nextInt(3) == 0 ? null : value(table, column);
            if (random.nextInt(6) == 0) {
                high = low;
            }
            int[] limits = {0, 1, 2, 3, 5, 8, Integer.MAX_VALUE};
            spec = new Oracle.Spec(table, index, 0, low, random.nextBoolean() || high == low, high,
                    random.nextBoolean() || high == low, limits[random.nextInt(limits.length)], random.nextBoolean());
        }
        try {
            spec.subscribe(client, engine, unique);
        } catch (LimitExceededException e) {
            // A connection over its limits: the server closes it. Here it only keeps what it had.
        }
    }

    private void unsubscribe(TestClient client) {
        List<Integer> held = new ArrayList<>(client.mirrors().keySet());
        if (held.isEmpty()) {
            return;
        }
        int subscription = pick(held);
        assertTrue(engine.unsubscribe(client, subscription));
        client.unsubscribed(subscription);
    }

    private void editSession(TestClient client) {
        Consumer<io.hetu.server.system.CallContext> edit = context -> {
            if (random.nextInt(3) > 0) {
                context.elevate(1 + random.nextInt(3), true);
            }
            Object[] guilds = {null, 1L, 2L, 3, "guild"};
            context.session("guild", guilds[random.nextInt(guilds.length)]);
            Object[] clearances = {null, 0, 1, 2, 3, 4, 2L, "high"};
            context.session("clearance", clearances[random.nextInt(clearances.length)]);
        };
        sessions.edit(client, edit);
    }

    // ---------------------------------------------------------------- random transactions

    private void transaction(int[] tables) {
        int operations = 1 + random.nextInt(4);
        List<Runnable> plan = new ArrayList<>();
        Transaction[] current = new Transaction[1];
        for (int i = 0; i < operations; i++) {
            int table = tables[random.nextInt(tables.length)];
            List<Long> ids = ids(table);
            double kind = random.nextDouble();
            if (ids.isEmpty() || kind < 0.4) {
                Record record = record(table, null);
                plan.add(() -> insert(current[0], TABLES.get(table), record));
            } else if (kind < 0.8) {
                long id = pick(ids);
                Record record = record(table, Oracle.decode(TABLES.get(table), oracle.rowsAt(table, Long.MAX_VALUE)
                        .get(id)));
                plan.add(() -> update(current[0], TABLES.get(table), id, record));
            } else {
                long id = pick(ids);
                plan.add(() -> current[0].delete(TABLES.get(table), id));
            }
        }
        try {
            db.run(0, tx -> {
                current[0] = tx;
                plan.forEach(Runnable::run);
            });
        } catch (UniqueViolationException e) {
            // Two scores for one player: the commit is refused as it should be.
        }
    }

    private List<Long> ids(int table) {
        List<Long> ids = new ArrayList<>(oracle.rowsAt(table, Long.MAX_VALUE).keySet());
        ids.sort(null);
        return ids;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void insert(Transaction tx, TableDescriptor table, Record record) {
        tx.insert(table, record);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void update(Transaction tx, TableDescriptor table, long id, Record record) {
        var row = tx.update(table, id);
        if (row != null) {
            row.set(record);
        }
    }

    /** A random row, or {@code base} with some columns changed. */
    private Record record(int table, Record base) {
        long payload = random.nextLong();
        return switch (table) {
            case SCORE -> {
                Score b = (Score) base;
                yield new Score(keep(b, () -> b.points(), (int) value(table, "points")),
                        keep(b, () -> b.player(), (long) value(table, "player")),
                        keep(b, () -> b.name(), (String) value(table, "name")), payload);
            }
            case LOOT -> {
                Loot b = (Loot) base;
                yield new Loot(keep(b, () -> b.slot(), (int) value(table, "slot")),
                        keep(b, () -> b.owner(), (long) value(table, "owner")), payload);
            }
            case NOTE -> {
                Note b = (Note) base;
                yield new Note(keep(b, () -> b.level(), (int) value(table, "level")),
                        keep(b, () -> b.guild(), (long) value(table, "guild")), payload);
            }
            case SECRET -> {
                Secret b = (Secret) base;
                yield new Secret(keep(b, () -> b.topic(), (int) value(table, "topic")),
                        keep(b, () -> b.clearance(), random.nextInt(5)), payload);
            }
            default -> throw new IllegalArgumentException("table " + table);
        };
    }

    private <T> T keep(Record base, java.util.function.Supplier<T> current, T fresh) {
        return base != null && random.nextInt(5) < 3 ? current.get() : fresh;
    }

    /** A random value of an indexed column, from a small domain so that keys collide. */
    private Object value(int table, String column) {
        return switch (column) {
            case "points" -> random.nextInt(30);
            case "player" -> (long) 1 + random.nextInt(40);
            case "name" -> NAMES[random.nextInt(NAMES.length)];
            case "owner" -> (long) random.nextInt(4);
            case "guild" -> (long) 1 + random.nextInt(3);
            case "slot", "level", "topic" -> random.nextInt(10);
            default -> throw new IllegalArgumentException(column);
        };
    }
}
