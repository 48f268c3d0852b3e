package com.example.arena;

import io.hetu.annotations.GameSystem;
import io.hetu.annotations.Permission;
import io.hetu.system.SystemContext;

/** The arena's systems. */
public final class Arena {

    private Arena() {}

    @GameSystem(namespace = "arena", permission = Permission.EVERYBODY)
    public static void login(SystemContext ctx, long userId) {
        ctx.elevate(userId, true);
    }
}
