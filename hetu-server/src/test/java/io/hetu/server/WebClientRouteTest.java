package io.hetu.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.server.app.App;
import io.hetu.storage.Database;
import io.hetu.storage.embedded.Embedded;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The app's browser client over real HTTP, from a classes folder and from a jar. */
class WebClientRouteTest {

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, (byte) 0xff};

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    /** Serves the test app with a class loader that also holds these web files. */
    private void withServer(ClassLoader loader, ServerCheck check) throws Exception {
        App app = App.load(loader, null);
        try (Database database = Embedded.inMemory(app.tables())) {
            HetuServer server = HetuServer.start(app, database, ServerConfig.defaults().withHost("127.0.0.1")
                    .withPort(0));
            try {
                check.run(server);
            } finally {
                server.close();
            }
        }
    }

    interface ServerCheck {
        void run(HetuServer server) throws Exception;
    }

    private HttpResponse<byte[]> get(HetuServer server, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A request written by hand, so that nothing normalises its path on the way. */
    static String raw(HetuServer server, String requestLine) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write((requestLine + "\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private Path webFolder() throws IOException {
        Path classes = dir.resolve("classes");
        Path web = Files.createDirectories(classes.resolve("META-INF/hetu/web/img"));
        Files.writeString(web.getParent().resolve("index.html"), "<h1>Game</h1>\n");
        Files.writeString(web.getParent().resolve("main.js"), "console.log('hi');\n");
        Files.write(web.resolve("dot.png"), PNG);
        Files.writeString(web.resolve("index.html"), "<h1>Pictures</h1>\n");
        Files.writeString(classes.resolve("secret.txt"), "not for the web\n");
        return classes;
    }

    private ClassLoader loader(Path path) throws IOException {
        return new URLClassLoader(new URL[] {path.toUri().toURL()}, getClass().getClassLoader());
    }

    @Test
    void servesTheClientFromAClassesFolder() throws Exception {
        withServer(loader(webFolder()), this::checkClient);
    }

    @Test
    void servesTheClientFromAJar() throws Exception {
        Path classes = webFolder();
        Path jar = dir.resolve("app.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            try (var files = Files.walk(classes)) {
                for (Path path : files.sorted().toList()) {
                    String name = classes.relativize(path).toString().replace('\\', '/');
                    if (name.isEmpty()) {
                        continue;
                    }
                    boolean folder = Files.isDirectory(path);
                    out.putNextEntry(new JarEntry(folder ? name + "/" : name));
                    if (!folder) {
                        out.write(Files.readAllBytes(path));
                    }
                    out.closeEntry();
                }
            }
        }
        withServer(loader(jar), this::checkClient);
    }

    private void checkClient(HetuServer server) throws Exception {
        assertTrue(server.servesWebClient());

        HttpResponse<byte[]> index = get(server, "/");
        assertEquals(200, index.statusCode());
        assertEquals("<h1>Game</h1>\n", new String(index.body(), StandardCharsets.UTF_8));
        assertEquals("text/html; charset=utf-8", index.headers().firstValue("content-type").orElseThrow());
        assertEquals("no-cache", index.headers().firstValue("cache-control").orElseThrow());
        assertEquals("nosniff", index.headers().firstValue("x-content-type-options").orElseThrow());

        HttpResponse<byte[]> script = get(server, "/main.js?v=2");
        assertEquals(200, script.statusCode());
        assertEquals("text/javascript; charset=utf-8", script.headers().firstValue("content-type").orElseThrow());

        HttpResponse<byte[]> picture = get(server, "/img/dot.png");
        assertArrayEquals(PNG, picture.body());
        assertEquals("image/png", picture.headers().firstValue("content-type").orElseThrow());
        assertEquals("<h1>Pictures</h1>\n", new String(get(server, "/img/").body(), StandardCharsets.UTF_8));
        assertEquals(200, get(server, "/%69ndex.html").statusCode(), "percent-encoded paths are decoded");

        String etag = index.headers().firstValue("etag").orElseThrow();
        HttpResponse<byte[]> revalidated = get(server, "/", "If-None-Match", etag);
        assertEquals(304, revalidated.statusCode());
        assertEquals(0, revalidated.body().length);
        assertEquals(200, get(server, "/", "If-None-Match", "\"stale\"").statusCode());

        // A folder without a trailing slash, files outside the web folder, and paths that try to leave it.
        assertEquals(404, get(server, "/img").statusCode());
        assertEquals(404, get(server, "/missing.js").statusCode());
        for (String path : new String[] {"/../secret.txt", "/img/../../secret.txt", "/%2e%2e/secret.txt",
                "/img/..%2f..%2fsecret.txt", "//secret.txt", "/./index.html", "/img\\..\\index.html",
                "/index.html%00.png", "/../../../../etc/passwd"}) {
            String response = raw(server, "GET " + path + " HTTP/1.1");
            assertTrue(response.startsWith("HTTP/1.1 404"), path + " gave " + response);
            assertFalse(response.contains("not for the web"), path);
        }

        // HEAD: the headers of GET, no body.
        String head = raw(server, "HEAD /main.js HTTP/1.1");
        assertTrue(head.startsWith("HTTP/1.1 200"), head);
        assertTrue(head.contains("content-length: 19"), head);
        assertTrue(head.endsWith("\r\n\r\n"), "no body after the headers: " + head);

        // Other methods find nothing; the schema and the WebSocket endpoint are still there.
        assertTrue(raw(server, "POST /index.html HTTP/1.1").startsWith("HTTP/1.1 404"));
        assertEquals(200, get(server, "/hetu/schema.json").statusCode());
        try (TestClient client = TestClient.connect(server.port())) {
            client.hello(1, App.load(getClass().getClassLoader(), null).schemaHash());
            assertEquals(io.hetu.wire.Protocol.WELCOME, client.next().get());
        }
    }

    @Test
    void anAppWithoutAClientAnswers404AtTheRoot() throws Exception {
        withServer(getClass().getClassLoader(), server -> {
            assertFalse(server.servesWebClient());
            HttpResponse<byte[]> root = get(server, "/");
            assertEquals(404, root.statusCode());
            assertTrue(new String(root.body(), StandardCharsets.UTF_8).contains("browser client"));
        });
    }

    @Test
    void requestPathsMapOntoTheWebFolderOnly() {
        assertEquals("META-INF/hetu/web/index.html", WebFiles.resourceName("/"));
        assertEquals("META-INF/hetu/web/a/index.html", WebFiles.resourceName("/a/"));
        assertEquals("META-INF/hetu/web/a b.js", WebFiles.resourceName("/a%20b.js"));
        assertNull(WebFiles.resourceName("relative"));
        assertNull(WebFiles.resourceName("/a/../b"));
        assertNull(WebFiles.resourceName("/%2e%2e/b"));
        assertNull(WebFiles.resourceName("/a//b"));
        assertNull(WebFiles.resourceName("/%ZZ"));
        assertEquals("application/octet-stream", WebFiles.contentType("META-INF/hetu/web/data.bin"));
        assertEquals("text/css; charset=utf-8", WebFiles.contentType("META-INF/hetu/web/A.CSS"));
    }
}
