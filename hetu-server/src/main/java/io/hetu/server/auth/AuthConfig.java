package io.hetu.server.auth;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * How the server verifies login tokens (the {@code auth.*} settings, docs/CONFIGURATION.md).
 *
 * @param secret the HS256 secret, at least 32 bytes; null: HS256 tokens are not accepted
 * @param jwks the JSON Web Key Set for RS256 and ES256 tokens: a file, or an {@code https://} (or
 *     loopback {@code http://}) URL fetched and cached; null: none
 * @param issuer the {@code iss} a token must have; null: any
 * @param audience the {@code aud} a token must include; null: any
 * @param clockSkew how far a token's expiry and not-before may be off the server's clock
 * @param userClaim the claim holding the user id (a positive whole number)
 * @param rolesClaim the claim holding the roles (a list, or a string of names separated by spaces)
 * @param adminRole the role that gives admin rights
 * @param devLogin whether the server hands out development tokens for any user at
 *     {@code GET <path>/dev-token?user=N} (signed with {@code secret}, which it needs); never in production
 */
public record AuthConfig(String secret, String jwks, String issuer, String audience, Duration clockSkew,
        String userClaim, String rolesClaim, String adminRole, boolean devLogin) {

    /** The largest token accepted, in bytes: a bigger one is refused before it is parsed. */
    public static final int MAX_TOKEN_BYTES = 8192;

    public AuthConfig {
        if (secret != null && secret.getBytes(StandardCharsets.UTF_8).length < 32) {
            throw new IllegalArgumentException("auth.secret must be at least 32 bytes (256 bits) for HS256, was "
                    + secret.getBytes(StandardCharsets.UTF_8).length + "; generate one with: openssl rand -base64 48");
        }
        if (clockSkew == null || clockSkew.isNegative()) {
            throw new IllegalArgumentException("auth.clockSkewSeconds must not be negative");
        }
        if (userClaim == null || userClaim.isBlank() || rolesClaim == null || rolesClaim.isBlank()
                || adminRole == null || adminRole.isBlank()) {
            throw new IllegalArgumentException("auth.userClaim, auth.rolesClaim and auth.adminRole must not be empty");
        }
        if (devLogin && secret == null) {
            throw new IllegalArgumentException("auth.devLogin is on but auth.secret is not set: the development tokens "
                    + "it hands out are signed with that secret. Set one (HETU_AUTH_SECRET, generate it with: openssl "
                    + "rand -base64 48), or turn auth.devLogin off");
        }
    }

    /** No verification: logins go through {@code elevate} only, as in development. */
    public static AuthConfig none() {
        return new AuthConfig(null, null, null, null, Duration.ofSeconds(60), "sub", "roles", "admin", false);
    }

    /** HS256 with {@code secret} and the default claims. */
    public static AuthConfig hs256(String secret) {
        return none().withSecret(secret);
    }

    public AuthConfig withSecret(String newSecret) {
        return new AuthConfig(newSecret, jwks, issuer, audience, clockSkew, userClaim, rolesClaim, adminRole, devLogin);
    }

    public AuthConfig withJwks(String newJwks) {
        return new AuthConfig(secret, newJwks, issuer, audience, clockSkew, userClaim, rolesClaim, adminRole, devLogin);
    }

    public AuthConfig withIssuer(String newIssuer) {
        return new AuthConfig(secret, jwks, newIssuer, audience, clockSkew, userClaim, rolesClaim, adminRole, devLogin);
    }

    public AuthConfig withAudience(String newAudience) {
        return new AuthConfig(secret, jwks, issuer, newAudience, clockSkew, userClaim, rolesClaim, adminRole, devLogin);
    }

    /** With development logins on or off (see {@link #devLogin}). */
    public AuthConfig withDevLogin(boolean newDevLogin) {
        return new AuthConfig(secret, jwks, issuer, audience, clockSkew, userClaim, rolesClaim, adminRole, newDevLogin);
    }

    /** Whether tokens are verified at all. */
    public boolean enabled() {
        return secret != null || jwks != null;
    }
}
