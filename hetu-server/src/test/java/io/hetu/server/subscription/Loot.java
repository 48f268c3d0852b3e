package io.hetu.server.subscription;

import io.hetu.annotations.Component;
import io.hetu.annotations.Index;
import io.hetu.annotations.Permission;

/** Readable by its owner only. */
@Component(namespace = "subtest", permission = Permission.OWNER)
public record Loot(@Index int slot, @Index long owner, long payload) {}
