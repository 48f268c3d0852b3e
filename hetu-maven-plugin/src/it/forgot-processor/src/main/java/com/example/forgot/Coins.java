package com.example.forgot;

import io.hetu.annotations.Component;
import io.hetu.annotations.GameSystem;
import io.hetu.annotations.Unique;
import io.hetu.system.SystemContext;

/** Uses CoinsTable, which only the processor generates. */
@Component(namespace = "forgot")
public record Coins(@Unique long owner, int amount) {

    @GameSystem(namespace = "forgot")
    public static void earn(SystemContext ctx) {
        ctx.upsert(CoinsTable.OWNER, ctx.caller()).amount(1);
    }
}
