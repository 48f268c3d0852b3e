package __HETU_PACKAGE__;

/**
 * The connection failed or ended: an ERROR frame's code ({@code SCHEMA}, {@code KICKED}, ...; docs/PROTOCOL.md,
 * "Limits and closing"), or one of the client's own: {@code CLOSED} (closed by the client), {@code CONNECT_FAILED},
 * {@code DISCONNECTED} (the socket ended without an ERROR) and {@code PROTOCOL} (a frame the client cannot read).
 */
public final class HetuError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String code;

    public HetuError(String code, String message) {
        super(message);
        this.code = code;
    }

    public HetuError(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** The error's code. */
    public String code() {
        return code;
    }

    /** {@code HetuError CODE: message}. */
    @Override
    public String toString() {
        return "HetuError " + code + ": " + getMessage();
    }
}
