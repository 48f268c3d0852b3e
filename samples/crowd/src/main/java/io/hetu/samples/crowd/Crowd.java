package io.hetu.samples.crowd;

import io.hetu.annotations.GameSystem;
import io.hetu.annotations.Permission;
import io.hetu.system.SystemContext;

/** The crowd's systems: log in, then move, one call per move. */
public final class Crowd {

    private Crowd() {}

    /** Anyone may log in as any player: a benchmark. A real game checks a token here. */
    @GameSystem(namespace = "crowd", permission = Permission.EVERYBODY)
    public static void login(SystemContext ctx, long userId) {
        ctx.elevate(userId, true);
    }

    /**
     * Moves the caller to {@code (x, y)}, creating its row on the first move; the cell follows the
     * position. Moving twice to the same place is moving once: idempotent, so not remembered.
     */
    @GameSystem(namespace = "crowd", permission = Permission.USER, retry = 999, idempotent = true)
    public static void move(SystemContext ctx, float x, float y) {
        ctx.upsert(PlayerTable.OWNER, ctx.caller()).x(x).y(y).cell(Grid.cellOf(x, y));
    }
}
