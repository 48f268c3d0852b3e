package io.hetu.server.subscription;

import io.hetu.annotations.Component;
import io.hetu.annotations.Index;
import io.hetu.annotations.Permission;

/** Readable by administrators only. */
@Component(namespace = "subtest", permission = Permission.ADMIN)
public record Audit(@Index int at, long payload) {}
