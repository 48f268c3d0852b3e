package io.hetu.server.subscription;

import io.hetu.annotations.Comparison;
import io.hetu.annotations.Component;
import io.hetu.annotations.Index;
import io.hetu.annotations.Permission;
import io.hetu.annotations.Rls;

/** Readable by the members of its guild (the session value "guild"). */
@Component(namespace = "subtest", permission = Permission.RLS)
@Rls(field = "guild", op = Comparison.EQ, session = "guild")
public record Note(@Index int level, @Index long guild, long payload) {}
