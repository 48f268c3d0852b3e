package io.hetu.server.subscription;

import io.hetu.annotations.Comparison;
import io.hetu.annotations.Component;
import io.hetu.annotations.Index;
import io.hetu.annotations.Permission;
import io.hetu.annotations.Rls;

/** Readable when its clearance is at most the session's "clearance" (an ordered RLS rule). */
@Component(namespace = "subtest", permission = Permission.RLS)
@Rls(field = "clearance", op = Comparison.LE, session = "clearance")
public record Secret(@Index int topic, int clearance, long payload) {}
