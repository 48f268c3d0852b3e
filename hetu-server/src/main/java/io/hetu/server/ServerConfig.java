package io.hetu.server;

import io.hetu.server.auth.AuthConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Where and how the server listens.
 *
 * @param host the address to bind, such as {@code 0.0.0.0}
 * @param port the port; 0 picks a free one (see {@link HetuServer#port()})
 * @param path the WebSocket endpoint, such as {@code /hetu}
 * @param limits per-connection limits
 * @param tlsCertificate a PEM certificate chain for {@code wss://}, or null for plain {@code ws://}
 * @param tlsKey the PEM private key of the certificate, or null
 * @param origins the {@code Origin} header values a WebSocket upgrade may carry, such as
 *     {@code https://game.example.com}; empty accepts every origin
 * @param auth how login tokens are verified; {@link AuthConfig#none()}: not at all
 * @param pushWindow the shortest time between two pushes to one connection (docs/PROTOCOL.md,
 *     coalescing): zero sends what the engine matched as soon as it is matched; a window of 16 ms
 *     sends at most about 60 frames a second per connection, each with every change since the last
 */
public record ServerConfig(String host, int port, String path, Limits limits, Path tlsCertificate, Path tlsKey,
        List<String> origins, AuthConfig auth, Duration pushWindow) {

    public static final int DEFAULT_PORT = 2466;

    public ServerConfig {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        if (!path.startsWith("/") || path.length() < 2 || path.endsWith("/")) {
            throw new IllegalArgumentException("the endpoint path must look like /hetu, was '" + path + "'");
        }
        if ((tlsCertificate == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("TLS needs both a certificate and a key");
        }
        origins = List.copyOf(origins);
        if (auth == null) {
            auth = AuthConfig.none();
        }
        if (pushWindow == null) {
            pushWindow = Duration.ZERO;
        }
        if (pushWindow.isNegative() || pushWindow.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("the push window must be 0 to 1,000 ms, was " + pushWindow.toMillis()
                    + " ms");
        }
    }

    public static ServerConfig defaults() {
        return new ServerConfig("0.0.0.0", DEFAULT_PORT, "/hetu", Limits.defaults(), null, null, List.of(),
                AuthConfig.none(), Duration.ZERO);
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, path, limits, tlsCertificate, tlsKey, origins, auth, pushWindow);
    }

    public ServerConfig withHost(String newHost) {
        return new ServerConfig(newHost, port, path, limits, tlsCertificate, tlsKey, origins, auth, pushWindow);
    }

    public ServerConfig withLimits(Limits newLimits) {
        return new ServerConfig(host, port, path, newLimits, tlsCertificate, tlsKey, origins, auth, pushWindow);
    }

    public ServerConfig withAuth(AuthConfig newAuth) {
        return new ServerConfig(host, port, path, limits, tlsCertificate, tlsKey, origins, newAuth, pushWindow);
    }

    public ServerConfig withPushWindow(Duration newPushWindow) {
        return new ServerConfig(host, port, path, limits, tlsCertificate, tlsKey, origins, auth, newPushWindow);
    }

    public ServerConfig withOrigins(List<String> newOrigins) {
        return new ServerConfig(host, port, path, limits, tlsCertificate, tlsKey, newOrigins, auth, pushWindow);
    }
}
