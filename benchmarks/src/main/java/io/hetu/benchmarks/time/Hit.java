package io.hetu.benchmarks.time;

import io.hetu.annotations.Component;
import io.hetu.annotations.Permission;
import io.hetu.annotations.Unique;

/** How often the scheduled call with this id ran: each firing of the benchmark writes its own row. */
@Component(namespace = "bench", permission = Permission.NONE)
public record Hit(@Unique long call, int count) {}
