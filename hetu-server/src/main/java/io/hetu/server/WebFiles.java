package io.hetu.server;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The app's browser client, served at {@code /}: the files under {@value #ROOT} in the app (which
 * {@code hetu:web} builds there). A request path maps onto that folder; a path that ends in
 * {@code /} means its {@code index.html}. Paths that could leave the folder ({@code ..}, {@code .},
 * empty segments, backslashes, NUL) find nothing. Files found are kept in memory, up to a bound,
 * since the app does not change while it is served.
 */
final class WebFiles {

    /** Where an app keeps its browser client. */
    static final String ROOT = "META-INF/hetu/web/";
    /** Where the runtime keeps its admin console ({@link AdminConsole}), compiled by its build. */
    static final String CONSOLE_ROOT = "META-INF/hetu/console/";

    /** How many bytes of files are kept in memory; bigger clients are read again per request. */
    private static final long CACHE_BYTES = 64L << 20;

    /** A file as served: its bytes, media type and entity tag. */
    record WebFile(byte[] body, String contentType, String etag) {}

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("wasm", "application/wasm"),
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"));

    private final ClassLoader loader;
    private final String root;
    private final Map<String, WebFile> cache = new ConcurrentHashMap<>();
    private final AtomicLong cached = new AtomicLong();

    WebFiles(ClassLoader loader) {
        this(loader, ROOT);
    }

    /** The files under {@code root} (a resource folder ending in {@code /}) of {@code loader}. */
    WebFiles(ClassLoader loader, String root) {
        this.loader = loader;
        this.root = root;
    }

    /** Whether the app has a browser client (an {@code index.html} at its root). */
    boolean hasIndex() {
        return find("/") != null;
    }

    /** The file a request path names (undecoded, without its query), or null. */
    WebFile find(String requestPath) {
        String name = resourceName(requestPath);
        if (name != null) {
            name = root + name.substring(ROOT.length());
        }
        if (name == null) {
            return null;
        }
        WebFile known = cache.get(name);
        if (known != null) {
            return known;
        }
        WebFile file = read(name);
        if (file != null && cached.get() + file.body().length <= CACHE_BYTES
                && cache.putIfAbsent(name, file) == null) {
            cached.addAndGet(file.body().length);
        }
        return file;
    }

    /** The resource a request path names under {@link #ROOT}, or null when it may not name one. */
    static String resourceName(String requestPath) {
        if (!requestPath.startsWith("/")) {
            return null;
        }
        String path;
        try {
            path = QueryStringDecoder.decodeComponent(requestPath.substring(1));
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (path.isEmpty() || path.endsWith("/")) {
            path += "index.html";
        }
        if (path.indexOf('\\') >= 0 || path.indexOf('\0') >= 0 || path.startsWith("/")) {
            return null;
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return null;
            }
        }
        return ROOT + path;
    }

    private WebFile read(String name) {
        URL url = loader.getResource(name);
        if (url == null) {
            return null;
        }
        try {
            if (url.getProtocol().equals("file") && !Files.isRegularFile(Path.of(url.toURI()))) {
                return null;
            }
            URLConnection connection = url.openConnection();
            connection.setUseCaches(false);
            if (connection instanceof JarURLConnection jar && jar.getJarEntry().isDirectory()) {
                return null;
            }
            byte[] body;
            try (InputStream in = connection.getInputStream()) {
                body = in.readAllBytes();
            }
            return new WebFile(body, contentType(name), etag(body));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name + " from the app", e);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        String extension = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(extension, "application/octet-stream");
    }

    private static String etag(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
