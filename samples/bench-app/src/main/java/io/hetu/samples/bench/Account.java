package io.hetu.samples.bench;

import io.hetu.annotations.Component;
import io.hetu.annotations.Permission;
import io.hetu.annotations.Unique;

/** An account of the transfer workload: {@link BenchSystems#ACCOUNTS} of them, keys 0 up. */
@Component(namespace = "bench", permission = Permission.EVERYBODY)
public record Account(@Unique long key, long balance) {}
