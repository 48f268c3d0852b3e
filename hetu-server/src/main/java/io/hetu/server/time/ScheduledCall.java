package io.hetu.server.time;

import io.hetu.annotations.Component;
import io.hetu.annotations.Index;
import io.hetu.annotations.MaxLength;
import io.hetu.annotations.Permission;
import io.hetu.annotations.Unique;
import java.time.Duration;
import java.time.Instant;

/**
 * A pending scheduled call or tick: the server's own component, which no client reads. Rows are
 * logged, snapshotted and recovered like any other; a firing removes or advances its row in the
 * same commit as the call's own writes (docs/SYSTEMS.md, game time).
 *
 * @param key the schedule's key: the app's key, {@code hetu:tick:<name>} for a tick, or a random
 *     {@code hetu:#...} for a call scheduled without a key
 * @param system the system it calls, {@code namespace.name} (a tick's {@code name})
 * @param due when it runs next
 * @param every the period of a recurring call or tick; zero for a one-time call
 * @param catchUp whether a recurring call runs once per missed run (else it skips them)
 * @param runs how many times it ran
 * @param args the call's arguments, encoded as a CALL carries them
 */
@Component(namespace = "hetu", permission = Permission.NONE)
public record ScheduledCall(
        @Unique @MaxLength(ScheduledCall.MAX_KEY_BYTES) String key,
        @MaxLength(ScheduledCall.MAX_SYSTEM_BYTES) String system,
        @Index Instant due,
        Duration every,
        boolean catchUp,
        long runs,
        @MaxLength(ScheduledCall.MAX_ARGUMENT_BYTES) byte[] args) {

    /** The app's keys (at most 120 bytes) with room for the server's prefixes. */
    public static final int MAX_KEY_BYTES = 128;
    /** A namespace (at most 64) and a system name. */
    public static final int MAX_SYSTEM_BYTES = 200;
    /** The longest encoded arguments of a scheduled call. */
    public static final int MAX_ARGUMENT_BYTES = 1024;
}
