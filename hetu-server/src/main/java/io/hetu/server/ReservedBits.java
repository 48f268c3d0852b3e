package io.hetu.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Refuses frames with reserved bits set (RFC 6455 section 5.2). It sits behind the
 * permessage-deflate decoder, which clears the bit that extension uses once negotiated, so a bit
 * still set here belongs to no negotiated extension.
 */
final class ReservedBits extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (message instanceof WebSocketFrame frame && frame.rsv() != 0) {
            int rsv = frame.rsv();
            ReferenceCountUtil.release(message);
            ctx.fireExceptionCaught(new CorruptedWebSocketFrameException(WebSocketCloseStatus.PROTOCOL_ERROR,
                    "reserved bits 0x" + Integer.toHexString(rsv << 4) + " are set, but no extension that uses them "
                            + "was negotiated"));
            return;
        }
        ctx.fireChannelRead(message);
    }
}
