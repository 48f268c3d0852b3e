package io.hetu.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.hetu.system.Identity;
import io.hetu.system.Rejection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens signed in the test with real keys: HS256, RS256 from a JWKS file, ES256 from a JWKS served over HTTP. */
class TokenVerifierTest {

    private static final String SECRET = "a development secret of more than thirty-two bytes";
    private static final AuthConfig HS = AuthConfig.hs256(SECRET).withIssuer("https://login.example").withAudience("game");

    @TempDir
    Path dir;

    private static JWTClaimsSet.Builder claims(String subject, Duration validFor) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().subject(subject).issuer("https://login.example").audience("game")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(validFor)));
    }

    private static String signed(JWSAlgorithm algorithm, JWSSigner signer, String keyId, JWTClaimsSet claims)
            throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(keyId).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static String hs256(String secret, JWTClaimsSet claims) throws Exception {
        return signed(JWSAlgorithm.HS256, new MACSigner(secret.getBytes(StandardCharsets.UTF_8)), null, claims);
    }

    private static String reason(TokenVerifier verifier, String token) {
        Rejection refused = assertThrows(Rejection.class, () -> verifier.verify(token));
        assertEquals(TokenVerifier.UNAUTHENTICATED, refused.code());
        return refused.getMessage();
    }

    @Test
    void aValidTokenNamesTheUserAndItsRoles() throws Exception {
        TokenVerifier verifier = TokenVerifier.of(HS);
        String token = hs256(SECRET, claims("42", Duration.ofMinutes(5)).claim("roles", List.of("admin", "mod")).build());
        Identity identity = verifier.verify(token);
        assertEquals(42, identity.userId());
        assertEquals("42", identity.subject());
        assertTrue(identity.admin());
        assertEquals(java.util.Set.of("admin", "mod"), identity.roles());
        assertEquals("https://login.example", identity.claims().get("iss"));

        Identity player = verifier.verify(hs256(SECRET, claims("7", Duration.ofMinutes(5)).claim("roles", "player").build()));
        assertFalse(player.admin());
        Identity provider = verifier.verify(hs256(SECRET, claims("auth0|abc", Duration.ofMinutes(5)).build()));
        assertEquals(0, provider.userId(), "a subject that is no number names no user id");
    }

    @Test
    void everyWayATokenCanBeWrongIsRefusedWithAReason() throws Exception {
        TokenVerifier verifier = TokenVerifier.of(HS);
        assertTrue(reason(verifier, hs256(SECRET, claims("1", Duration.ofMinutes(-10)).build())).contains("expired"));
        assertTrue(reason(verifier, hs256(SECRET, claims("1", Duration.ofMinutes(5)).audience("other").build()))
                .contains("audience"));
        assertTrue(reason(verifier, hs256(SECRET, claims("1", Duration.ofMinutes(5)).issuer("https://evil.example")
                .build())).contains("issuer"));
        assertTrue(reason(verifier, hs256("another secret that is also long enough!!", claims("1", Duration.ofMinutes(5))
                .build())).contains("signature"));
        assertTrue(reason(verifier, new PlainJWT(claims("1", Duration.ofMinutes(5)).build()).serialize())
                .contains("alg none"));
        String good = hs256(SECRET, claims("1", Duration.ofMinutes(5)).build());
        String[] parts = good.split("\\.");
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(
                claims("999", Duration.ofMinutes(5)).build().toString().getBytes(StandardCharsets.UTF_8));
        assertTrue(reason(verifier, parts[0] + "." + forged + "." + parts[2]).contains("signature"), "tampered payload");
        assertTrue(reason(verifier, "x".repeat(AuthConfig.MAX_TOKEN_BYTES + 1)).contains("longer than"));
        assertTrue(reason(verifier, "not.a.token").contains("well-formed"));
        assertTrue(reason(verifier, "").contains("no token"));
        String noExpiry = hs256(SECRET, new JWTClaimsSet.Builder().subject("1").issuer("https://login.example")
                .audience("game").build());
        assertTrue(reason(verifier, noExpiry).contains("required claim"));
        String message = reason(verifier, hs256("another secret that is also long enough!!",
                claims("1", Duration.ofMinutes(5)).build()));
        assertFalse(message.contains(SECRET), "a reason never carries the key");
    }

    @Test
    void rs256FromAJwksFileAndNotWithTheSecretAlone() throws Exception {
        RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        Path jwks = Files.writeString(dir.resolve("jwks.json"), new JWKSet(rsa.toPublicJWK()).toString());
        TokenVerifier verifier = TokenVerifier.of(HS.withJwks(jwks.toString()));
        String token = signed(JWSAlgorithm.RS256, new RSASSASigner(rsa), "rsa-1", claims("9", Duration.ofMinutes(5)).build());
        assertEquals(9, verifier.verify(token).userId());
        assertTrue(reason(TokenVerifier.of(HS), token).contains("signature"), "no JWKS: an RS256 token has no key");
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        String forged = signed(JWSAlgorithm.RS256, new RSASSASigner(stranger), "rsa-1",
                claims("9", Duration.ofMinutes(5)).build());
        assertTrue(reason(verifier, forged).contains("signature"), "the right key id with the wrong key");
    }

    @Test
    void es256FromAJwksServedOverHttpIsFetchedAndCached() throws Exception {
        ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        byte[] body = new JWKSet(ec.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        AtomicInteger fetches = new AtomicInteger();
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
        try {
            String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/jwks.json";
            TokenVerifier verifier = TokenVerifier.of(AuthConfig.none().withJwks(url).withAudience("game"));
            for (int user = 1; user <= 5; user++) {
                String token = signed(JWSAlgorithm.ES256, new ECDSASigner(ec), "ec-1",
                        claims(Integer.toString(user), Duration.ofMinutes(5)).build());
                assertEquals(user, verifier.verify(token).userId());
            }
            assertEquals(1, fetches.get(), "the key set is fetched once and cached");
            assertTrue(reason(verifier, hs256(SECRET, claims("1", Duration.ofMinutes(5)).build())).contains("signature"),
                    "HS256 is refused without a secret");
        } finally {
            http.stop(0);
        }
    }

    @Test
    void withoutSettingsEveryTokenIsRefusedAndTheSettingSaysWhy() throws Exception {
        String message = reason(TokenVerifier.none(), hs256(SECRET, claims("1", Duration.ofMinutes(5)).build()));
        assertTrue(message.contains("auth.secret"), message);
        IllegalArgumentException weak = assertThrows(IllegalArgumentException.class, () -> AuthConfig.hs256("short"));
        assertTrue(weak.getMessage().contains("at least 32 bytes"), weak.getMessage());
    }

    @Test
    void devTokensVerifyOnTheServerThatSignedThem() {
        String token = DevTokens.sign(HS, 42, List.of(HS.adminRole()), Duration.ofHours(1));
        Identity identity = TokenVerifier.of(HS).verify(token);
        assertEquals(42, identity.userId());
        assertTrue(identity.admin());
        assertThrows(IllegalArgumentException.class, () -> DevTokens.sign(AuthConfig.none(), 1, List.of(),
                Duration.ofHours(1)));
    }
}
