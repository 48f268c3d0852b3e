package io.hetu.system;

import java.time.Duration;
import java.time.Instant;

/**
 * Which scheduled call or tick is running, from {@link SystemContext#firing()}.
 *
 * @param id the scheduled call's row id
 * @param key its key (for a tick {@code hetu:tick:<name>}), or null when it has none
 * @param due when this run was due
 * @param firedAt when it started, by the server's clock
 * @param every the period of a recurring call or tick, or null for a one-time call
 * @param run how many runs of this call came before this one (0 for the first)
 */
public record Firing(long id, String key, Instant due, Instant firedAt, Duration every, long run) {

    /** How late this run started: never negative. */
    public Duration lateness() {
        Duration late = Duration.between(due, firedAt);
        return late.isNegative() ? Duration.ZERO : late;
    }
}
