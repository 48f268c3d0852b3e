package io.hetu.samples.bench;

import io.hetu.annotations.Component;
import io.hetu.annotations.Permission;
import io.hetu.annotations.Unique;

/** The second component of get×2+update×2, with the same keys as {@link Item}. */
@Component(namespace = "bench", permission = Permission.EVERYBODY)
public record Stock(@Unique long key, long value) {}
