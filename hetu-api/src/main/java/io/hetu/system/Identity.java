package io.hetu.system;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * Who a verified token says the caller is ({@link SystemContext#verifyToken}). Nothing here was
 * claimed by the client alone: the token's signature, issuer, audience and expiry were checked.
 *
 * @param subject the token's subject ({@code sub})
 * @param userId the user id the token names (its user claim, by default {@code sub}, as a positive
 *     whole number), or 0 when that claim is not one: map the subject to an id yourself then
 * @param roles the roles the token grants (its roles claim, by default {@code roles})
 * @param admin whether one of the roles is the configured admin role
 * @param expiresAt when the token expires
 * @param claims every claim of the token, as JSON values (strings, numbers, booleans, lists, maps)
 */
public record Identity(String subject, long userId, Set<String> roles, boolean admin, Instant expiresAt,
        Map<String, Object> claims) {

    public Identity {
        roles = Set.copyOf(roles);
        claims = Map.copyOf(claims);
    }
}
