package io.hetu.storage.lists;

import io.hetu.annotations.Component;
import io.hetu.annotations.Eviction;
import io.hetu.annotations.ListKey;
import io.hetu.annotations.MaxLength;
import io.hetu.annotations.TableKind;

/** The first four players to sign up for an event: a full list refuses newcomers. */
@Component(namespace = "listtest", kind = TableKind.LIST, capacity = 4, evict = Eviction.LAST)
public record Signup(@ListKey @MaxLength(6) String event, int player) {}
