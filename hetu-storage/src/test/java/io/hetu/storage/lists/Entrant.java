package io.hetu.storage.lists;

import io.hetu.annotations.Component;
import io.hetu.annotations.ListKey;
import io.hetu.annotations.MaxLength;
import io.hetu.annotations.SortBy;
import io.hetu.annotations.TableKind;

/**
 * Entrants per group, by name from Z to A, then by score: a sorted list whose key and a
 * descending sort column are strings, so that its index order can be compared across backends.
 */
@Component(namespace = "listtest", kind = TableKind.SORTED_LIST, capacity = 1000)
public record Entrant(@ListKey @MaxLength(6) String group, @SortBy(desc = true) @MaxLength(6) String name,
        @SortBy double score) {}
