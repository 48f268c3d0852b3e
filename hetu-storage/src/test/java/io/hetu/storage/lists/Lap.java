package io.hetu.storage.lists;

import io.hetu.annotations.Component;
import io.hetu.annotations.Eviction;
import io.hetu.annotations.ListKey;
import io.hetu.annotations.MaxLength;
import io.hetu.annotations.SortBy;
import io.hetu.annotations.TableKind;

/** The five fastest laps per track, slowest first in list order, so the front is evicted. */
@Component(namespace = "listtest", kind = TableKind.SORTED_LIST, capacity = 5, evict = Eviction.FIRST)
public record Lap(@ListKey @MaxLength(4) String track, int driver, @SortBy(desc = true) double seconds) {}
