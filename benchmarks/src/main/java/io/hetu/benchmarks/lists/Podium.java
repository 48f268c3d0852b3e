package io.hetu.benchmarks.lists;

import io.hetu.annotations.Component;
import io.hetu.annotations.ListKey;
import io.hetu.annotations.SortBy;
import io.hetu.annotations.TableKind;

/** A leaderboard of 100 places per board: the same rows as {@link Board}, a tenth of the capacity. */
@Component(namespace = "bench", kind = TableKind.SORTED_LIST, capacity = 100)
public record Podium(@ListKey int board, long player, @SortBy(desc = true) long points) {}
