package io.hetu.server.subscription;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hetu.schema.TableDescriptor;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Read permissions on snapshots, on changes, and when the row or the session changes. */
class PermissionsTest extends EngineFixture {

    @BeforeEach
    void start() {
        open(SubscriptionLimits.DEFAULTS);
    }

    private long insert(TableDescriptor<?, ?> table, Record record) {
        return db.transact(0, tx -> tx.id(insertRow(tx, table, record)));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static io.hetu.schema.RowView<?> insertRow(io.hetu.storage.Transaction tx, TableDescriptor table,
            Record record) {
        return tx.insert(table, record);
    }

    private TestClient loggedIn(long user) {
        TestClient client = new TestClient();
        sessions.edit(client, context -> context.elevate(user, true));
        return client;
    }

    private int all(TestClient client, int table) {
        return client.query(engine, table, TABLES.get(table), 0, null, false, null, false, Integer.MAX_VALUE, false);
    }

    private static Set<Long> ids(TestClient client, int subscription) {
        return new TreeSet<>(client.mirror(subscription).keySet());
    }

    @Test
    void ownersSeeTheirOwnRowsAndRowsMoveBetweenThem() {
        long ones = insert(LootTable.TABLE, new Loot(1, 1, 0));
        long twos = insert(LootTable.TABLE, new Loot(2, 2, 0));
        insert(LootTable.TABLE, new Loot(3, 0, 0));
        TestClient first = loggedIn(1);
        TestClient second = loggedIn(2);
        TestClient anonymous = new TestClient();
        int a = all(first, LOOT);
        int b = all(second, LOOT);
        int c = all(anonymous, LOOT);
        int byId = second.select(engine, LOOT, LootTable.TABLE, ones);
        drain();
        assertEquals(Set.of(ones), ids(first, a));
        assertEquals(Set.of(twos), ids(second, b));
        assertEquals(Set.of(), ids(anonymous, c), "not logged in owns nothing, and is not rejected");
        assertEquals(Set.of(), ids(second, byId));

        db.run(0, tx -> tx.update(LootTable.TABLE, ones).owner(2));
        drain();
        assertEquals(Set.of(), ids(first, a));
        assertEquals(Set.of(ones, twos), ids(second, b));
        assertEquals(Set.of(ones), ids(second, byId));
        assertEquals(3, first.frames().getLast().items().getFirst().kind(), "a row that is no longer readable leaves");

        sessions.edit(second, context -> context.elevate(1, true));
        drain();
        assertEquals(Set.of(), ids(second, b));
        assertEquals(Set.of(), ids(second, byId));
        sessions.edit(anonymous, context -> context.elevate(2, true));
        drain();
        assertEquals(Set.of(ones, twos), ids(anonymous, c));
        for (TestClient client : List.of(first, second, anonymous)) {
            assertClean(client);
        }
    }

    @Test
    void rlsComparesTheRowWithTheSessionValue() {
        long guildOne = insert(NoteTable.TABLE, new Note(1, 1, 0));
        long guildTwo = insert(NoteTable.TABLE, new Note(2, 2, 0));
        TestClient member = new TestClient();
        sessions.edit(member, context -> context.session("guild", 1L));
        int notes = all(member, NOTE);
        TestClient stranger = new TestClient();
        int none = all(stranger, NOTE);
        drain();
        assertEquals(Set.of(guildOne), ids(member, notes));
        assertEquals(Set.of(), ids(stranger, none), "no session value: no rows");

        sessions.edit(member, context -> context.session("guild", 2));
        drain();
        assertEquals(Set.of(guildTwo), ids(member, notes), "an Integer session value compares with a long column");

        sessions.edit(member, context -> context.session("guild", "two"));
        drain();
        assertEquals(Set.of(), ids(member, notes), "a value of another type matches no row");

        sessions.edit(member, context -> context.session("guild", 1L));
        db.run(0, tx -> tx.update(NoteTable.TABLE, guildTwo).guild(1));
        drain();
        assertEquals(Set.of(guildOne, guildTwo), ids(member, notes));
        assertClean(member);
        assertClean(stranger);
    }

    @Test
    void orderedRlsRulesUseTheColumnsOrder() {
        long[] secrets = new long[5];
        for (int clearance = 0; clearance < 5; clearance++) {
            secrets[clearance] = insert(SecretTable.TABLE, new Secret(clearance, clearance, 0));
        }
        TestClient agent = new TestClient();
        sessions.edit(agent, context -> context.session("clearance", 2));
        int topics = topTopics(agent);
        drain();
        assertEquals(Set.of(secrets[0], secrets[1], secrets[2]), ids(agent, topics));

        db.run(0, tx -> tx.update(SecretTable.TABLE, secrets[4]).clearance(-1));
        db.run(0, tx -> tx.update(SecretTable.TABLE, secrets[0]).clearance(3));
        drain();
        assertEquals(Set.of(secrets[1], secrets[2], secrets[4]), ids(agent, topics));
        assertClean(agent);
    }

    private int topTopics(TestClient agent) {
        // The three highest readable topics, highest first: the window skips unreadable rows.
        return agent.query(engine, SECRET, SecretTable.TABLE, SecretTable.TOPIC.position(), null, false, null, false,
                3, true);
    }

    @Test
    void anAdministratorWhoStopsBeingOneLosesTheRows() {
        long entry = insert(AuditTable.TABLE, new Audit(1, 0));
        TestClient admin = new TestClient();
        sessions.edit(admin, context -> context.setAdmin(true));
        int audit = all(admin, AUDIT);
        drain();
        assertEquals(Set.of(entry), ids(admin, audit));
        sessions.edit(admin, context -> context.setAdmin(false));
        drain();
        assertEquals(Set.of(), ids(admin, audit));
        long later = insert(AuditTable.TABLE, new Audit(2, 0));
        drain();
        assertEquals(Set.of(), ids(admin, audit));
        sessions.edit(admin, context -> context.setAdmin(true));
        drain();
        assertEquals(Set.of(entry, later), ids(admin, audit));
        assertClean(admin);
    }

    @Test
    void usersSeeUserComponentsOnceLoggedIn() {
        long profile = insert(ProfileTable.TABLE, new Profile(7, 1));
        TestClient user = loggedIn(7);
        int mine = user.selectUnique(engine, PROFILE, ProfileTable.TABLE, ProfileTable.USER.position(),
                io.hetu.schema.Key.ofLong(ProfileTable.USER.column(), 7));
        drain();
        assertEquals(Set.of(profile), ids(user, mine));
        assertClean(user);
    }
}
