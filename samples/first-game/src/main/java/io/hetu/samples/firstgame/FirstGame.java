package io.hetu.samples.firstgame;

import io.hetu.annotations.GameSystem;
import io.hetu.annotations.Permission;
import io.hetu.system.SystemContext;

/** The first game's systems: log in, then move around. */
public final class FirstGame {

    private FirstGame() {}

    /** Anyone may log in as any player: a demo. A real game checks a token here. */
    @GameSystem(namespace = "ssw", permission = Permission.EVERYBODY)
    public static void login(SystemContext ctx, long userId) {
        ctx.elevate(userId, true);
    }

    /** Moves the caller's dot, creating it on the first move. */
    @GameSystem(namespace = "ssw", permission = Permission.USER, retry = 999)
    public static void moveTo(SystemContext ctx, float x, float y) {
        ctx.upsert(PositionTable.OWNER, ctx.caller()).x(x).y(y);
    }
}
