package io.hetu.server.cli;

import io.hetu.manifest.SchemaManifest;
import io.hetu.wire.Protocol;
import io.hetu.wire.WireWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An operator's connection to a running server, for {@code hetu call} and {@code hetu query}: it
 * reads the server's manifest ({@code <endpoint>/schema.json}), opens the WebSocket with the admin
 * secret (which makes the session an operator's: an administrator that reads every component), and
 * completes the handshake. Then it sends frames and waits for replies, through the same protocol as
 * any client.
 */
final class OperatorClient implements AutoCloseable {

    private static final ByteBuffer CLOSED = ByteBuffer.allocate(0);

    private final SchemaManifest manifest;
    private final WebSocket socket;
    private final BlockingQueue<ByteBuffer> frames;
    private final Duration timeout;

    private OperatorClient(SchemaManifest manifest, WebSocket socket, BlockingQueue<ByteBuffer> frames,
            Duration timeout) {
        this.manifest = manifest;
        this.socket = socket;
        this.frames = frames;
        this.timeout = timeout;
    }

    /**
     * Connects to {@code endpoint} (http(s):// or ws(s)://host:port/path) with the admin secret.
     *
     * @throws IOException with what went wrong and what to do: the server is down, refused the
     *     secret, or is not a HeTu server
     */
    static OperatorClient connect(String endpoint, String secret, Duration timeout) throws IOException,
            InterruptedException {
        String base = endpoint.replaceFirst("/+$", "");
        URI http = URI.create(base.replaceFirst("^ws://", "http://").replaceFirst("^wss://", "https://"));
        if (!"http".equals(http.getScheme()) && !"https".equals(http.getScheme())) {
            throw new IllegalArgumentException("--server must be an http://, https://, ws:// or wss:// URL such as "
                    + "http://localhost:2466/hetu, was '" + endpoint + "'");
        }
        URI ws = URI.create(http.toString().replaceFirst("^http", "ws"));
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
        SchemaManifest manifest;
        try {
            HttpResponse<byte[]> schema = client.send(HttpRequest.newBuilder(URI.create(http + "/schema.json"))
                    .timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (schema.statusCode() != 200) {
                throw new IOException(http + "/schema.json answered " + schema.statusCode()
                        + ": is --server the game's endpoint (such as http://localhost:2466/hetu)?");
            }
            manifest = SchemaManifest.parse(schema.body());
        } catch (ConnectException e) {
            throw new IOException("no server answers at " + http + " (" + e.getMessage() + "); is it running, and is "
                    + "--server right?", e);
        }
        BlockingQueue<ByteBuffer> frames = new LinkedBlockingQueue<>();
        WebSocket socket;
        try {
            socket = client.newWebSocketBuilder().connectTimeout(timeout)
                    .header("Authorization", "Bearer " + secret)
                    .buildAsync(ws, new Listener(frames)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                int status = refused.getResponse().statusCode();
                throw new IOException("the server refused the connection (" + status + "): "
                        + (status == 401 ? "the admin secret is not the server's admin.secret"
                        : status == 403 ? "the server has no admin.secret, so it takes no operator connections"
                        : "HTTP " + status), e);
            }
            throw new IOException("cannot open a WebSocket to " + ws + ": " + e.getCause(), e);
        }
        OperatorClient operator = new OperatorClient(manifest, socket, frames, timeout);
        byte[] hash = manifest.schemaHash().getBytes(StandardCharsets.UTF_8);
        operator.send(new WireWriter().writeI8(Protocol.HELLO).writeI16((short) Protocol.VERSION)
                .writeI16((short) hash.length).writeRaw(hash, 0, hash.length));
        ByteBuffer welcome = operator.next();
        if (welcome.get(0) != Protocol.WELCOME) {
            operator.close();
            throw new IOException("the server did not welcome the connection: " + describe(welcome));
        }
        return operator;
    }

    SchemaManifest manifest() {
        return manifest;
    }

    void send(WireWriter frame) {
        socket.sendBinary(ByteBuffer.wrap(frame.array(), 0, frame.size()), true).join();
    }

    /** The next frame from the server (little-endian). */
    ByteBuffer next() throws IOException, InterruptedException {
        ByteBuffer frame = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (frame == null) {
            throw new IOException("no answer from the server within " + timeout.toSeconds() + " s");
        }
        if (frame == CLOSED) {
            throw new IOException("the server closed the connection");
        }
        if (frame.get(0) == Protocol.ERROR) {
            throw new IOException("the server ended the connection: " + describe(frame));
        }
        return frame;
    }

    /** ERROR and REJECTED frames as "CODE: message". */
    static String describe(ByteBuffer frame) {
        ByteBuffer in = frame.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int at = frame.get(0) == Protocol.REJECTED ? 5 : frame.get(0) == Protocol.ERROR ? 1 : -1;
        if (at < 0) {
            return "a frame of type 0x" + Integer.toHexString(frame.get(0) & 0xFF);
        }
        in.position(at);
        String code = shortString(in);
        return code + ": " + shortString(in);
    }

    private static String shortString(ByteBuffer in) {
        byte[] bytes = new byte[Short.toUnsignedInt(in.getShort())];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            socket.abort();
        }
    }

    /** Joins fragmented messages and queues each whole binary message. */
    private static final class Listener implements WebSocket.Listener {
        private final BlockingQueue<ByteBuffer> frames;
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        Listener(BlockingQueue<ByteBuffer> frames) {
            this.frames = frames;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            partial.writeBytes(bytes);
            if (last) {
                frames.add(ByteBuffer.wrap(partial.toByteArray()).order(ByteOrder.LITTLE_ENDIAN));
                partial.reset();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            frames.add(CLOSED);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            frames.add(CLOSED);
        }
    }
}
