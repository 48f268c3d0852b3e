package io.hetu.samples.firstgame;

import io.hetu.annotations.GameSystem;
import io.hetu.annotations.Permission;
import io.hetu.system.SystemContext;

/** The first game's systems: log in, then move around. */
public final class FirstGame {

    private FirstGame() {}

    /** Logs in as the player a signed token names; UNAUTHENTICATED unless it verifies. */
    @GameSystem(namespace = "ssw", permission = Permission.EVERYBODY)
    public static void login(SystemContext ctx, String token) {
        ctx.login(ctx.verifyToken(token), true);    // this connection is now that player
    }

    /** Moves the caller's dot, creating it on the first move; moving there twice is moving once. */
    @GameSystem(namespace = "ssw", permission = Permission.USER, retry = 999, idempotent = true)
    public static void moveTo(SystemContext ctx, float x, float y) {
        ctx.upsert(PositionTable.OWNER, ctx.caller()).x(x).y(y);
    }
}
