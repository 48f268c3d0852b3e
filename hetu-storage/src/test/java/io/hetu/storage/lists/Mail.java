package io.hetu.storage.lists;

import io.hetu.annotations.Component;
import io.hetu.annotations.ListKey;
import io.hetu.annotations.MaxLength;
import io.hetu.annotations.Permission;
import io.hetu.annotations.TableKind;

/** A mailbox per box: the last five letters, the oldest evicted first. */
@Component(namespace = "listtest", permission = Permission.EVERYBODY, kind = TableKind.LIST, capacity = 5)
public record Mail(@ListKey long box, int sender, @MaxLength(8) String text) {}
