package io.hetu.server.subscription;

import io.hetu.annotations.Component;
import io.hetu.annotations.Index;
import io.hetu.annotations.Permission;
import io.hetu.annotations.Unique;

/** Readable by any logged-in user. */
@Component(namespace = "subtest", permission = Permission.USER)
public record Profile(@Unique long user, @Index int level) {}
