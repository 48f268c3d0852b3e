package io.hetu.server;

import io.hetu.wire.Protocol;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketClientCompressionHandler;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real WebSocket client for tests, over Netty: sends frames, collects the server's binary
 * frames, and records how the server closed the connection.
 */
final class TestClient implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(10);

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final BlockingQueue<ByteBuffer> frames = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final Channel channel;

    private TestClient(URI uri, boolean deflate, int maxFrame) throws Exception {
        this(uri, deflate, maxFrame, 0);
    }

    private TestClient(URI uri, boolean deflate, int maxFrame, int receiveBuffer) throws Exception {
        WebSocketClientHandshaker handshaker = WebSocketClientHandshakerFactory.newHandshaker(uri,
                WebSocketVersion.V13, null, true, new DefaultHttpHeaders(), maxFrame);
        CompletableFuture<Void> handshaken = new CompletableFuture<>();
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class);
        if (receiveBuffer > 0) {
            bootstrap.option(io.netty.channel.ChannelOption.SO_RCVBUF, receiveBuffer);
        }
        bootstrap.handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536));
                        if (deflate) {
                            ch.pipeline().addLast(WebSocketClientCompressionHandler.INSTANCE);
                        }
                        ch.pipeline().addLast(new WebSocketClientProtocolHandler(handshaker, false));
                        ch.pipeline().addLast(new WebSocketFrameAggregator(maxFrame));
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<WebSocketFrame>() {
                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                                if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                                    handshaken.complete(null);
                                }
                            }

                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
                                if (frame instanceof BinaryWebSocketFrame) {
                                    ByteBuf content = frame.content();
                                    byte[] bytes = new byte[content.readableBytes()];
                                    content.readBytes(bytes);
                                    frames.add(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN));
                                } else if (frame instanceof CloseWebSocketFrame close) {
                                    closeCode.complete(close.statusCode());
                                }
                            }

                            /** A reset by the server ends the connection like a close; tests read the log. */
                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close();
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                closeCode.complete(-1);
                                handshaken.completeExceptionally(new IllegalStateException("closed"));
                            }
                        });
                    }
                });
        this.channel = bootstrap.connect(uri.getHost(), uri.getPort()).sync().channel();
        handshaken.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    static TestClient connect(int port) throws Exception {
        return new TestClient(URI.create("ws://127.0.0.1:" + port + "/hetu"), false, 1 << 24);
    }

    /** A client with a tiny socket receive buffer, so that not reading fills the server's queue fast. */
    static TestClient connectSmallBuffer(int port) throws Exception {
        return new TestClient(URI.create("ws://127.0.0.1:" + port + "/hetu"), false, 1 << 24, 4096);
    }

    static TestClient connectDeflate(int port) throws Exception {
        return new TestClient(URI.create("ws://127.0.0.1:" + port + "/hetu"), true, 1 << 24);
    }

    /** A client that has completed HELLO/WELCOME with the given schema hash. */
    static TestClient greeted(int port, String schemaHash) throws Exception {
        return greeted(port, schemaHash, 1);
    }

    /** A client that has completed HELLO/WELCOME in protocol {@code version}. */
    static TestClient greeted(int port, String schemaHash, int version) throws Exception {
        TestClient client = connect(port);
        client.hello(version, schemaHash);
        ByteBuffer welcome = client.next();
        if (welcome.get(0) != Protocol.WELCOME) {
            throw new AssertionError("expected WELCOME, got 0x" + Integer.toHexString(welcome.get(0) & 0xFF));
        }
        return client;
    }

    void hello(int version, String schemaHash) {
        Message m = new Message(Protocol.HELLO).u16(version).str(schemaHash);
        send(m);
    }

    void send(Message message) {
        send(message.bytes());
    }

    void send(byte[] bytes) {
        channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes))).syncUninterruptibly();
    }

    /** Sends without waiting, for floods; frames after the server closed are dropped. */
    void sendQuietly(byte[] bytes) {
        if (channel.isActive()) {
            channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes)));
        }
    }

    void sendFrame(WebSocketFrame frame) {
        channel.writeAndFlush(frame).syncUninterruptibly();
    }

    /** Stops (or resumes) reading from the socket, so the server's output piles up. */
    void reading(boolean on) {
        channel.config().setAutoRead(on);
    }

    /** The next binary frame from the server. */
    ByteBuffer next() throws InterruptedException {
        ByteBuffer frame = frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (frame == null) {
            throw new AssertionError("no frame from the server within " + WAIT);
        }
        return frame;
    }

    /** The next binary frame from the server, or null if none arrives within {@code millis}. */
    ByteBuffer poll(long millis) throws InterruptedException {
        return frames.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** The next frame of the given type, skipping others (such as UPDATEs). */
    ByteBuffer next(byte type) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            ByteBuffer frame = frames.poll(100, TimeUnit.MILLISECONDS);
            if (frame != null && frame.get(0) == type) {
                return frame;
            }
        }
        throw new AssertionError("no frame of type 0x" + Integer.toHexString(type & 0xFF) + " within " + WAIT);
    }

    /** The server's ERROR frame and close code, after it closed the connection. */
    String errorCode() throws Exception {
        ByteBuffer error = next(Protocol.ERROR);
        error.position(1);
        return readStr(error);
    }

    /** The code of an ERROR frame received so far, or null. */
    String lastErrorCode() {
        String code = null;
        for (ByteBuffer frame : frames) {
            if (frame.get(0) == Protocol.ERROR) {
                code = readStr(frame.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(1));
            }
        }
        return code;
    }

    int awaitClose() throws Exception {
        return closeCode.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    boolean isOpen() {
        return channel.isActive();
    }

    static String readStr(ByteBuffer buffer) {
        int length = Short.toUnsignedInt(buffer.getShort());
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** A client message under construction, little-endian. */
    static final class Message {
        private ByteBuffer buffer = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);

        Message(byte type) {
            buffer.put(type);
        }

        private Message room(int bytes) {
            if (buffer.remaining() < bytes) {
                ByteBuffer grown = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + bytes))
                        .order(ByteOrder.LITTLE_ENDIAN);
                buffer.flip();
                grown.put(buffer);
                buffer = grown;
            }
            return this;
        }

        Message u8(int v) {
            room(1).buffer.put((byte) v);
            return this;
        }

        Message u16(int v) {
            room(2).buffer.putShort((short) v);
            return this;
        }

        Message i32(int v) {
            room(4).buffer.putInt(v);
            return this;
        }

        Message i64(long v) {
            room(8).buffer.putLong(v);
            return this;
        }

        Message f32(float v) {
            room(4).buffer.putFloat(v);
            return this;
        }

        Message str(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            room(2 + utf8.length).buffer.putShort((short) utf8.length).put(utf8);
            return this;
        }

        Message string(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            room(4 + utf8.length).buffer.putInt(utf8.length).put(utf8);
            return this;
        }

        Message raw(byte[] bytes) {
            room(bytes.length).buffer.put(bytes);
            return this;
        }

        byte[] bytes() {
            byte[] out = new byte[buffer.position()];
            buffer.duplicate().flip().get(out);
            return out;
        }
    }
}
