package io.hetu.benchmarks.lists;

import io.hetu.annotations.Component;
import io.hetu.annotations.ListKey;
import io.hetu.annotations.TableKind;

/** A chat log of the last 1,000 lines per room. */
@Component(namespace = "bench", kind = TableKind.LIST, capacity = 1000)
public record Feed(@ListKey int room, long sender, long sentAt) {}
