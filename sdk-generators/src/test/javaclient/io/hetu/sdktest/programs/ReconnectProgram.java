package io.hetu.sdktest.programs;

import static io.hetu.sdktest.programs.Checks.await;
import static io.hetu.sdktest.programs.Checks.same;
import static io.hetu.sdktest.programs.Checks.until;
import static io.hetu.sdktest.programs.Checks.untilState;

import io.hetu.sdktest.client.ConnectOptions;
import io.hetu.sdktest.client.ConnectionState;
import io.hetu.sdktest.client.GadgetRow;
import io.hetu.sdktest.client.HetuClient;
import io.hetu.sdktest.client.Mood;
import io.hetu.sdktest.client.QueryRange;
import io.hetu.sdktest.client.ReconnectOptions;
import io.hetu.sdktest.client.SpotRow;
import io.hetu.sdktest.client.Subscription;
import io.hetu.sdktest.client.Vec;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A client that loses its server: it reconnects by itself, logs in again, renews its subscriptions and reconciles
 * their caches with what changed while it was away. The test stops the server after {@code ready}; the program
 * makes a call while the client is away ({@code called}), and the test starts the server again.
 */
public final class ReconnectProgram implements Function<Map<String, Object>, Map<String, Object>> {

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Object> apply(Map<String, Object> args) {
        List<String> errors = new CopyOnWriteArrayList<>();
        List<String> states = new CopyOnWriteArrayList<>();
        List<String> events = new CopyOnWriteArrayList<>();
        ConnectOptions options = ConnectOptions.to((String) args.get("url"))
                .withReconnect(ReconnectOptions.backoff(Duration.ofMillis(20), Duration.ofMillis(200)))
                .withOnError(e -> errors.add(e.toString()));
        try (HetuClient client = await(HetuClient.connect(options), "the connect")) {
            client.connection().onStateChange(state -> states.add(state.name()));
            await(client.login(c -> c.systems().login(7L)), "the login");
            await(client.systems().moveTo(1, 1), "moveTo");
            for (long owner = 100; owner <= 102; owner++) {
                await(client.systems().saveGadget(owner, 50, "g" + owner, Mood.CALM, new byte[0], Instant.EPOCH,
                        Duration.ZERO, null, null), "saveGadget " + owner);
            }
            Subscription<GadgetRow> gadgets = await(client.gadget().queryByLevel(QueryRange.between(50, 50)),
                    "the gadget query");
            Subscription<SpotRow> spot = await(client.spot().selectByOwner(7L), "the spot select");
            same(3, gadgets.rows().size(), "three gadgets");
            same(1, spot.rows().size(), "one spot");
            gadgets.onInsert((id, row) -> events.add("gadgets insert " + row.owner() + " " + row.name()));
            gadgets.onUpdate((id, row, previous) -> events.add("gadgets update " + row.owner() + " " + row.name()));
            gadgets.onDelete((id, previous) -> events.add("gadgets delete " + previous.owner() + " "
                    + previous.name()));
            spot.onUpdate((id, row, previous) -> events.add("spot update " + row.owner() + " " + row.x()));
            ((CompletableFuture<Void>) args.get("ready")).complete(null);

            // Away: a call made now waits for the connection to come back, and runs under the resumed login.
            untilState(client.connection(), state -> state == ConnectionState.RECONNECTING, "the lost connection");
            CompletableFuture<Vec> whileAway = client.systems().add(new Vec(1, 2), new Vec(3, 4));
            ((CompletableFuture<Void>) args.get("called")).complete(null);
            same(new Vec(4, 6), await(whileAway, "the call made while away"), "its result after the reconnect");

            // While away the server changed: 101 renamed, 102 deleted, 103 inserted, the spot moved.
            until(client.connection(), gadgets, () -> events.size() >= 3, "the gadgets' reconciliation");
            until(client.connection(), spot, () -> events.size() >= 4, "the spot's reconciliation");
            same(ConnectionState.OPEN, client.connection().state(), "the state after the reconnect");
            List<String> reconciled = List.copyOf(events);

            // Updates flow again on the new connection, under the resumed login (moveTo needs a user).
            long newId = await(client.systems().saveGadget(104L, 50, "after", Mood.HAPPY, new byte[0],
                    Instant.EPOCH, Duration.ZERO, null, null), "saveGadget 104");
            until(client.connection(), gadgets, () -> gadgets.rows().containsKey(newId), "the insert of 104");
            await(client.systems().moveTo(5, 5), "moveTo after the reconnect");
            until(client.connection(), spot, () -> spot.rows().values().iterator().next().x() == 5f,
                    "the spot update after the reconnect");

            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("reconciled", reconciled);
            summary.put("owners", gadgets.rows().values().stream().map(GadgetRow::owner).sorted().toList());
            summary.put("names", gadgets.rows().values().stream().map(GadgetRow::name).sorted().toList());
            summary.put("spotX", spot.rows().values().iterator().next().x());
            summary.put("states", List.copyOf(states));
            summary.put("errors", List.copyOf(errors));
            return summary;
        }
    }
}
