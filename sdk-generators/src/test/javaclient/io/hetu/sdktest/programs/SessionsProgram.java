package io.hetu.sdktest.programs;

import static io.hetu.sdktest.programs.Checks.await;
import static io.hetu.sdktest.programs.Checks.check;
import static io.hetu.sdktest.programs.Checks.rejection;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * A client's session changes on a live server: subscriptions cancelled while they are renewed after a reconnect
 * (the test's proxy drops the connection, as a network loss would), a login as another user on the same connection,
 * and a second client, without onError, kicked by that login.
 */
public final class SessionsProgram implements Function<Map<String, Object>, Map<String, Object>> {

    private static final int ROUNDS = 4;

    @Override
    public Map<String, Object> apply(Map<String, Object> args) {
        List<String> errors = new CopyOnWriteArrayList<>();
        List<String> states = new CopyOnWriteArrayList<>();
        ReconnectOptions quick = ReconnectOptions.backoff(Duration.ofMillis(10), Duration.ofMillis(50));
        Runnable drop = (Runnable) args.get("drop");
        ConnectOptions viaProxy = ConnectOptions.to((String) args.get("proxyUrl")).withReconnect(quick)
                .withOnError(e -> errors.add(e.toString()));
        // Without onError, connection errors are warnings of the JDK's System.Logger (java.util.logging here).
        List<String> warnings = new CopyOnWriteArrayList<>();
        Logger log = Logger.getLogger("io.hetu.sdktest.client.HetuConnection");
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                warnings.add(record.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        log.addHandler(handler);
        Map<String, Object> summary = new LinkedHashMap<>();
        try (HetuClient client = await(HetuClient.connect(viaProxy), "the connect through the proxy")) {
            client.connection().onStateChange(state -> states.add(state.name()));
            await(client.login(c -> c.systems().login(7L)), "the login as 7");
            await(client.systems().moveTo(1, 1), "moveTo");
            for (long owner = 200; owner <= 201; owner++) {
                save(client, owner, 60);
            }
            cancelsDuringRenewals(client, drop, states);
            summary.putAll(loginAsAnotherUser(client, (String) args.get("url"), quick));
            summary.put("rejection", rejection(client.systems().refuse("NO_WAY"), "refuse").toString());
        } finally {
            log.removeHandler(handler);
        }
        summary.put("rounds", ROUNDS);
        summary.put("states", List.copyOf(states));
        summary.put("warnings", List.copyOf(warnings));
        summary.put("errors", List.copyOf(errors));
        return summary;
    }

    private static CompletableFuture<Long> save(HetuClient client, long owner, int level) {
        return client.systems().saveGadget(owner, level, "g" + owner, Mood.CALM, new byte[0], Instant.EPOCH,
                Duration.ZERO, null, null);
    }

    /**
     * Once back open, the renewed SUBSCRIBE is in flight; cancelling it then, with writes that change its result
     * behind it, leaves updates for it on the wire until the server's DONE.
     */
    private static void cancelsDuringRenewals(HetuClient client, Runnable drop, List<String> states) {
        AtomicInteger level = new AtomicInteger(60);
        for (int round = 0; round < ROUNDS; round++) {
            Subscription<GadgetRow> doomed = await(client.gadget().queryByLevel(QueryRange.between(60, 99)),
                    "the doomed query");
            Subscription<GadgetRow> kept = await(client.gadget().queryByLevel(QueryRange.between(60, 99)),
                    "the kept query");
            CompletableFuture<CompletableFuture<Void>> cancelled = new CompletableFuture<>();
            Runnable stop = client.connection().onStateChange(state -> {
                if (state == ConnectionState.OPEN && !cancelled.isDone()) {
                    int next = level.incrementAndGet();
                    cancelled.complete(CompletableFuture.allOf(doomed.unsubscribe(), save(client, 200, next),
                            save(client, 201, next)));
                }
            });
            int opened = states.size();
            drop.run();
            try {
                await(await(cancelled, "the reconnect of round " + round), "the cancel and writes of round " + round);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; the states were " + states + ", the state is "
                        + client.connection().state(), e);
            }
            stop.run();
            check(states.size() > opened && states.contains("RECONNECTING"), "round " + round + " reconnected: "
                    + states);
            until(client.connection(), kept, () -> kept.rows().values().stream()
                    .allMatch(row -> row.level() == level.get()) && kept.rows().size() == 2,
                    "the kept subscription following the writes of round " + round);
            same(ConnectionState.OPEN, client.connection().state(), "round " + round + ": the client stays open");
            check(!doomed.active(), "round " + round + ": the cancelled subscription ended");
            await(kept.unsubscribe(), "unsubscribe the kept query");
        }
    }

    /**
     * A login as another user on the same connection: the OWNER rows of user 7 leave the cache, those of user 8
     * enter, before login() completes. The other client holds user 8 and is kicked by it.
     */
    private static Map<String, Object> loginAsAnotherUser(HetuClient client, String url, ReconnectOptions quick) {
        Map<String, Object> summary = new LinkedHashMap<>();
        List<String> otherStates = new CopyOnWriteArrayList<>();
        HetuClient other = await(HetuClient.connect(ConnectOptions.to(url).withReconnect(quick)), "the other client");
        await(other.login(c -> c.systems().login(8L)), "the other's login as 8");
        await(other.systems().moveTo(8, 8), "the other's moveTo");
        other.connection().onStateChange(state -> otherStates.add(state.name()));

        Subscription<SpotRow> spots = await(client.spot().queryByOwner(), "the spots");
        Subscription<GadgetRow> gadgets = await(client.gadget().queryByLevel(QueryRange.between(60, 99)),
                "the gadgets");
        same(List.of(7L), spots.rows().values().stream().map(SpotRow::owner).toList(), "7's spot only");
        List<String> seen = new CopyOnWriteArrayList<>();
        spots.onInsert((id, row) -> seen.add("insert " + row.owner()));
        spots.onDelete((id, previous) -> seen.add("delete " + previous.owner()));
        spots.onUpdate((id, row, previous) -> seen.add("update " + row.owner()));
        AtomicInteger gadgetEvents = new AtomicInteger();
        gadgets.onInsert((id, row) -> gadgetEvents.incrementAndGet());
        gadgets.onDelete((id, row) -> gadgetEvents.incrementAndGet());
        gadgets.onUpdate((id, row, previous) -> gadgetEvents.incrementAndGet());
        await(client.login(c -> c.systems().login(8L)), "the login as 8");
        summary.put("ownersAtLogin", spots.rows().values().stream().map(SpotRow::owner).toList());
        List<String> eventsAtLogin = new ArrayList<>(seen);
        eventsAtLogin.sort(null);
        summary.put("eventsAtLogin", eventsAtLogin);
        await(client.systems().moveTo(9, 9), "moveTo as 8");
        until(client.connection(), spots, () -> spots.rows().values().stream().anyMatch(row -> row.x() == 9f),
                "the update of user 8's spot");
        untilState(other.connection(), state -> state == ConnectionState.CLOSED, "the other client being kicked");
        summary.put("ownersAfter", spots.rows().values().stream().map(SpotRow::owner).toList());
        summary.put("gadgetEvents", gadgetEvents.get());
        summary.put("otherStates", List.copyOf(otherStates));
        return summary;
    }
}
