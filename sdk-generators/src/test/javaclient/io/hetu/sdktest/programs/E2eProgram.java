package io.hetu.sdktest.programs;

import static io.hetu.sdktest.programs.Checks.await;
import static io.hetu.sdktest.programs.Checks.check;
import static io.hetu.sdktest.programs.Checks.failure;
import static io.hetu.sdktest.programs.Checks.rejection;
import static io.hetu.sdktest.programs.Checks.same;
import static io.hetu.sdktest.programs.Checks.until;

import io.hetu.sdktest.client.ConnectOptions;
import io.hetu.sdktest.client.ConnectionState;
import io.hetu.sdktest.client.GadgetRow;
import io.hetu.sdktest.client.HetuClient;
import io.hetu.sdktest.client.HetuConnection;
import io.hetu.sdktest.client.HetuError;
import io.hetu.sdktest.client.HetuRejection;
import io.hetu.sdktest.client.Medal;
import io.hetu.sdktest.client.Mood;
import io.hetu.sdktest.client.QueryRange;
import io.hetu.sdktest.client.SpotRow;
import io.hetu.sdktest.client.Subscription;
import io.hetu.sdktest.client.Vec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Two clients of the generated SDK against a live server: every system and value type, rejections, many calls in
 * flight, a Gadget query and a Spot select kept up to date by another client's writes.
 */
public final class E2eProgram implements Function<Map<String, Object>, Map<String, Object>> {

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();

    @Override
    public Map<String, Object> apply(Map<String, Object> args) {
        ConnectOptions options = ConnectOptions.to((String) args.get("url")).withOnError(e -> errors.add(e.toString()));
        Map<String, Object> summary = new LinkedHashMap<>();
        try (HetuClient alice = await(HetuClient.connect(options), "alice's connect");
                HetuClient bob = await(HetuClient.connect(options), "bob's connect")) {
            calls(alice, bob, summary);
            subscriptions(alice, bob, summary);
            await(alice.connection().ping(), "a PING's PONG");
            summary.put("seq", alice.connection().lastSeq());
            alice.connection().close();
            same(ConnectionState.CLOSED, alice.connection().state(), "the state after close()");
            HetuError closed = failure(alice.systems().half(1L), HetuError.class, "a call after close()");
            summary.put("afterClose", closed.code());
            // A client of another schema is refused at the handshake, and the first connect fails with why.
            HetuError schema = failure(HetuConnection.open("00000000000000ff", options), HetuError.class,
                    "a connect with another schema");
            summary.put("otherSchema", schema.code());
            summary.put("listenerErrors", aListenerThatThrows(options.withOnError(null), bob));
        }
        summary.put("events", events);
        summary.put("errors", errors);
        return summary;
    }

    private static void calls(HetuClient alice, HetuClient bob, Map<String, Object> summary) {
        summary.put("moveToBeforeLogin", rejection(alice.systems().moveTo(1, 2), "moveTo before login").code());
        same(null, await(alice.login(c -> c.systems().login(1L)), "alice's login"), "login's result");
        same(null, await(alice.systems().moveTo(1.5f, -2f), "moveTo"), "moveTo's result");
        Vec sum = await(alice.systems().add(new Vec(1.5f, 2f), new Vec(-3f, 0.25f)), "add");
        same(new Vec(-1.5f, 2.25f), sum, "add's result");
        summary.put("add", List.of(sum.x(), sum.y()));
        summary.put("split", await(alice.systems().split("a b ç🎮"), "split"));
        summary.put("halfNull", await(alice.systems().half(null), "half(null)"));
        summary.put("halfBig", await(alice.systems().half(-9007199254740993L), "half"));
        summary.put("extremes", await(alice.systems().extremes(), "extremes"));
        same(new Medal("gold", 1), await(alice.systems().medal(1), "medal"), "a record result");
        same(false, await(alice.systems().removeGadget(999L), "removeGadget"), "removing what is not there");
        HetuRejection refused = rejection(alice.systems().refuse("NOT_ENOUGH_GOLD"), "refuse");
        same("refused: NOT_ENOUGH_GOLD", refused.getMessage(), "the rejection's message");
        same("HetuRejection NOT_ENOUGH_GOLD: refused: NOT_ENOUGH_GOLD", refused.toString(), "how it prints");
        summary.put("refuse", refused.code());
        summary.put("moveToByBob", rejection(bob.systems().moveTo(0, 0), "moveTo by bob").code());
        try {
            alice.systems().refuse(null);
            throw new AssertionError("a null where the type allows none is refused before sending");
        } catch (NullPointerException expected) {
            check(expected.getMessage().contains("argument code of sdk.refuse"), expected.getMessage());
        }

        // Many calls in flight on one connection.
        List<CompletableFuture<Vec>> inFlight = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            inFlight.add(alice.systems().add(new Vec(i, -i), new Vec(0.5f, i * 2)));
        }
        for (int i = 0; i < 64; i++) {
            same(new Vec(i + 0.5f, i), await(inFlight.get(i), "call " + i + " in flight"), "sum " + i);
        }
        summary.put("inFlight", inFlight.size());
    }

    private void subscriptions(HetuClient alice, HetuClient bob, Map<String, Object> summary) {
        Subscription<GadgetRow> gadgets = await(alice.gadget().queryByLevel(QueryRange.between(10, 20)),
                "the level query");
        same(0, gadgets.rows().size(), "no gadgets yet");
        Subscription<SpotRow> spot = await(alice.spot().selectByOwner(1L), "the spot select");
        same(List.of(new SpotRow(1.5f, -2f, 1L)), List.copyOf(spot.rows().values()), "alice's spot");
        // Spot is readable by its owner only: Bob, not logged in, subscribes to nothing.
        summary.put("spotRowsSeenByBob", await(bob.spot().selectByOwner(1L), "bob's spot select").rows().size());
        record(gadgets, "gadgets");
        record(spot, "spot");

        long firstId = await(bob.systems().saveGadget(500L, 12, "héllo✓🎮", Mood.ANGRY, new byte[] {0, (byte) 255,
                (byte) 128}, Instant.EPOCH.minusNanos(1234567890123L), Duration.ofNanos(86400000000000L), null, null),
                "saveGadget 500");
        until(alice.connection(), gadgets, () -> gadgets.rows().containsKey(firstId), "the insert of gadget 500");
        same("500 12 héllo✓🎮 true -12 36 3.0 4.0 h ANGRY [0, -1, -128] 1969-12-31T23:39:25.432109877Z PT24H "
                + "null null", text(gadgets.rows().get(firstId)), "gadget 500, field by field");

        long secondId = await(bob.systems().saveGadget(501L, 15, "", Mood.CALM, new byte[0], Instant.EPOCH,
                Duration.ofNanos(-5), Integer.MIN_VALUE, "ñ✓"), "saveGadget 501");
        until(alice.connection(), gadgets, () -> gadgets.rows().containsKey(secondId), "the insert of gadget 501");
        same("501 15  false -15 45 3.75 5.0 - CALM [] 1970-01-01T00:00:00Z PT-0.000000005S -2147483648 ñ✓",
                text(gadgets.rows().get(secondId)), "gadget 501, field by field");

        Subscription<GadgetRow> byId = await(alice.gadget().selectById(secondId), "select by id");
        same(text(gadgets.rows().get(secondId)), text(byId.rows().get(secondId)), "the same row by id");
        Subscription<GadgetRow> top = await(alice.gadget().queryByLevel(QueryRange.<Integer>all().limit(1)
                .descending()), "the top level");
        same(List.of(secondId), List.copyOf(top.rows().keySet()), "the highest level");
        Subscription<GadgetRow> above = await(alice.gadget().queryByLevel(QueryRange.<Integer>all().after(12)),
                "levels above 12");
        same(List.of(secondId), List.copyOf(above.rows().keySet()), "an exclusive low bound");
        Subscription<GadgetRow> byOwner = await(alice.gadget().selectByOwner(500L), "select by owner");
        same(List.of(firstId), List.copyOf(byOwner.rows().keySet()), "the row of owner 500");
        Subscription<GadgetRow> named = await(alice.gadget().queryByLevel(QueryRange.between(0, -1)),
                "an empty range");
        same(0, named.rows().size(), "a range whose low bound lies above its high bound holds nothing");
        List<Object> ended = new CopyOnWriteArrayList<>();
        byId.onEnd(error -> ended.add(error == null ? "unsubscribed" : error.toString()));
        await(byId.unsubscribe(), "unsubscribe");
        check(!byId.active(), "an unsubscribed subscription is not active");
        same(List.of("unsubscribed"), List.copyOf(ended), "onEnd after unsubscribe");

        // Out of the range: a delete for the query; and an update that the ended select must not see.
        await(bob.systems().saveGadget(500L, 30, "héllo✓🎮", Mood.HAPPY, new byte[0], Instant.EPOCH, Duration.ZERO, 7,
                null), "saveGadget 500 again");
        await(bob.systems().saveGadget(501L, 16, "changed", Mood.HAPPY, new byte[] {1}, Instant.EPOCH.plusNanos(1),
                Duration.ofNanos(2), null, null), "saveGadget 501 again");
        until(alice.connection(), gadgets, () -> gadgets.rows().containsKey(secondId)
                && gadgets.rows().get(secondId).name().equals("changed"), "the update of gadget 501");
        check(!gadgets.rows().containsKey(firstId), "gadget 500 left the range");
        same("", byId.rows().get(secondId).name(), "an ended subscription is no longer updated");
        same(true, await(bob.systems().removeGadget(501L), "removeGadget 501"), "removing gadget 501");
        until(alice.connection(), gadgets, () -> gadgets.rows().isEmpty(), "the delete of gadget 501");

        await(alice.systems().moveTo(3, 4), "moveTo 3 4");
        until(alice.connection(), spot, () -> spot.rows().values().iterator().next().x() == 3f,
                "the update of the spot");
        summary.put("gadgetIds", List.of(firstId, secondId));
    }

    /**
     * A listener that throws: the error reaches onError, the listeners after it and the frames behind it still run.
     */
    private static List<String> aListenerThatThrows(ConnectOptions plain, HetuClient writer) {
        List<String> reported = new CopyOnWriteArrayList<>();
        try (HetuClient carol = await(HetuClient.connect(plain.withOnError(e -> reported.add(e.toString()))),
                "carol's connect")) {
            Subscription<GadgetRow> watched = await(carol.gadget().selectByOwner(600L), "carol's select");
            List<Long> seen = new CopyOnWriteArrayList<>();
            watched.onInsert((id, row) -> {
                throw new IllegalStateException("a bug in the app's listener");
            });
            watched.onInsert((id, row) -> seen.add(row.owner()));
            watched.onUpdate((id, row, previous) -> seen.add(-row.owner()));
            // One write at a time: the server would coalesce an insert and an update into one insert.
            for (int level = 1; level <= 2; level++) {
                await(writer.systems().saveGadget(600L, level, "watched", Mood.CALM, new byte[0], Instant.EPOCH,
                        Duration.ZERO, null, null), "saveGadget 600 at level " + level);
                int events = level;
                until(carol.connection(), watched, () -> seen.size() == events, "event " + level + " of gadget 600");
            }
            same(List.of(600L, -600L), List.copyOf(seen), "the listener after the one that threw, and the next frame");
        }
        return List.copyOf(reported);
    }

    private <Row> void record(Subscription<Row> subscription, String name) {
        subscription.onInsert((id, row) -> events.add(name + " insert " + row(row)));
        subscription.onUpdate((id, row, previous) -> events.add(name + " update " + row(row)));
        subscription.onDelete((id, previous) -> events.add(name + " delete " + row(previous)));
    }

    private static String row(Object row) {
        return row instanceof GadgetRow gadget ? text(gadget) : String.valueOf(row);
    }

    private static String text(GadgetRow r) {
        return r.owner() + " " + r.level() + " " + r.name() + " " + r.flag() + " " + r.tiny() + " " + r.small() + " "
                + r.ratio() + " " + r.precise() + " " + r.letter() + " " + r.mood() + " " + Arrays.toString(r.data())
                + " " + r.at() + " " + r.span() + " " + r.maybe() + " " + r.note();
    }
}
