package io.hetu.benchmarks.rows;

import io.hetu.annotations.Component;
import io.hetu.annotations.Unique;

/**
 * The component the row-access benchmarks read and write: two floats and a long, 16 bytes a row.
 * The HeTu processor generates {@code PositionRow}, the flyweight under test.
 */
@Component(namespace = "bench")
public record Position(float x, float y, @Unique long owner) {}
