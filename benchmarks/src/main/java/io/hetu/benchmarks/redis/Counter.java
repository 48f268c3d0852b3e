package io.hetu.benchmarks.redis;

import io.hetu.annotations.Component;
import io.hetu.annotations.Unique;

/** The row of the get+update workload: found by its unique owner, its value bumped. */
@Component(namespace = "benchredis")
@SuppressWarnings("HETU-W302") // the Redis benchmark writes it directly, without systems
public record Counter(@Unique long owner, long value) {}
