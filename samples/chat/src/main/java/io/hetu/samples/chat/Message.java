package io.hetu.samples.chat;

import io.hetu.annotations.Component;
import io.hetu.annotations.ListKey;
import io.hetu.annotations.MaxLength;
import io.hetu.annotations.Permission;
import io.hetu.annotations.TableKind;
import java.time.Instant;

/**
 * A chat message. Each room is a list of its last 100 messages: the 101st evicts the oldest, in the
 * same transaction, and subscribers see the eviction as a delete.
 */
@Component(namespace = "chat", permission = Permission.USER, kind = TableKind.LIST, capacity = 100)
public record Message(@ListKey @MaxLength(32) String room, long sender, @MaxLength(280) String text, Instant sentAt) {}
