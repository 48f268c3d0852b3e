package io.hetu.bench;

import io.hetu.server.ServerStats;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;

/**
 * One bench run: connects, warms up, measures, drains, and sums up what the connections saw and
 * what the server's stats route says about the measured interval.
 */
public final class LoadRun {

    private static final long CONNECT_TIMEOUT_SECONDS = 30;
    private static final long DRAIN_TIMEOUT_SECONDS = 10;

    final BenchSettings settings;
    final Workload workload;
    final Target target;
    final Zipf accounts;
    final int pushKeys;
    final int pushRange;
    final double pushRate;
    /** The bench app's login, which {@code --once} connections call first; -1 without it. */
    final int loginSystem;
    int rowSize;
    int stampOffset;
    /** The measured interval, in {@code System.nanoTime()}; set before the connections start. */
    volatile long measureFrom = Long.MAX_VALUE;
    volatile long measureUntil = Long.MAX_VALUE;

    private LoadRun(BenchSettings settings, Target target) {
        this.settings = settings;
        this.workload = settings.workload();
        this.target = target;
        this.accounts = workload == Workload.TRANSFER ? new Zipf(Workload.ACCOUNTS, settings.zipfAlpha()) : null;
        this.pushRange = settings.pushRange();
        this.pushKeys = settings.connections() * settings.pushRange();
        this.pushRate = settings.pushRate();
        this.loginSystem = settings.once() ? target.systemId("login") : -1;
    }

    /**
     * Runs the bench and returns its result.
     *
     * @param progress where a live progress line goes once a second, or null for none
     */
    public static BenchResult run(BenchSettings settings, PrintStream progress) throws Exception {
        Target target = Target.resolve(settings.url(), settings.statsUrl(), settings.workload());
        return new LoadRun(settings, target).execute(progress);
    }

    private BenchResult execute(PrintStream progress) throws Exception {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(settings.threads(), io);
        List<BenchConnection> connections = new ArrayList<>();
        try {
            Bootstrap bootstrap = new Bootstrap().group(group)
                    .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true);
            for (BenchConnection connection : plan()) {
                connect(bootstrap, connection);
                connections.add(connection);
            }
            for (BenchConnection connection : connections) {
                await(connection.ready, CONNECT_TIMEOUT_SECONDS, "connecting to " + target.endpoint);
            }
            return measure(connections, progress);
        } finally {
            connections.forEach(BenchConnection::close);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** The connections of this workload: callers, or subscribers and one writer. */
    private List<BenchConnection> plan() {
        List<BenchConnection> plan = new ArrayList<>();
        if (workload == Workload.PUSH) {
            int slot = target.componentId("Slot");
            rowSize = target.rowSize(slot);
            stampOffset = target.fieldOffset(slot, "stamp");
            for (int i = 0; i < settings.connections(); i++) {
                plan.add(new BenchConnection(this, BenchConnection.Role.SUBSCRIBER, slot, 1, i, i * pushRange));
            }
            plan.add(new BenchConnection(this, BenchConnection.Role.WRITER, target.systemId(workload.system()),
                    settings.inFlight(), -1, 0));
            return plan;
        }
        int system = workload == Workload.ECHO ? 0 : target.systemId(workload.system());
        for (int i = 0; i < settings.connections(); i++) {
            plan.add(new BenchConnection(this, BenchConnection.Role.CALLER, system, settings.inFlight(), i, 0));
        }
        return plan;
    }

    private void connect(Bootstrap bootstrap, BenchConnection connection) {
        var handshaker = WebSocketClientHandshakerFactory.newHandshaker(target.endpoint, WebSocketVersion.V13, null,
                false, EmptyHttpHeaders.INSTANCE, 1 << 24);
        bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16),
                        new WebSocketClientProtocolHandler(handshaker, false),
                        new WebSocketFrameAggregator(1 << 24), connection);
            }
        }).connect(target.endpoint.getHost(), target.endpoint.getPort()).addListener(future -> {
            if (!future.isSuccess()) {
                connection.ready.completeExceptionally(future.cause());
            }
        });
    }

    private BenchResult measure(List<BenchConnection> connections, PrintStream progress) throws Exception {
        long start = System.nanoTime();
        long warmup = (long) (settings.warmupSeconds() * 1e9);
        long duration = (long) (settings.seconds() * 1e9);
        measureFrom = start + warmup;
        measureUntil = measureFrom + duration;
        for (BenchConnection connection : connections) {
            connection.onLoop(connection::start);
        }
        Progress line = new Progress(progress, connections, start, measureFrom, measureUntil);
        line.until(measureFrom);
        Target.Stats serverBefore = target.stats();
        long clientCpuBefore = ServerStats.processCpuNanos();
        long measuredFrom = System.nanoTime();
        line.until(measureUntil);
        Target.Stats serverAfter = target.stats();
        long clientCpuAfter = ServerStats.processCpuNanos();
        long measuredUntil = System.nanoTime();
        line.done();
        for (BenchConnection connection : connections) {
            await(connection.drained, DRAIN_TIMEOUT_SECONDS, "waiting for the last replies");
        }
        Long invariant = null;
        if (workload == Workload.TRANSFER) {
            ByteBuf total = connections.getFirst().callOnce(target.systemId("totalBalance")).get(DRAIN_TIMEOUT_SECONDS,
                    TimeUnit.SECONDS);
            invariant = total.getLongLE(total.readerIndex());
            total.release();
        }
        return summarise(connections, (measuredUntil - measuredFrom) / 1e9, serverBefore, serverAfter,
                clientCpuAfter - clientCpuBefore, invariant);
    }

    private BenchResult summarise(List<BenchConnection> connections, double statsSeconds, Target.Stats before,
            Target.Stats after, long clientCpuNanos, Long totalBalance) {
        Histogram calls = new Histogram(TimeUnit.MINUTES.toNanos(1), 2);
        Histogram pushes = new Histogram(TimeUnit.MINUTES.toNanos(1), 2);
        long callCount = 0;
        long errors = 0;
        long pushCount = 0;
        String firstError = null;
        for (BenchConnection connection : connections) {
            calls.add(connection.latency);
            pushes.add(connection.pushLatency);
            callCount += connection.measuredCalls;
            errors += connection.measuredErrors;
            pushCount += connection.measuredPushes;
            if (firstError == null) {
                firstError = connection.firstError;
            }
        }
        BenchResult.Server server = before == null || after == null ? null : new BenchResult.Server(
                after.processCpuNanos() - before.processCpuNanos(), after.calls() - before.calls(),
                after.retries() - before.retries(), statsSeconds);
        return new BenchResult(settings, settings.seconds(), callCount, errors, BenchResult.Latency.of(calls), pushCount,
                BenchResult.Latency.of(pushes), server, clientCpuNanos, firstError, totalBalance);
    }

    private static void await(CompletableFuture<Void> future, long seconds, String what) throws IOException,
            InterruptedException {
        try {
            future.get(seconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException(what + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException(what + " took over " + seconds + " s; is the server overloaded or stopped?");
        }
    }

    /** The live progress line: phase, elapsed time and the last second's rate. */
    private record Progress(PrintStream out, List<BenchConnection> connections, long start, long from, long until) {

        void until(long deadline) throws InterruptedException {
            long lastCount = count();
            long lastAt = System.nanoTime();
            while (true) {
                long now = System.nanoTime();
                if (now >= deadline) {
                    return;
                }
                TimeUnit.NANOSECONDS.sleep(Math.min(deadline - now, 1_000_000_000L));
                if (out != null) {
                    long count = count();
                    long at = System.nanoTime();
                    out.printf("\r%-9s %5.1f s  %,12.0f /s  connections with errors: %d   ", at < from ? "warm-up" : "measuring",
                            (at - start) / 1e9, (count - lastCount) / ((at - lastAt) / 1e9), errors());
                    out.flush();
                    lastCount = count;
                    lastAt = at;
                }
            }
        }

        void done() {
            if (out != null) {
                out.println();
            }
        }

        private long count() {
            long sum = 0;
            for (BenchConnection connection : connections) {
                sum += connection.completed;
            }
            return sum;
        }

        private long errors() {
            long sum = 0;
            for (BenchConnection connection : connections) {
                sum += connection.firstError == null ? 0 : 1;
            }
            return sum;
        }
    }
}
