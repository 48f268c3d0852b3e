package io.hetu.server;

import io.hetu.server.auth.AuthConfig;

import java.nio.file.Path;
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
 */
public record ServerConfig(String host, int port, String path, Limits limits, Path tlsCertificate, Path tlsKey,
        List<String> origins, AuthConfig auth) {

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
    }

    public static ServerConfig defaults() {
        return new ServerConfig("0.0.0.0", DEFAULT_PORT, "/hetu", Limits.defaults(), null, null, List.of(),
                AuthConfig.none());
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, path, limits, tlsCertificate, tlsKey, origins, auth);
    }

    public ServerConfig withHost(String newHost) {
        return new ServerConfig(newHost, port, path, limits, tlsCertificate, tlsKey, origins, auth);
    }

    public ServerConfig withLimits(Limits newLimits) {
        return new ServerConfig(host, port, path, newLimits, tlsCertificate, tlsKey, origins, auth);
    }

    public ServerConfig withAuth(AuthConfig newAuth) {
        return new ServerConfig(host, port, path, limits, tlsCertificate, tlsKey, origins, newAuth);
    }

    public ServerConfig withOrigins(List<String> newOrigins) {
        return new ServerConfig(host, port, path, limits, tlsCertificate, tlsKey, newOrigins, auth);
    }
}
