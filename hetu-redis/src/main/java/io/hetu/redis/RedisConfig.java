package io.hetu.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a Redis-backed database lives, parsed from {@code redis://[:password@]host[:port][/db][?options]}.
 *
 * <p>{@code db} is Redis's logical database number (0 when absent). Options:
 *
 * <ul>
 *   <li>{@code name} — the HeTu database inside it (default {@code hetu}); every key starts with
 *       the hash tag {@code {name}}, so several HeTu databases can share one Redis;
 *   <li>{@code stream} — how many commits the change stream keeps (default 100000), which is how
 *       far an instance may fall behind before it must drop its subscribers;
 *   <li>{@code timeout} — seconds a Redis command may take before the call fails (default 5).
 * </ul>
 */
public record RedisConfig(String host, int port, String password, int database, String name, long streamLength,
        Duration timeout) {

    public static final int DEFAULT_PORT = 6379;
    public static final String DEFAULT_NAME = "hetu";
    public static final long DEFAULT_STREAM_LENGTH = 100_000;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    public RedisConfig {
        if (name.isEmpty() || name.chars().anyMatch(c -> c == '{' || c == '}' || c <= ' ')) {
            throw new IllegalArgumentException("the Redis database name '" + name + "' must be non-empty, without "
                    + "spaces or braces (it becomes the key hash tag {" + name + "})");
        }
        if (streamLength < 100) {
            throw new IllegalArgumentException("stream must keep at least 100 commits, was " + streamLength);
        }
    }

    /** The database at {@code host:port}, logical database 0, with the defaults. */
    public static RedisConfig of(String host, int port, String name) {
        return new RedisConfig(host, port, null, 0, name, DEFAULT_STREAM_LENGTH, DEFAULT_TIMEOUT);
    }

    /**
     * Parses a {@code redis://} address.
     *
     * @throws IllegalArgumentException naming what is wrong and the accepted form
     */
    public static RedisConfig parse(String address) {
        String form = "; the form is redis://[:password@]host[:port][/db][?name=<name>&stream=<commits>&timeout=<seconds>]";
        if (address.startsWith("rediss://") || address.startsWith("redis-sentinel://")
                || address.startsWith("redis-socket://")) {
            throw new IllegalArgumentException("'" + address + "': only plain redis:// is supported (no TLS, Sentinel or "
                    + "Unix sockets yet); put a TLS proxy such as stunnel in front of Redis if needed" + form);
        }
        if (!address.startsWith("redis://")) {
            throw new IllegalArgumentException("'" + address + "' is not a redis:// address" + form);
        }
        URI uri;
        try {
            uri = new URI(address);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + address + "' is not a valid address: " + e.getMessage() + form);
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("'" + address + "' names no host" + form);
        }
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String info = uri.getUserInfo();
            int colon = info.indexOf(':');
            if (colon != 0) {
                throw new IllegalArgumentException("'" + address + "': Redis ACL users are not supported, only a "
                        + "password (redis://:password@host)" + form);
            }
            password = info.substring(1);
        }
        int database = 0;
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (!path.isEmpty() && !path.equals("/")) {
            try {
                database = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                database = -1;
            }
            if (database < 0) {
                throw new IllegalArgumentException("'" + address + "': the path must be Redis's database number "
                        + "(0 to 15 by default), was '" + path.substring(1) + "'" + form);
            }
        }
        Map<String, String> options = options(address, uri.getRawQuery(), form);
        String name = options.getOrDefault("name", DEFAULT_NAME);
        long stream = number(address, options, "stream", DEFAULT_STREAM_LENGTH, form);
        long timeoutSeconds = number(address, options, "timeout", DEFAULT_TIMEOUT.toSeconds(), form);
        if (timeoutSeconds < 1) {
            throw new IllegalArgumentException("'" + address + "': timeout must be at least 1 second" + form);
        }
        return new RedisConfig(uri.getHost(), uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(), password, database,
                name, stream, Duration.ofSeconds(timeoutSeconds));
    }

    private static Map<String, String> options(String address, String query, String form) {
        Map<String, String> options = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return options;
        }
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            String key = equals < 0 ? pair : pair.substring(0, equals);
            if (!key.equals("name") && !key.equals("stream") && !key.equals("timeout")) {
                throw new IllegalArgumentException("'" + address + "': unknown option '" + key + "'" + form);
            }
            options.put(key, equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return options;
    }

    private static long number(String address, Map<String, String> options, String key, long fallback, String form) {
        String value = options.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + address + "': " + key + " must be a whole number, was '" + value
                    + "'" + form);
        }
    }

    /** The address without the password, for logs and messages. */
    public String display() {
        return "redis://" + host + ":" + port + "/" + database + "?name=" + name;
    }
}
