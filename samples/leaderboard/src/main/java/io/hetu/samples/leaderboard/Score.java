package io.hetu.samples.leaderboard;

import io.hetu.annotations.Component;
import io.hetu.annotations.ListKey;
import io.hetu.annotations.MaxLength;
import io.hetu.annotations.Permission;
import io.hetu.annotations.SortBy;
import io.hetu.annotations.TableKind;

/**
 * One player's score in one season. Each season is a sorted list of at most 1,000 scores, highest
 * first; players with equal points rank in the order they reached them. When a 1,001st player
 * scores, the lowest score leaves the board, in the same transaction.
 */
@Component(namespace = "lb", permission = Permission.EVERYBODY, kind = TableKind.SORTED_LIST, capacity = 1000)
public record Score(@ListKey int season, long player, @MaxLength(24) String name, @SortBy(desc = true) long points) {}
