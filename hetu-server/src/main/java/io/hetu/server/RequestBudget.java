package io.hetu.server;

import io.hetu.wire.Codes;
import io.hetu.wire.Protocol;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The request budget (docs/PROTOCOL.md, Limits and closing): a bucket of
 * {@code limits.requestsPerSecond} tokens, refilled continuously at that rate, from which every
 * message after HELLO takes its cost before it is served, a malformed one too: a SELECT or QUERY
 * {@value #SUBSCRIBE_TOKENS}, anything else 1. A message that finds too few tokens closes the
 * connection with {@code RATE}.
 */
final class RequestBudget extends ChannelInboundHandlerAdapter {

    /** Request tokens a SELECT or QUERY takes: a subscription costs the server a snapshot. */
    static final int SUBSCRIBE_TOKENS = 10;

    private final Connection connection;
    private final int rate;
    private double tokens;
    private long refilledAt;

    RequestBudget(Connection connection) {
        this.connection = connection;
        this.rate = connection.server().limits().requestsPerSecond();
        this.tokens = rate;
        this.refilledAt = System.nanoTime();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (message instanceof ClientMessage request) {
            byte type = request.type();
            if (!take(type == Protocol.SELECT || type == Protocol.QUERY ? SUBSCRIBE_TOKENS : 1)) {
                connection.close(Codes.RATE, "more than " + rate + " requests per second (a SELECT or QUERY counts "
                        + SUBSCRIBE_TOKENS + ")", Protocol.CLOSE_LIMIT);
                return;
            }
        }
        ctx.fireChannelRead(message);
    }

    private boolean take(int cost) {
        long now = System.nanoTime();
        tokens = Math.min(rate, tokens + (now - refilledAt) * rate / 1e9);
        refilledAt = now;
        if (tokens < cost) {
            return false;
        }
        tokens -= cost;
        return true;
    }
}
