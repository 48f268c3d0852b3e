package io.hetu.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The cap of connections per remote address, on channels that claim a remote address (tests reach
 * only loopback, which the cap does not count; see {@link AddressLimit}).
 */
class AddressLimitTest {

    private static final class From extends EmbeddedChannel {
        private final InetSocketAddress remote;

        From(String address, AddressLimit limit) throws Exception {
            super(false, false);
            this.remote = new InetSocketAddress(InetAddress.getByName(address), 40_000);
            pipeline().addLast(limit, new ChannelInboundHandlerAdapter());
            register();
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return remote;
        }
    }

    private static FullHttpRequest upgrade() {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/hetu");
    }

    @Test
    void theConnectionOverTheCapIsRefusedAndAClosedOneFreesItsPlace() throws Exception {
        AddressLimit limit = new AddressLimit(2);
        From first = new From("203.0.113.5", limit);
        From second = new From("203.0.113.5", limit);
        From other = new From("198.51.100.7", limit);
        From third = new From("203.0.113.5", limit);
        assertEquals(3, limit.openFrom(InetAddress.getByName("203.0.113.5")));

        FullHttpRequest admitted = upgrade();
        first.writeInbound(admitted);
        assertSame(admitted, first.readInbound(), "under the cap the request passes on");
        assertNull(first.pipeline().get(AddressLimit.class), "an admitted connection no longer passes the check");
        other.writeInbound(upgrade());
        assertTrue(other.isActive());

        third.writeInbound(upgrade());
        FullHttpResponse refused = third.readOutbound();
        assertEquals(HttpResponseStatus.TOO_MANY_REQUESTS, refused.status());
        assertTrue(refused.content().toString(StandardCharsets.UTF_8).contains("limits.maxConnectionsPerAddress"));
        assertFalse(third.isActive(), "the refused connection is closed");
        refused.release();
        assertEquals(2, limit.openFrom(InetAddress.getByName("203.0.113.5")));

        second.close();
        From fourth = new From("203.0.113.5", limit);
        FullHttpRequest again = upgrade();
        fourth.writeInbound(again);
        assertSame(again, fourth.readInbound(), "a closed connection frees its place");
        again.release();
        admitted.release();
    }

    @Test
    void loopbackIsNotCounted() throws Exception {
        AddressLimit limit = new AddressLimit(1);
        for (int i = 0; i < 5; i++) {
            From local = new From("127.0.0.1", limit);
            FullHttpRequest request = upgrade();
            local.writeInbound(request);
            assertSame(request, local.readInbound());
            request.release();
        }
        assertEquals(0, limit.openFrom(InetAddress.getByName("127.0.0.1")));
    }
}
