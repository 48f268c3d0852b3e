package io.hetu.samples.bench;

import io.hetu.annotations.Component;
import io.hetu.annotations.Permission;
import io.hetu.annotations.Unique;

/**
 * A row of the push workload: subscribers hold ranges of keys; each write stamps the row with the
 * server's monotonic clock ({@code System.nanoTime()}) just before its commit.
 */
@Component(namespace = "bench", permission = Permission.EVERYBODY)
public record Slot(@Unique long key, long stamp, long writes) {}
