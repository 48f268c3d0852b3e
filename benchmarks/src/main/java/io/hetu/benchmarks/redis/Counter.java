package io.hetu.benchmarks.redis;

import io.hetu.annotations.Component;
import io.hetu.annotations.Unique;

/** The row of the get+update workload: found by its unique owner, its value bumped. */
@Component(namespace = "benchredis")
public record Counter(@Unique long owner, long value) {}
