package io.hetu.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A client's own way to the server: a loopback TCP relay a test can cut (every connection through
 * it closes, and new ones are closed as soon as they connect) and restore, or make lose what the
 * server sends ({@link #holdReplies}: a reply lost with a connection about to drop). It follows the
 * server across a restart, so a client reconnects to the same address. {@link TestServer} gives
 * each client one; a test of its own server can make one with {@link #to(int)}.
 */
public final class Link implements AutoCloseable {

    private final ServerSocket listener;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile int target;
    private volatile boolean cut;
    private volatile boolean holding;
    private volatile boolean closed;

    Link(int target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread.ofVirtual().name("hetu-test-link-" + listener.getLocalPort()).start(this::accept);
    }

    /** A link to the server on loopback port {@code target}. */
    public static Link to(int target) throws IOException {
        return new Link(target);
    }

    /** The loopback port clients connect to. */
    public int port() {
        return listener.getLocalPort();
    }

    /**
     * From now on what the server sends through the link is lost (the server still reads and runs
     * what clients send), until {@link #cut}: a call whose reply is lost with its connection.
     */
    public void holdReplies() {
        holding = true;
    }

    /** The server moved (it restarted on another port). */
    void target(int port) {
        this.target = port;
    }

    /** Closes every connection through the link, and every new one until {@link #restore}; ends a hold. */
    public void cut() {
        cut = true;
        holding = false;
        for (Socket socket : open) {
            reset(socket);
        }
    }

    /** Closes with a reset, as a lost network looks to the peer: a FIN alone can wait behind a read in progress. */
    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException e) {
            // closing anyway
        }
        closeQuietly(socket);
    }

    /** Lets new connections through again after {@link #cut}. */
    public void restore() {
        cut = false;
    }

    public boolean isCut() {
        return cut;
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (cut) {
                reset(client);
                continue;
            }
            try {
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                open.add(client);
                open.add(server);
                Thread.ofVirtual().start(() -> pump(client, server, false));
                Thread.ofVirtual().start(() -> pump(server, client, true));
            } catch (IOException e) {
                closeQuietly(client); // the server is down: as a client would see it
            }
        }
    }

    private void pump(Socket from, Socket to, boolean replies) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                if (replies && holding) {
                    continue; // lost, as the cut that follows loses it
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // One side closed or the link was cut: close both.
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        cut();
    }
}
