package io.hetu.server;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The admin console's logins: a browser that gave the admin secret gets a random token in an
 * HttpOnly, SameSite=Strict cookie, and the server keeps the token's SHA-256 (never the token) with
 * its expiry. Logging out forgets the token and ends the operator WebSockets opened with it.
 */
final class ConsoleSessions {

    static final String COOKIE = "hetu_console";
    static final Duration LIFETIME = Duration.ofHours(12);
    /** The most logins kept; a further one replaces the one that expires first. */
    static final int MAX = 64;

    private record Login(long expiresNanos, Set<Channel> sockets) {}

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Login> byDigest = new ConcurrentHashMap<>();

    /** A new login: its token, for the cookie. */
    String open() {
        long now = System.nanoTime();
        byDigest.values().removeIf(login -> login.expiresNanos - now <= 0);
        while (byDigest.size() >= MAX) {
            byDigest.entrySet().stream().min(Comparator.comparingLong(e -> e.getValue().expiresNanos))
                    .ifPresent(oldest -> end(oldest.getKey()));
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        byDigest.put(digest(token), new Login(now + LIFETIME.toNanos(), ConcurrentHashMap.newKeySet()));
        return token;
    }

    /** The token of the request's console cookie when it is a live login, else null. */
    String valid(HttpHeaders headers) {
        String token = token(headers);
        if (token == null) {
            return null;
        }
        Login login = byDigest.get(digest(token));
        if (login == null) {
            return null;
        }
        if (login.expiresNanos - System.nanoTime() <= 0) {
            end(digest(token));
            return null;
        }
        return token;
    }

    /** An operator WebSocket opened with this login: it ends with the login. */
    void attach(String token, Channel channel) {
        Login login = byDigest.get(digest(token));
        if (login != null) {
            login.sockets.add(channel);
            channel.closeFuture().addListener(closed -> login.sockets.remove(channel));
        }
    }

    /** Logs out: forgets the token and closes its WebSockets. */
    void close(String token) {
        end(digest(token));
    }

    private void end(String digest) {
        Login login = byDigest.remove(digest);
        if (login != null) {
            login.sockets.forEach(Channel::close);
        }
    }

    private static String token(HttpHeaders headers) {
        String header = headers.get(HttpHeaderNames.COOKIE);
        if (header == null) {
            return null;
        }
        for (Cookie cookie : ServerCookieDecoder.STRICT.decode(header)) {
            if (cookie.name().equals(COOKIE)) {
                return cookie.value();
            }
        }
        return null;
    }

    private static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
