package io.hetu.server.subscription;

import io.hetu.annotations.Component;
import io.hetu.annotations.Index;
import io.hetu.annotations.MaxLength;
import io.hetu.annotations.Permission;
import io.hetu.annotations.Unique;

/** Readable by everybody: a leaderboard entry with an int, a unique long and a string index. */
@Component(namespace = "subtest", permission = Permission.EVERYBODY)
public record Score(@Index int points, @Unique long player, @Index @MaxLength(12) String name, long payload) {}
