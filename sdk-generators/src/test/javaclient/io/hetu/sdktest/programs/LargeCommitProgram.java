package io.hetu.sdktest.programs;

import static io.hetu.sdktest.programs.Checks.await;
import static io.hetu.sdktest.programs.Checks.same;
import static io.hetu.sdktest.programs.Checks.until;

import io.hetu.sdktest.client.GadgetRow;
import io.hetu.sdktest.client.HetuClient;
import io.hetu.sdktest.client.QueryRange;
import io.hetu.sdktest.client.Subscription;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One commit of more gadgets than an UPDATE frame holds, into a query subscription: the SDK applies the commit's
 * frames together, so the first insert already sees the commit's seq, and a task queued on the client thread from it
 * sees every row (a frame applied on its own would show 65,535).
 */
public final class LargeCommitProgram implements Function<Map<String, Object>, Map<String, Object>> {

    @Override
    public Map<String, Object> apply(Map<String, Object> args) {
        int count = (Integer) args.get("count");
        try (HetuClient client = await(HetuClient.connect((String) args.get("url")), "the connect")) {
            Subscription<GadgetRow> gadgets = await(client.gadget().queryByLevel(QueryRange.between(7, 7)),
                    "the query");
            same(0, gadgets.rows().size(), "no gadgets yet");
            long seqBefore = client.connection().lastSeq();
            Map<String, Object> summary = new ConcurrentHashMap<>();
            AtomicInteger inserts = new AtomicInteger();
            gadgets.onInsert((id, row) -> {
                if (inserts.getAndIncrement() == 0) {
                    summary.put("seqAdvancedAtFirstInsert", client.connection().lastSeq() > seqBefore);
                    client.connection().execute(() -> summary.put("rowsAfterFirstInsert", gadgets.rows().size()));
                }
            });
            await(client.systems().fillGadgets(1_000_000L, count, 7), "fillGadgets");
            until(client.connection(), gadgets, () -> gadgets.rows().size() == count, count + " gadgets in the cache");
            summary.put("inserts", inserts.get());
            return summary;
        }
    }
}
