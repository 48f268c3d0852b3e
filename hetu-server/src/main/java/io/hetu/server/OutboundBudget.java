package io.hetu.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;

/**
 * The one outbound budget of a connection, at the end of the pipeline, so that everything written
 * to the channel passes it: replies, pushes, PONGs, the WebSocket layer's own pongs and HTTP
 * responses. The channel is unwritable once more than {@code limits.maxOutboundBytes} wait to
 * be sent (its high water mark); a write then is dropped and the connection closed as too slow.
 * Only {@link Connection}'s closing frames bypass it, written from in front of it.
 */
final class OutboundBudget extends ChannelOutboundHandlerAdapter {

    private final Connection connection;

    OutboundBudget(Connection connection) {
        this.connection = connection;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
        if (ctx.channel().isWritable()) {
            ctx.write(message, promise);
            return;
        }
        ReferenceCountUtil.release(message);
        if (!promise.isVoid()) {
            promise.tryFailure(new ClosedChannelException());
        }
        connection.tooSlow();
    }
}
