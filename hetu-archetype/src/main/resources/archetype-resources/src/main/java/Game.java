package ${package};

import io.hetu.annotations.GameSystem;
import io.hetu.annotations.Permission;
import io.hetu.system.SystemContext;

/** The game's systems: each runs as one transaction, called by clients over the SDKs. */
public final class Game {

    private Game() {}

    /** Anyone may log in as any player: replace this with a check of your players' tokens. */
    @GameSystem(namespace = "game", permission = Permission.EVERYBODY)
    public static void login(SystemContext ctx, long userId) {
        ctx.elevate(userId, true);
    }

    /**
     * Moves the caller, creating its row on the first move. Moving to a place twice is moving there
     * once, so the server need not remember the call's outcome for a resend (docs: idempotent).
     */
    @GameSystem(namespace = "game", permission = Permission.USER, retry = 99, idempotent = true)
    public static void moveTo(SystemContext ctx, float x, float y) {
        ctx.upsert(PositionTable.OWNER, ctx.caller()).x(x).y(y);
    }
}
