package io.hetu.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.hetu.system.Identity;
import io.hetu.system.Rejection;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.text.ParseException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Verifies login tokens with Nimbus JOSE+JWT (a maintained JOSE library: JWS verification, JWK sets
 * fetched and cached, claim checks), so that no signature code of our own is involved. One instance
 * serves all connections; it is thread-safe.
 */
public final class TokenVerifier {

    /** The rejection code of a token that does not verify. */
    public static final String UNAUTHENTICATED = "UNAUTHENTICATED";

    private static final TokenVerifier NONE = new TokenVerifier(AuthConfig.none(), null);

    private final AuthConfig config;
    private final DefaultJWTProcessor<SecurityContext> processor;

    private TokenVerifier(AuthConfig config, DefaultJWTProcessor<SecurityContext> processor) {
        this.config = config;
        this.processor = processor;
    }

    /** A verifier that refuses every token: the server has no {@code auth.*} settings. */
    public static TokenVerifier none() {
        return NONE;
    }

    /**
     * A verifier for {@code config}; reads a JWKS file now (a URL is fetched on first use).
     *
     * @throws IllegalArgumentException when the JWKS cannot be read or parsed
     */
    public static TokenVerifier of(AuthConfig config) {
        if (!config.enabled()) {
            return new TokenVerifier(config, null);
        }
        JWSKeySelector<SecurityContext> secretKeys = config.secret() == null ? null
                : new JWSVerificationKeySelector<>(JWSAlgorithm.HS256,
                        new ImmutableSecret<>(config.secret().getBytes(StandardCharsets.UTF_8)));
        JWSKeySelector<SecurityContext> publicKeys = config.jwks() == null ? null
                : new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), jwkSource(config.jwks()));
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector((JWSHeader header, SecurityContext context) -> {
            JWSKeySelector<SecurityContext> keys = JWSAlgorithm.HS256.equals(header.getAlgorithm()) ? secretKeys
                    : publicKeys;
            return keys == null ? List.<Key>of() : keys.selectJWSKeys(header, context);
        });
        Set<String> required = new HashSet<>(Set.of("exp", config.userClaim()));
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        if (config.issuer() != null) {
            exact.issuer(config.issuer());
        }
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                config.audience() == null ? null : new HashSet<>(List.of(config.audience())), exact.build(), required,
                null);
        claims.setMaxClockSkew((int) Math.min(Integer.MAX_VALUE, config.clockSkew().toSeconds()));
        processor.setJWTClaimsSetVerifier(claims);
        return new TokenVerifier(config, processor);
    }

    private static JWKSource<SecurityContext> jwkSource(String jwks) {
        try {
            if (jwks.startsWith("https://") || jwks.startsWith("http://")) {
                return JWKSourceBuilder.create(URI.create(jwks).toURL()).retrying(true).build();
            }
            return new ImmutableJWKSet<>(JWKSet.load(new File(jwks)));
        } catch (IOException | ParseException | IllegalArgumentException e) {
            throw new IllegalArgumentException("auth.jwks '" + jwks + "' cannot be read as a JSON Web Key Set: "
                    + e.getMessage(), e);
        }
    }

    public AuthConfig config() {
        return config;
    }

    public boolean enabled() {
        return processor != null;
    }

    /**
     * The identity a token names.
     *
     * @throws Rejection {@code UNAUTHENTICATED} with the reason, which names what failed (expired,
     *     audience, issuer, signature) but never a key or the expected values' secrets
     */
    public Identity verify(String token) {
        if (processor == null) {
            throw new Rejection(UNAUTHENTICATED, "this server verifies no tokens: set auth.secret or auth.jwks "
                    + "(docs/CONFIGURATION.md)");
        }
        if (token == null || token.isEmpty()) {
            throw new Rejection(UNAUTHENTICATED, "no token given");
        }
        if (token.length() > AuthConfig.MAX_TOKEN_BYTES) {
            throw new Rejection(UNAUTHENTICATED, "the token is longer than " + AuthConfig.MAX_TOKEN_BYTES + " bytes");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw new Rejection(UNAUTHENTICATED, "the token is not a well-formed JWT");
        } catch (KeySourceException e) {
            throw new Rejection(UNAUTHENTICATED, "the key set to verify the token could not be fetched; try again");
        } catch (BadJOSEException e) {
            throw new Rejection(UNAUTHENTICATED, reason(e.getMessage()));
        } catch (JOSEException e) {
            throw new Rejection(UNAUTHENTICATED, "the token could not be verified");
        }
        return identity(claims);
    }

    /** Nimbus's messages say what failed in words a developer can act on; keep them short. */
    private static String reason(String message) {
        if (message == null) {
            return "the token was rejected";
        }
        if (message.contains("missing required claims")) {
            return "the token lacks a required claim (exp and the user claim)";
        }
        if (message.contains("Expired")) {
            return "the token has expired";
        }
        if (message.contains("Unsecured") || message.contains("plain")) {
            return "unsigned tokens (alg none) are not accepted";
        }
        if (message.contains("audience")) {
            return "the token is not meant for this server (audience)";
        }
        if (message.contains("iss claim")) {
            return "the token's issuer is not accepted";
        }
        if (message.contains("Invalid signature") || message.contains("no matching key")
                || message.contains("Another algorithm expected")) {
            return "the token's signature does not verify with this server's keys";
        }
        if (message.contains("before use time")) {
            return "the token is not valid yet";
        }
        return "the token was rejected";
    }

    private Identity identity(JWTClaimsSet claims) {
        Object user = claims.getClaim(config.userClaim());
        long userId = 0;
        if (user instanceof Number n && n.doubleValue() == n.longValue() && n.longValue() > 0) {
            userId = n.longValue();
        } else if (user instanceof String s && s.matches("[1-9][0-9]{0,18}")) {
            userId = Long.parseLong(s);
        }
        Set<String> roles = new LinkedHashSet<>();
        Object claim = claims.getClaim(config.rolesClaim());
        if (claim instanceof String s) {
            for (String role : s.split("[ ,]+")) {
                if (!role.isEmpty()) {
                    roles.add(role);
                }
            }
        } else if (claim instanceof List<?> list) {
            for (Object role : list) {
                if (role instanceof String s) {
                    roles.add(s);
                }
            }
        }
        Map<String, Object> all = new HashMap<>(claims.toJSONObject());
        all.values().removeIf(Objects::isNull);
        return new Identity(claims.getSubject() == null ? "" : claims.getSubject(), userId, roles,
                roles.contains(config.adminRole()), claims.getExpirationTime().toInstant(), all);
    }
}
