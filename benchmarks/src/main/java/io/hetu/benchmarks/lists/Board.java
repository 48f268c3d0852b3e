package io.hetu.benchmarks.lists;

import io.hetu.annotations.Component;
import io.hetu.annotations.ListKey;
import io.hetu.annotations.SortBy;
import io.hetu.annotations.TableKind;

/** A leaderboard of 1,000 places per board, highest points first. */
@Component(namespace = "bench", kind = TableKind.SORTED_LIST, capacity = 1000)
public record Board(@ListKey int board, long player, @SortBy(desc = true) long points) {}
