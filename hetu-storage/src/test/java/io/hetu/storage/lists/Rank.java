package io.hetu.storage.lists;

import io.hetu.annotations.Component;
import io.hetu.annotations.ListKey;
import io.hetu.annotations.Permission;
import io.hetu.annotations.SortBy;
import io.hetu.annotations.TableKind;

/** A top six per season: most points first, then the earlier time; the lowest evicted. */
@Component(namespace = "listtest", permission = Permission.EVERYBODY, kind = TableKind.SORTED_LIST, capacity = 6)
public record Rank(@ListKey int season, int player, @SortBy(desc = true) int points, @SortBy short time) {}
