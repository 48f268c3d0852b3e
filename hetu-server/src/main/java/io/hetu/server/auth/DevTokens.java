package io.hetu.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * HS256 tokens signed with the server's own secret, for development and tests ({@code hetu token}, and
 * {@code GET <path>/dev-token} with {@code auth.devLogin}).
 * A live game gets its tokens from its login service or identity provider instead.
 */
public final class DevTokens {

    /** How long a token from {@code GET <path>/dev-token} ({@code auth.devLogin}) is valid. */
    public static final Duration DEV_LOGIN_TTL = Duration.ofHours(24);

    private DevTokens() {}

    /** A token for {@code userId} with these roles, valid for {@code ttl}, checked against {@code config}'s claims. */
    public static String sign(AuthConfig config, long userId, List<String> roles, Duration ttl) {
        if (config.secret() == null) {
            throw new IllegalArgumentException("signing a token needs auth.secret (an HS256 secret of 32 bytes or more)");
        }
        if (userId <= 0) {
            throw new IllegalArgumentException("a user id must be positive, was " + userId);
        }
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(Long.toString(userId))
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(ttl)))
                .claim(config.rolesClaim(), roles);
        if (!config.userClaim().equals("sub")) {
            claims.claim(config.userClaim(), userId);
        }
        if (config.issuer() != null) {
            claims.issuer(config.issuer());
        }
        if (config.audience() != null) {
            claims.audience(config.audience());
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        try {
            jwt.sign(new MACSigner(config.secret().getBytes(StandardCharsets.UTF_8)));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("cannot sign with auth.secret: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }
}
