package io.hetu.server.login;

import io.hetu.annotations.Component;
import io.hetu.annotations.Permission;
import io.hetu.annotations.Unique;
import java.time.Instant;

/**
 * A server of a shared store, alive until {@code until}: it renews the lease every few seconds, so
 * the logins of a server that died stop holding their users once its lease runs out.
 *
 * @param server a random id the server chose at start
 * @param until when the lease runs out unless renewed
 */
@Component(namespace = "hetu", permission = Permission.NONE)
public record ServerLease(@Unique long server, Instant until) {}
