package io.hetu.benchmarks.time;

import io.hetu.annotations.GameSystem;
import io.hetu.annotations.Permission;
import io.hetu.annotations.Tick;
import io.hetu.system.SystemContext;

/**
 * The game-time benchmark's app: what its scheduled calls run, the 20 Hz tick whose jitter it
 * measures, and {@code bench.hello}, the hello-world workload the load generator calls beside it.
 */
public final class TimeBenchSystems {

    private TimeBenchSystems() {}

    /** HeTu's hello world: a constant string, no storage. */
    @GameSystem(namespace = "bench", permission = Permission.EVERYBODY, retry = 0)
    public static String hello(SystemContext ctx) {
        return "hello world";
    }

    /** One scheduled call's work: counts its run in a row of its own. */
    @GameSystem(namespace = "bench", permission = Permission.NONE)
    public static void hit(SystemContext ctx, long call) {
        HitRow row = ctx.upsert(HitTable.CALL, call);
        row.count(row.count() + 1);
    }

    /** A 20 Hz tick that writes one row per run. */
    @Tick(hz = 20)
    public static void beat(SystemContext ctx) {
        HitRow row = ctx.upsert(HitTable.CALL, -1L);
        row.count(row.count() + 1);
    }
}
