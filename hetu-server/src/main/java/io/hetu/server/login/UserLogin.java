package io.hetu.server.login;

import io.hetu.annotations.Component;
import io.hetu.annotations.Permission;
import io.hetu.annotations.Unique;
import java.time.Instant;

/**
 * Which server and connection a user is logged in on, for a store that several servers share
 * (Redis): a login writes it in its own commit, and every server kicks its own connection of a
 * user whose row names another one. The server's own component, which no client reads.
 *
 * @param user the user
 * @param server the id of the server the user is on ({@link ServerLease})
 * @param connection the connection id on that server
 * @param since when the login committed
 */
@Component(namespace = "hetu", permission = Permission.NONE)
public record UserLogin(@Unique long user, long server, long connection, Instant since) {}
