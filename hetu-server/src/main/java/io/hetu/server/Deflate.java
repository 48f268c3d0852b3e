package io.hetu.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilter;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilterProvider;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandshaker;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import java.util.zip.Deflater;

/**
 * How the server speaks {@code permessage-deflate} (RFC 7692), which every browser offers
 * (docs/PROTOCOL.md, compression). Chosen for a game's stream of pushes:
 *
 * <ul>
 *   <li>Only pushes (SUBSCRIBED and UPDATE frames) of at least {@value #MIN_BYTES} bytes are
 *       compressed, by the subscription engine's thread before they reach the channel; replies,
 *       PONGs and small pushes go out as they are (a message may be sent uncompressed; RSV1 says
 *       which). Netty's own encoder never compresses, so one stream of compressed messages reaches
 *       the client in order.
 *   <li>Every compressed message stands alone (no context takeover on the server's side, which a
 *       client that expects takeover decodes just the same): the engine keeps <b>one</b> compressor
 *       for all connections, so deflate costs no memory per connection.
 *   <li>Level {@value #LEVEL}, the fastest: a push is row ids and numbers, which a higher level
 *       hardly shrinks further.
 *   <li>A client that asks for a smaller server window ({@code server_max_window_bits}) is served
 *       without compression (the JDK's compressor has one window size); browsers do not ask.
 *   <li>Inflating what a client sends stops at the frame limit, so a compressed message cannot
 *       grow past what an uncompressed one may be.
 * </ul>
 */
final class Deflate {

    static final int LEVEL = 1;
    static final int MIN_BYTES = 1024;

    private static final WebSocketExtensionFilterProvider FILTERS = new WebSocketExtensionFilterProvider() {
        @Override
        public WebSocketExtensionFilter encoderFilter() {
            return WebSocketExtensionFilter.ALWAYS_SKIP;
        }

        @Override
        public WebSocketExtensionFilter decoderFilter() {
            return WebSocketExtensionFilter.NEVER_SKIP;
        }
    };

    /** The sync-flush trailer RFC 7692 removes from each message. */
    private static final int TRAILER_BYTES = 4;

    private final Deflater deflater = new Deflater(LEVEL, true);
    private byte[] out = new byte[64 * 1024];

    /**
     * The extension handler for one connection; inflation is capped at {@code maxFrameBytes}, and
     * {@code connection} learns whether its client agreed to deflate.
     */
    static WebSocketServerExtensionHandler handler(int maxFrameBytes, Connection connection) {
        WebSocketServerExtensionHandshaker deflate = new PerMessageDeflateServerExtensionHandshaker(LEVEL, false,
                PerMessageDeflateServerExtensionHandshaker.MAX_WINDOW_SIZE, true, false, FILTERS, maxFrameBytes);
        return new WebSocketServerExtensionHandler(new WebSocketServerExtensionHandshaker() {
            @Override
            public WebSocketServerExtension handshakeExtension(WebSocketExtensionData data) {
                WebSocketServerExtension extension = deflate.handshakeExtension(data);
                if (extension != null) {
                    connection.deflateNegotiated();
                }
                return extension;
            }
        });
    }

    /**
     * Compresses one message into a new buffer, or returns null when it is too small to be worth
     * it or would not shrink. Not thread-safe: one instance per thread.
     */
    ByteBuf compress(byte[] message, int length, ByteBufAllocator allocator) {
        if (length < MIN_BYTES) {
            return null;
        }
        deflater.reset();
        deflater.setInput(message, 0, length);
        int size = 0;
        while (true) {
            size += deflater.deflate(out, size, out.length - size, Deflater.SYNC_FLUSH);
            if (size < out.length) {
                break;
            }
            out = java.util.Arrays.copyOf(out, out.length * 2);
        }
        int compressed = size - TRAILER_BYTES;
        if (compressed >= length) {
            return null;
        }
        ByteBuf buffer = allocator.directBuffer(compressed);
        buffer.writeBytes(out, 0, compressed);
        if (out.length > 1024 * 1024) {
            // One huge snapshot grew it: let it go.
            out = new byte[64 * 1024];
        }
        return buffer;
    }
}
