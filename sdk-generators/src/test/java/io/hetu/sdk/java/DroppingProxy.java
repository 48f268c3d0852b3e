package io.hetu.sdk.java;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on a loopback port in front of a server, whose {@link #drop()} cuts every connection through it, as a
 * network loss would; new connections go through again.
 */
final class DroppingProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int target;
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    DroppingProxy(int target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().start(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Closes every connection through the proxy, both ways. */
    void drop() {
        for (Socket socket : open) {
            close(socket);
            open.remove(socket);
        }
    }

    /** Closes with a reset (no lingering), as a lost connection ends, so the peer cannot miss it. */
    private static void close(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException ignored) {
            // Closing is all that is wanted.
        }
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException closed) {
                return;
            }
            try {
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                open.addAll(List.of(client, server));
                Thread.ofPlatform().daemon().start(() -> pipe(client, server));
                Thread.ofPlatform().daemon().start(() -> pipe(server, client));
            } catch (IOException unreachable) {
                // The server is not there: this client is dropped, the next is tried again.
                close(client);
            }
        }
    }

    private static void pipe(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException gone) {
            // One side went away: the other goes too.
        } finally {
            close(from);
            close(to);
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        drop();
    }
}
