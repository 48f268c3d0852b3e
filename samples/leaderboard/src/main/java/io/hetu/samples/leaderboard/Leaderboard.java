package io.hetu.samples.leaderboard;

import io.hetu.annotations.GameSystem;
import io.hetu.annotations.Permission;
import io.hetu.system.SystemContext;

/** The leaderboard's one system: report a player's current score. */
public final class Leaderboard {

    private Leaderboard() {}

    /**
     * Sets a player's score for a season: the player's previous entry, if any, is replaced (the
     * list is de-duplicated on {@code player}), and the board re-sorts. A demo lets anybody report
     * any score; a real game computes it in a system from what the player did.
     */
    @GameSystem(namespace = "lb", permission = Permission.EVERYBODY, retry = 999)
    public static void submitScore(SystemContext ctx, int season, long player, String name, long points) {
        ctx.appendDistinct(ScoreTable.LIST, new Score(season, player, name, points), "player");
    }
}
