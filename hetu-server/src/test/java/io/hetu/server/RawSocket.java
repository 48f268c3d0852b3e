package io.hetu.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket client written on a plain socket, for what a well-behaved client library cannot
 * send: hand-made upgrade requests, reserved bits, floods it never reads the answers to.
 */
final class RawSocket implements AutoCloseable {

    static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    private final Socket socket = new Socket();
    private final InputStream in;
    private final OutputStream out;

    /** Connects; a positive {@code receiveBuffer} shrinks the socket's receive buffer first. */
    RawSocket(int port, int receiveBuffer) throws IOException {
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** A valid upgrade request for {@code target}, with {@code extra} header lines (each ending in CRLF). */
    static String upgrade(String target, String extra) {
        return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n" + extra + "\r\n";
    }

    /** Sends an HTTP request and returns the response head (status line and headers), lower-cased. */
    String request(String request) throws IOException {
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
    }

    /** One masked client frame: FIN, the reserved bits {@code rsv} (0-7), opcode and payload. */
    static byte[] frame(int rsv, int opcode, byte[] payload) {
        ByteBuffer frame = ByteBuffer.allocate(payload.length + 14);
        frame.put((byte) (0x80 | rsv << 4 | opcode));
        if (payload.length < 126) {
            frame.put((byte) (0x80 | payload.length));
        } else {
            frame.put((byte) (0x80 | 126)).putShort((short) payload.length);
        }
        byte[] mask = {1, 2, 3, 4};
        frame.put(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.put((byte) (payload[i] ^ mask[i & 3]));
        }
        byte[] bytes = new byte[frame.position()];
        frame.flip().get(bytes);
        return bytes;
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next server frame's opcode and payload (little-endian); null at the end of the stream. */
    Frame read() throws IOException {
        int b0 = in.read();
        if (b0 < 0) {
            return null;
        }
        long length = in.read() & 0x7F;
        if (length == 126) {
            length = (in.read() << 8) | in.read();
        } else if (length == 127) {
            length = ByteBuffer.wrap(in.readNBytes(8)).getLong();
        }
        byte[] payload = in.readNBytes((int) length);
        return new Frame(b0 & 0x0F, b0 >> 4 & 7, ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN));
    }

    /** A server frame: its opcode, its reserved bits (RSV1 is 4: compressed) and its payload as sent. */
    record Frame(int opcode, int rsv, ByteBuffer payload) {}

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
