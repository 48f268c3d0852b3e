package io.hetu.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.server.TestClient.Message;
import io.hetu.server.auth.AuthConfig;
import io.hetu.server.auth.DevTokens;
import io.hetu.wire.Protocol;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A login with a signed token over a real socket: the user and admin rights come from its claims only. */
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
}
