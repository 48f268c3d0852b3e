package io.hetu.server;

import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilter;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilterProvider;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;

/**
 * How the server speaks {@code permessage-deflate} (RFC 7692), which every browser offers
 * (docs/PROTOCOL.md, compression). Chosen for a game's stream of small frames:
 *
 * <ul>
 *   <li>compression level {@value #LEVEL}, the fastest: most of what a push holds is row ids and
 *       numbers that a higher level hardly shrinks further, and its cost is paid once per frame per
 *       connection on the event loop;
 *   <li>frames under {@value #MIN_BYTES} bytes are sent uncompressed (a message may be, per
 *       message; RSV1 says which): call replies, PONGs and small pushes would cost more to deflate
 *       than they save;
 *   <li>the client may ask for a smaller server window ({@code server_max_window_bits}) and for no
 *       context takeover, and is granted both; the server does not ask either of the client, whose
 *       messages are small calls;
 *   <li>inflating what a client sends stops at the frame limit, so a compressed message cannot
 *       grow past what an uncompressed one may be.
 * </ul>
 */
final class Deflate {

    static final int LEVEL = 1;
    static final int MIN_BYTES = 256;

    private static final WebSocketExtensionFilter SMALL_FRAMES = frame -> frame.content().readableBytes() < MIN_BYTES;

    private static final WebSocketExtensionFilterProvider FILTERS = new WebSocketExtensionFilterProvider() {
        @Override
        public WebSocketExtensionFilter encoderFilter() {
            return SMALL_FRAMES;
        }

        @Override
        public WebSocketExtensionFilter decoderFilter() {
            return WebSocketExtensionFilter.NEVER_SKIP;
        }
    };

    private Deflate() {}

    /** The extension handler for one connection; inflation is capped at {@code maxFrameBytes}. */
    static WebSocketServerExtensionHandler handler(int maxFrameBytes) {
        return new WebSocketServerExtensionHandler(new PerMessageDeflateServerExtensionHandshaker(LEVEL, true,
                PerMessageDeflateServerExtensionHandshaker.MAX_WINDOW_SIZE, true, false, FILTERS, maxFrameBytes));
    }
}
