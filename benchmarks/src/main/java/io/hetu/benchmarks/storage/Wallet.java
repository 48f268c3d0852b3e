package io.hetu.benchmarks.storage;

import io.hetu.annotations.Component;
import io.hetu.annotations.Unique;

/** An account of SpacetimeDB's transfer workload. */
@Component(namespace = "bench")
public record Wallet(@Unique long owner, long balance) {}
