package io.hetu.server.subscription;

import io.hetu.annotations.Component;
import io.hetu.annotations.Index;
import io.hetu.annotations.Permission;

/** Read by server code only. */
@Component(namespace = "subtest", permission = Permission.NONE)
public record Internal(@Index int x) {}
