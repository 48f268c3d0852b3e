package io.hetu.sdk;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in server for testing what an SDK does after each ERROR code (docs/PROTOCOL.md, "Limits and closing"): a
 * client connecting to {@code /<CODE>} gets WELCOME and, once it has sent a frame (its first PING), that ERROR and the
 * close frame, as the real server ends a connection. A client that connects to the same path again gets WELCOME only and stays connected, so a reconnect is
 * seen as the client coming back to "open". The path {@code /NONE} drops the first connection without an ERROR.
 * The real server cannot be made to send most of these codes on demand; the frames here are the same bytes.
 */
public final class ErrorClosingServer implements AutoCloseable {

    /**
     * What both SDKs must do after each code this server can send: the rule of {@link ProtocolConstants.ErrorCode}
     * per code, and {@code NONE}, a connection lost without an ERROR, reconnects; {@code NEWER_CODE}, one this SDK
     * version does not know, closes.
     */
    public static final Map<String, String> AFTER_ERROR = afterError();

    private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final ServerSocket listener;
    private final Set<String> endedOnce = ConcurrentHashMap.newKeySet();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private final int welcomeVersion;

    public ErrorClosingServer() throws IOException {
        this(io.hetu.wire.Protocol.VERSION);
    }

    /** A stand-in whose WELCOME carries {@code welcomeVersion}, to test a client against another protocol version. */
    public ErrorClosingServer(int welcomeVersion) throws IOException {
        this.welcomeVersion = welcomeVersion;
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::accept);
    }

    private static Map<String, String> afterError() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("NONE", "reconnect");
        for (ProtocolConstants.ErrorCode code : ProtocolConstants.ErrorCode.values()) {
            map.put(code.code(), code.after().name().toLowerCase(Locale.ROOT));
        }
        map.put("NEWER_CODE", "close");
        return Collections.unmodifiableMap(map);
    }

    public int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                sockets.add(socket);
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            String code = upgrade(in, out);
            readFrame(in); // HELLO
            out.write(frame(2, ByteBuffer.allocate(19).order(ByteOrder.LITTLE_ENDIAN).put((byte) 0x81)
                    .putShort((short) welcomeVersion).putLong(sockets.size()).putLong(0).array()));
            out.flush();
            if (endedOnce.add(code)) {
                // After the client's first frame (a PING), so that the client has seen itself connected.
                readFrame(in);
                if (!code.equals("NONE")) {
                    out.write(frame(2, error(code)));
                    int close = closeCode(code);
                    out.write(frame(8, new byte[] {(byte) (close >> 8), (byte) close}));
                }
                return;
            }
            // Stay connected until the client closes.
            for (int opcode = readFrame(in); opcode != 8; opcode = readFrame(in)) {
                // PINGs and anything else go unanswered; the SDK tests do not wait for them.
            }
            out.write(frame(8, new byte[] {0x03, (byte) 0xe8}));
        } catch (IOException gone) {
            // The client went away.
        }
    }

    /** The close code the real server sends after this ERROR; PROTOCOL's for a code it does not send. */
    private static int closeCode(String code) {
        for (ProtocolConstants.ErrorCode known : ProtocolConstants.ErrorCode.values()) {
            if (known.code().equals(code)) {
                return (int) known.close().value();
            }
        }
        return (int) ProtocolConstants.Number.CLOSE_PROTOCOL.value();
    }

    private static byte[] error(String code) {
        byte[] codeBytes = code.getBytes(StandardCharsets.UTF_8);
        byte[] message = ("ended with " + code + " by the test server").getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(5 + codeBytes.length + message.length).order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) 0x8f).putShort((short) codeBytes.length).put(codeBytes).putShort((short) message.length)
                .put(message).array();
    }

    /** Answers the HTTP upgrade; returns the request path without its slash, the ERROR code to send. */
    private static String upgrade(DataInputStream in, OutputStream out) throws IOException {
        String requestLine = line(in);
        String key = null;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            if (colon > 0 && header.substring(0, colon).trim().equalsIgnoreCase("Sec-WebSocket-Key")) {
                key = header.substring(colon + 1).trim();
            }
        }
        if (key == null) {
            throw new IOException("not a WebSocket upgrade: " + requestLine);
        }
        String accept;
        try {
            accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + WEBSOCKET_GUID).getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return requestLine.split(" ")[1].substring(1);
    }

    private static String line(DataInputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException();
            }
            if (b != '\r') {
                bytes.write(b);
            }
        }
        return bytes.toString(StandardCharsets.US_ASCII);
    }

    /** Reads one client frame (masked, as clients send them) and returns its opcode. */
    private static int readFrame(DataInputStream in) throws IOException {
        int opcode = in.readUnsignedByte() & 0x0f;
        int length = in.readUnsignedByte() & 0x7f;
        long size = length == 126 ? in.readUnsignedShort() : length == 127 ? in.readLong() : length;
        in.skipNBytes(4 + size); // the mask key and the payload
        return opcode;
    }

    /** An unmasked server frame, final, of this opcode. */
    private static byte[] frame(int opcode, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x80 | opcode);
        if (payload.length < 126) {
            frame.write(payload.length);
        } else {
            frame.write(126);
            frame.write(payload.length >> 8);
            frame.write(payload.length & 0xff);
        }
        frame.writeBytes(payload);
        return frame.toByteArray();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
