package __HETU_PACKAGE__;

/**
 * A call or subscription the server refused (REJECTED): the app's own code from {@code ctx.reject}, or one of the
 * protocol's codes ({@link HetuProtocol#REJECTION_CODES}: {@code PERMISSION}, {@code BAD_ARGUMENTS},
 * {@code CONFLICT}, {@code UNIQUE}, {@code INTERNAL}, {@code UNAVAILABLE}, ...). The client adds
 * {@code DISCONNECTED}: the connection was lost before the reply came and the call could not be sent again safely (no
 * login callback, the connection closed for good, the login after the reconnect failed, or more than 32 calls were
 * sent after it), so it may or may not have run.
 * The connection stays open after a rejection.
 */
public final class HetuRejection extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String code;

    public HetuRejection(String code, String message) {
        super(message);
        this.code = code;
    }

    /** The rejection's code, such as {@code NOT_ENOUGH_GOLD} or {@code PERMISSION}. */
    public String code() {
        return code;
    }

    /** {@code HetuRejection CODE: message}. */
    @Override
    public String toString() {
        return "HetuRejection " + code + ": " + getMessage();
    }
}
