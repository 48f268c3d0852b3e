package io.hetu.benchmarks.storage;

import io.hetu.annotations.Component;
import io.hetu.annotations.Unique;

/** The README's Position component, as HeTu's benchmarks use it. */
@Component(namespace = "bench")
public record Spot(float x, float y, @Unique long owner) {}
