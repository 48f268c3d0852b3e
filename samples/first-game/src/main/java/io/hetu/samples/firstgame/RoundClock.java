package io.hetu.samples.firstgame;

import io.hetu.annotations.OnServerStart;
import io.hetu.annotations.Tick;
import io.hetu.system.SystemContext;
import java.time.Duration;
import java.time.Instant;

/** A new round every minute: a tick, run by the server on its own clock, one transaction per run. */
public final class RoundClock {

    private RoundClock() {}

    static final Duration ROUND = Duration.ofMinutes(1);

    /** The first round starts with the server the first time it runs on its data. */
    @OnServerStart
    public static void firstRound(SystemContext ctx) {
        if (ctx.getBy(RoundTable.SLOT, 1) == null) {
            ctx.upsert(RoundTable.SLOT, 1).number(1).endsAt(ctx.now().plus(ROUND));
        }
    }

    /** Ends the round and starts the next. After downtime it runs once, late, and skips the missed ones. */
    @Tick(periodMillis = 60_000)
    public static void nextRound(SystemContext ctx) {
        Instant ends = ctx.firing().due().plus(ROUND);
        while (!ends.isAfter(ctx.now())) {
            ends = ends.plus(ROUND);
        }
        RoundRow round = ctx.upsert(RoundTable.SLOT, 1);
        round.number(round.number() + 1).endsAt(ends);
    }
}
