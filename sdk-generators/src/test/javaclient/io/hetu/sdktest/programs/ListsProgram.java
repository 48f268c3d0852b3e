package io.hetu.sdktest.programs;

import static io.hetu.sdktest.programs.Checks.await;
import static io.hetu.sdktest.programs.Checks.same;
import static io.hetu.sdktest.programs.Checks.until;

import io.hetu.sdktest.client.ConnectOptions;
import io.hetu.sdktest.client.HetuClient;
import io.hetu.sdktest.client.StandingRow;
import io.hetu.sdktest.client.Subscription;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A sorted list over the generated SDK: a live top three, the bottom two and the whole list of a season, kept in list
 * order with the generated comparator while another client posts scores (one standing per player, ten at most).
 */
public final class ListsProgram implements Function<Map<String, Object>, Map<String, Object>> {

    /** A standing of the model, and when it was posted. */
    private record Posted(long player, int points, String name, int order) {}

    @Override
    public Map<String, Object> apply(Map<String, Object> args) {
        List<String> errors = new CopyOnWriteArrayList<>();
        ConnectOptions options = ConnectOptions.to((String) args.get("url")).withOnError(e -> errors.add(e.toString()));
        try (HetuClient viewer = await(HetuClient.connect(options), "the viewer's connect");
                HetuClient poster = await(HetuClient.connect(options), "the poster's connect")) {
            Subscription<StandingRow> top = await(viewer.standing().subscribeTop(1, 3), "the top three");
            Subscription<StandingRow> whole = await(viewer.standing().subscribeList(1), "the whole list");
            Subscription<StandingRow> bottom = await(viewer.standing().subscribeLast(1, 2), "the bottom two");
            Subscription<StandingRow> otherSeason = await(viewer.standing().subscribeList(2), "another season");
            AtomicInteger inserts = new AtomicInteger();
            AtomicInteger deletes = new AtomicInteger();
            top.onInsert((id, row) -> inserts.incrementAndGet());
            top.onDelete((id, row) -> deletes.incrementAndGet());

            // The model: one standing per player, by points descending, then name, then posting order; ten kept.
            List<Posted> model = new ArrayList<>();
            Comparator<Posted> order = Comparator.comparingInt((Posted s) -> -s.points())
                    .thenComparing(Posted::name).thenComparingInt(Posted::order);
            for (int i = 0; i < 40; i++) {
                long player = (i * 7) % 13;
                int points = (i * 37) % 50;
                String name = "p" + player;
                model.removeIf(s -> s.player() == player);
                model.add(new Posted(player, points, name, i));
                model.sort(order);
                if (model.size() > 10) {
                    model.subList(10, model.size()).clear();
                }
                await(poster.systems().postStanding(1, player, points, name), "post " + i);
                List<String> expected = model.stream().map(s -> s.player() + ":" + s.points() + ":" + s.name())
                        .toList();
                until(viewer.connection(), whole, () -> ordered(whole).equals(expected), "the whole list after " + i);
                until(viewer.connection(), top, () -> ordered(top).equals(expected.subList(0, Math.min(3,
                        expected.size()))), "the top three after post " + i);
                until(viewer.connection(), bottom, () -> ordered(bottom).equals(expected.subList(
                        Math.max(0, expected.size() - 2), expected.size())), "the bottom two after post " + i);
            }
            same(0, otherSeason.rows().size(), "another season sees nothing");
            // Names whose UTF-16 order is not the server's (code points, the order of their UTF-8 bytes): U+FF01
            // comes before U+1F600. The comparator agrees with the row the server puts first.
            await(poster.systems().postStanding(4, 1L, 5, "\uD83D\uDE00"), "a post of U+1F600");
            await(poster.systems().postStanding(4, 2L, 5, "\uFF01"), "a post of U+FF01");
            Subscription<StandingRow> first = await(viewer.standing().subscribeTop(4, 1), "season 4's first");
            Subscription<StandingRow> both = await(viewer.standing().subscribeList(4), "season 4");
            same(List.of(2L), first.rows().values().stream().map(StandingRow::player).toList(),
                    "the server's first row of season 4");
            same(List.of("2:5:\uFF01", "1:5:\uD83D\uDE00"), ordered(both), "the comparator orders text by code point");

            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("top", ordered(top));
            summary.put("whole", ordered(whole));
            summary.put("inserts", inserts.get());
            summary.put("deletes", deletes.get());
            summary.put("errors", List.copyOf(errors));
            return summary;
        }
    }

    private static List<String> ordered(Subscription<StandingRow> subscription) {
        return subscription.rows().values().stream().sorted(StandingRow.LIST_ORDER)
                .map(r -> r.player() + ":" + r.points() + ":" + r.name()).toList();
    }
}
