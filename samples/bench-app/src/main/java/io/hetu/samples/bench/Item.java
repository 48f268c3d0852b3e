package io.hetu.samples.bench;

import io.hetu.annotations.Component;
import io.hetu.annotations.Permission;
import io.hetu.annotations.Unique;

/** A row of the get and get+update workloads: {@link BenchSystems#ITEMS} of them, keys 0 up. */
@Component(namespace = "bench", permission = Permission.EVERYBODY)
public record Item(@Unique long key, long value) {}
