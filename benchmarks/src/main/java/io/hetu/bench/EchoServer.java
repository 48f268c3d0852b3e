package io.hetu.bench;

import io.hetu.server.ServerStats;
import io.hetu.server.StatsRoute;
import io.hetu.wire.Protocol;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The physical limit for hello world: a bare Netty WebSocket server with the HeTu server's
 * transport (the same event loops, flush consolidation, HTTP upgrade, frame decoder and
 * aggregator) that answers HELLO with WELCOME and every CALL with the very RESULT frame
 * {@code bench.hello} gets, without an engine behind it. It serves the same stats route.
 *
 * <pre>java -cp hetu.jar io.hetu.bench.EchoServer [port [host]]</pre>
 */
public final class EchoServer implements AutoCloseable {

    private static final String PATH = "/hetu";
    private static final byte[] HELLO_WORLD = "hello world".getBytes(StandardCharsets.UTF_8);

    private final ServerStats stats = new ServerStats();
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final Channel serverChannel;

    private EchoServer(String host, int port) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.bossGroup = new MultiThreadIoEventLoopGroup(1, io);
        this.workerGroup = new MultiThreadIoEventLoopGroup(0, io);
        StatsRoute statsRoute = new StatsRoute(PATH, stats);
        Replies replies = new Replies(stats);
        this.serverChannel = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new FlushConsolidationHandler(256, true), new HttpServerCodec(),
                                new HttpObjectAggregator(16 * 1024), statsRoute,
                                new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                        .websocketPath(PATH)
                                        .handleCloseFrames(true)
                                        .dropPongFrames(true)
                                        .decoderConfig(WebSocketDecoderConfig.newBuilder()
                                                .maxFramePayloadLength(64 * 1024)
                                                .allowExtensions(true)
                                                .closeOnProtocolViolation(false)
                                                .build())
                                        .build()),
                                new WebSocketFrameAggregator(64 * 1024), replies);
                    }
                })
                .bind(host, port).sync().channel();
    }

    /** Starts an echo server on {@code host:port} (port 0 picks a free one). */
    public static EchoServer start(String host, int port) throws InterruptedException {
        return new EchoServer(host, port);
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 2467;
        String host = args.length > 1 ? args[1] : "127.0.0.1";
        EchoServer server = start(host, port);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "echo-shutdown"));
        System.out.println("Echo server on ws://" + host + ":" + server.port() + PATH);
        System.out.flush();
        new CountDownLatch(1).await();
    }

    /** WELCOME for HELLO, the hello-world RESULT for CALL; nothing else is answered. */
    @ChannelHandler.Sharable
    private static final class Replies extends SimpleChannelInboundHandler<WebSocketFrame> {

        private final ServerStats stats;

        Replies(ServerStats stats) {
            this.stats = stats;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            ByteBuf in = frame.content();
            byte type = in.getByte(in.readerIndex());
            if (type == Protocol.CALL) {
                stats.called(1);
                ByteBuf out = ctx.alloc().buffer(17 + HELLO_WORLD.length);
                out.writeByte(Protocol.RESULT).writeIntLE(in.getIntLE(in.readerIndex() + 1)).writeLongLE(0)
                        .writeIntLE(HELLO_WORLD.length).writeBytes(HELLO_WORLD);
                ctx.writeAndFlush(new BinaryWebSocketFrame(out));
            } else if (type == Protocol.HELLO) {
                ByteBuf out = ctx.alloc().buffer(19);
                out.writeByte(Protocol.WELCOME).writeShortLE(Protocol.VERSION).writeLongLE(0).writeLongLE(0);
                ctx.writeAndFlush(new BinaryWebSocketFrame(out));
            }
        }
    }
}
