package io.hetu.system;

import java.time.Duration;
import java.time.Instant;

/**
 * A pending scheduled call, as scheduling returned it: give it to {@link SystemContext#cancel(Scheduled)}.
 *
 * @param id the call's row id
 * @param key its key, or null when it was scheduled without one
 * @param system the system it calls, as {@code namespace.name}
 * @param due when it runs next
 * @param every its period when it recurs, or null
 */
public record Scheduled(long id, String key, String system, Instant due, Duration every) {}
