package io.hetu.sdktest.programs;

import static io.hetu.sdktest.programs.Checks.await;
import static io.hetu.sdktest.programs.Checks.failure;
import static io.hetu.sdktest.programs.Checks.same;

import io.hetu.sdktest.client.ConnectOptions;
import io.hetu.sdktest.client.GadgetRow;
import io.hetu.sdktest.client.HetuClient;
import io.hetu.sdktest.client.HetuConnection;
import io.hetu.sdktest.client.HetuError;
import io.hetu.sdktest.client.Mood;
import io.hetu.sdktest.client.QueryRange;
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
import java.util.function.Function;

/**
 * whenSeen: after a call, wait until the subscriptions hold its writes. A call completes when its RESULT comes, which
 * may be before the UPDATE of its commit; whenSeen(lastCallSeq) completes once that UPDATE (or a later frame) is
 * applied.
 */
public final class SeenProgram implements Function<Map<String, Object>, Map<String, Object>> {

    @Override
    public Map<String, Object> apply(Map<String, Object> args) {
        List<String> errors = new CopyOnWriteArrayList<>();
        ConnectOptions options = ConnectOptions.to((String) args.get("url")).withPingInterval(Duration.ZERO)
                .withOnError(e -> errors.add(e.toString()));
        Map<String, Object> summary = new LinkedHashMap<>();
        HetuClient client = await(HetuClient.connect(options), "the connect");
        HetuConnection connection = client.connection();

        // Nothing subscribed: nothing could still change, so it completes at once, whatever the seq.
        await(connection.whenSeen(1L << 60), "whenSeen without subscriptions");

        await(client.login(c -> c.systems().login(21L)), "the login");
        Subscription<SpotRow> spot = await(client.spot().selectByOwner(21L), "the spot select");
        List<Long> seqs = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            await(client.systems().moveTo(i, -i), "move " + i);
            long seq = connection.lastCallSeq();
            await(connection.whenSeen(seq), "whenSeen of move " + i);
            same((float) i, spot.rows().values().iterator().next().x(), "after whenSeen the cache holds move " + i);
            seqs.add(seq);
        }
        summary.put("seqs", seqs);

        // One commit of 3,000 rows, all inside a query: every one is in the cache once whenSeen() completes.
        Subscription<GadgetRow> gadgets = await(client.gadget().queryByOwner(QueryRange.between(100_000L, 102_999L)),
                "the gadget query");
        await(client.systems().fillGadgets(100_000L, 3000, 7), "the fill");
        await(connection.whenSeen(), "whenSeen of the fill");
        summary.put("filled", gadgets.rows().size());

        // A write no subscription covers sends this connection no frame: whenSeen waits, and completes once nothing
        // subscribed could still change it (here: both subscriptions ended).
        await(client.systems().saveGadget(5L, 1, "outside", Mood.CALM, new byte[0], Instant.EPOCH, Duration.ZERO, null,
                null), "the save outside the query");
        CompletableFuture<Void> waiting = connection.whenSeen();
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        summary.put("pendingWhileSubscribed", !waiting.isDone());
        await(gadgets.unsubscribe(), "the gadget unsubscribe");
        await(spot.unsubscribe(), "the spot unsubscribe");
        await(waiting, "whenSeen once nothing is subscribed");

        client.close();
        summary.put("closedCode", failure(connection.whenSeen(connection.lastCallSeq() + 1), HetuError.class,
                "whenSeen after close").code());
        summary.put("errors", List.copyOf(errors));
        return summary;
    }
}
