package __HETU_PACKAGE__;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How to connect. Immutable; start from {@link #to(String)} and change what differs from the defaults:
 * {@code ConnectOptions.to("ws://localhost:2466/hetu").withOnError(e -> log(e))}.
 *
 * @param url the server's endpoint, {@code ws://} or {@code wss://}, for example {@code ws://localhost:2466/hetu}
 * @param reconnect how to reconnect after the connection is lost; null never to reconnect
 * @param pingInterval how often to PING so that the server's idle timeout does not close a quiet connection;
 *     {@link Duration#ZERO} for never (default 20 s)
 * @param connectTimeout how long one attempt to connect may take, from opening the socket to the server's WELCOME;
 *     an attempt that takes longer fails with {@code CONNECT_FAILED} (and is tried again, when reconnecting)
 *     (default 10 s)
 * @param onError called with errors thrown by listeners, and with what goes wrong on the connection: the error
 *     that ends it ({@code KICKED}, ...), a renewed subscription that the server refused, a failed re-login after
 *     a reconnect. When null, listener errors go to the client thread's uncaught exception handler and connection
 *     errors are logged as warnings ({@link System.Logger})
 */
public record ConnectOptions(URI url, ReconnectOptions reconnect, Duration pingInterval, Duration connectTimeout,
        Consumer<Throwable> onError) {

    /** How often a quiet connection PINGs by default: well inside the server's default idle timeout of 60 s. */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(20);

    /** How long one attempt to connect may take by default. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    public ConnectOptions {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(pingInterval, "pingInterval (Duration.ZERO never pings)");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout " + connectTimeout + " is not positive");
        }
        String scheme = url.getScheme();
        if (scheme == null || !(scheme.equals("ws") || scheme.equals("wss"))) {
            throw new IllegalArgumentException("the server's url " + url + " is not a ws:// or wss:// URL, such as "
                    + "ws://localhost:2466/hetu");
        }
        if (pingInterval.isNegative()) {
            throw new IllegalArgumentException("pingInterval " + pingInterval + " is negative; Duration.ZERO never "
                    + "pings");
        }
    }

    /** The defaults for this endpoint: reconnect with {@link ReconnectOptions#DEFAULT}, PING every 20 s. */
    public static ConnectOptions to(String url) {
        Objects.requireNonNull(url, "url");
        return new ConnectOptions(URI.create(url), ReconnectOptions.DEFAULT, DEFAULT_PING_INTERVAL,
                DEFAULT_CONNECT_TIMEOUT, null);
    }

    public ConnectOptions withReconnect(ReconnectOptions reconnect) {
        return new ConnectOptions(url, reconnect, pingInterval, connectTimeout, onError);
    }

    /** These options without reconnecting: the first lost connection closes the client. */
    public ConnectOptions withoutReconnect() {
        return withReconnect(null);
    }

    public ConnectOptions withPingInterval(Duration pingInterval) {
        return new ConnectOptions(url, reconnect, pingInterval, connectTimeout, onError);
    }

    public ConnectOptions withConnectTimeout(Duration connectTimeout) {
        return new ConnectOptions(url, reconnect, pingInterval, connectTimeout, onError);
    }

    public ConnectOptions withOnError(Consumer<Throwable> onError) {
        return new ConnectOptions(url, reconnect, pingInterval, connectTimeout, onError);
    }
}
