package io.hetu.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.server.TestClient.Message;
import io.hetu.server.auth.AuthConfig;
import io.hetu.server.auth.DevTokens;
import io.hetu.server.auth.TokenVerifier;
import io.hetu.system.Identity;
import io.hetu.wire.Protocol;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A login with a signed token over a real socket: the user and admin rights come from its claims only. With
 * {@code auth.devLogin}, the server hands out such tokens over HTTP for development.
 */
class TokenLoginTest {

    private static final AuthConfig AUTH = AuthConfig.hs256("the secret of this test, long enough for HS256")
            .withAudience("servertest");

    private ServedApp served;

    @BeforeEach
    void start() throws Exception {
        served = ServedApp.start(config -> config.withAuth(AUTH));
    }

    @AfterEach
    void stop() {
        served.close();
    }

    private Message call(int request, String system) {
        return new Message(Protocol.CALL).i32(request).u16(served.system(system));
    }

    private static String rejection(ByteBuffer frame, StringBuilder message) {
        assertEquals(Protocol.REJECTED, frame.get(0), "expected a rejection");
        frame.position(5);
        String code = TestClient.readStr(frame);
        message.append(TestClient.readStr(frame));
        return code;
    }

    @Test
    void aTokenLogsInAndItsRoleMakesAnAdmin() throws Exception {
        try (TestClient client = served.client()) {
            String token = DevTokens.sign(AUTH, 42, List.of("admin"), Duration.ofMinutes(5));
            client.send(call(1, "tokenLogin").string(token));
            assertEquals(42, client.next(Protocol.RESULT).getLong(13));
            client.send(call(2, "whoAmI"));
            assertEquals(42, client.next(Protocol.RESULT).getLong(13));
            client.send(call(3, "adminOnly"));
            client.next(Protocol.RESULT);
        }
        try (TestClient player = served.client()) {
            player.send(call(1, "tokenLogin").string(DevTokens.sign(AUTH, 7, List.of(), Duration.ofMinutes(5))));
            assertEquals(7, player.next(Protocol.RESULT).getLong(13));
            player.send(call(2, "adminOnly"));
            assertEquals("PERMISSION", rejection(player.next(Protocol.REJECTED), new StringBuilder()));
        }
    }

    @Test
    void aBadTokenIsRefusedWithAReasonAndTheConnectionStays() throws Exception {
        AuthConfig otherAudience = AuthConfig.hs256("the secret of this test, long enough for HS256").withAudience("x");
        try (TestClient client = served.client()) {
            StringBuilder reason = new StringBuilder();
            client.send(call(1, "tokenLogin").string(DevTokens.sign(otherAudience, 42, List.of("admin"),
                    Duration.ofMinutes(5))));
            assertEquals("UNAUTHENTICATED", rejection(client.next(Protocol.REJECTED), reason));
            assertTrue(reason.toString().contains("audience"), reason.toString());
            client.send(call(2, "whoAmI"));
            assertEquals("PERMISSION", rejection(client.next(Protocol.REJECTED), new StringBuilder()),
                    "the refused login logged nobody in");
            client.send(call(3, "tokenLogin").string("garbage"));
            assertEquals("UNAUTHENTICATED", rejection(client.next(Protocol.REJECTED), new StringBuilder()));
            client.send(call(4, "tokenLogin").string(DevTokens.sign(AUTH, 5, List.of(), Duration.ofMinutes(5))));
            assertEquals(5, client.next(Protocol.RESULT).getLong(13), "the connection still serves calls");
        }
    }

    private static HttpResponse<String> get(ServedApp server, String pathAndQuery) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.server.port() + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withoutDevLoginTheDevTokenPathIsNotFound() throws Exception {
        HttpResponse<String> response = get(served, "/hetu/dev-token?user=42");
        assertEquals(404, response.statusCode(), "auth.devLogin is off by default, even with a secret");
        assertEquals(get(served, "/hetu/no-such-path").body(), response.body(), "like any unknown path");
    }

    @Test
    void devLoginHandsOutATokenThatLogsInAsThatUserWithoutAdminRights() throws Exception {
        ServedApp devServer;
        try (LogCapture log = new LogCapture()) {
            devServer = ServedApp.start(config -> config.withAuth(AUTH.withDevLogin(true)));
            assertTrue(log.text().lines().anyMatch(line -> line.contains("WARN") && line.contains("auth.devLogin is on")
                    && line.contains("anyone can log in as any user") && line.contains("off in production")),
                    "one WARN line at start:\n" + log.text());
        }
        try (devServer) {
            HttpResponse<String> response = get(devServer, "/hetu/dev-token?user=42");
            assertEquals(200, response.statusCode(), response.body());
            assertEquals("text/plain; charset=utf-8", response.headers().firstValue("content-type").orElse(null));
            assertEquals("no-store", response.headers().firstValue("cache-control").orElse(null));

            Identity identity = TokenVerifier.of(AUTH).verify(response.body());
            assertEquals(42, identity.userId());
            assertEquals(Set.of(), identity.roles());
            assertFalse(identity.admin());
            Duration left = Duration.between(Instant.now(), identity.expiresAt());
            assertTrue(left.compareTo(Duration.ofHours(23)) > 0 && left.compareTo(Duration.ofHours(24)) <= 0,
                    "valid for a day: " + left);

            try (TestClient client = devServer.client()) {
                client.send(call(1, "tokenLogin").string(response.body()));
                assertEquals(42, client.next(Protocol.RESULT).getLong(13), "ctx.verifyToken accepts it");
                client.send(call(2, "adminOnly"));
                assertEquals("PERMISSION", rejection(client.next(Protocol.REJECTED), new StringBuilder()),
                        "a development token never makes an admin");
            }
        }
    }

    @Test
    void aDevTokenRequestWithoutOneValidUserIsABadRequest() throws Exception {
        try (LogCapture log = new LogCapture();
                ServedApp devServer = ServedApp.start(config -> config.withAuth(AUTH.withDevLogin(true)))) {
            for (String query : List.of("", "?user=", "?user=0", "?user=-3", "?user=abc", "?user=1.5", "?user=0x10",
                    "?user=99999999999999999999", "?user=1&user=2", "?user=%2B7", "?player=42")) {
                HttpResponse<String> response = get(devServer, "/hetu/dev-token" + query);
                assertEquals(400, response.statusCode(), query + ": " + response.body());
                assertTrue(response.body().contains("a whole number from 1") && response.body().contains(
                        "/hetu/dev-token?user=42"), query + ": says what to send: " + response.body());
            }
            String badEscape = WebClientRouteTest.raw(devServer.server, "GET /hetu/dev-token?user=%zz HTTP/1.1");
            assertTrue(badEscape.startsWith("HTTP/1.1 400 ") && badEscape.contains("a whole number from 1"), badEscape);
            assertEquals(0, log.stackTraceLines(), "a client's mistake leaves no stack trace:\n" + log.text());
        }
    }

    @Test
    void aDevTokenOfAServerWithAnotherSecretIsRefused() throws Exception {
        AuthConfig otherSecret = AuthConfig.hs256("another server's secret, also long enough for HS256")
                .withAudience("servertest").withDevLogin(true);
        String foreign;
        try (ServedApp other = ServedApp.start(config -> config.withAuth(otherSecret))) {
            foreign = get(other, "/hetu/dev-token?user=42").body();
        }
        try (TestClient client = served.client()) {
            StringBuilder reason = new StringBuilder();
            client.send(call(1, "tokenLogin").string(foreign));
            assertEquals("UNAUTHENTICATED", rejection(client.next(Protocol.REJECTED), reason));
            assertTrue(reason.toString().contains("signature"), reason.toString());
            client.send(call(2, "whoAmI"));
            assertEquals("PERMISSION", rejection(client.next(Protocol.REJECTED), new StringBuilder()),
                    "nobody is logged in");
        }
    }
}
