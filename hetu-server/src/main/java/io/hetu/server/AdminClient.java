package io.hetu.server;

import io.hetu.storage.durability.Backups;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongConsumer;

/**
 * The operator's side of the admin routes ({@link AdminRoute}): what {@code hetu backup} uses to
 * reach a running server over HTTP with the admin secret.
 */
public final class AdminClient {

    private final URI endpoint;
    private final String secret;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /**
     * @param endpoint the server's WebSocket endpoint as an HTTP URL, such as {@code http://localhost:2466/hetu}
     *     ({@code ws://} and {@code wss://} are taken as {@code http://} and {@code https://})
     */
    public AdminClient(String endpoint, String secret) {
        String url = endpoint.replaceFirst("^ws://", "http://").replaceFirst("^wss://", "https://");
        this.endpoint = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        if (!"http".equals(this.endpoint.getScheme()) && !"https".equals(this.endpoint.getScheme())) {
            throw new IllegalArgumentException("--server must be an http://, https://, ws:// or wss:// URL such as "
                    + "http://localhost:2466/hetu, was '" + endpoint + "'");
        }
        this.secret = secret;
    }

    /** The server's root: the endpoint without its path, where {@code /metrics} is. */
    URI root() {
        return endpoint.resolve("/");
    }

    /**
     * Takes a hot backup of the server into the backup folder {@code folder}: streams it, writes
     * and verifies it there; told the total size once the server has pinned the files.
     */
    public Backups.Backup backup(Path folder, long maxBytesPerSecond, LongConsumer total, Backups.Progress progress)
            throws IOException, InterruptedException {
        HttpResponse<InputStream> response = http.send(request(URI.create(endpoint + "/admin/backup")),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("the server answered " + response.statusCode() + ": "
                        + new String(body.readNBytes(4096), StandardCharsets.UTF_8).strip());
            }
            DataInputStream in = new DataInputStream(new BufferedInputStream(
                    BackupStream.throttled(body, maxBytesPerSecond), 1 << 16));
            BackupStream.Header header = BackupStream.header(in);
            total.accept(header.totalBytes());
            try (Backups.Writer writer = Backups.write(folder)) {
                return BackupStream.receive(in, header, writer, progress);
            }
        }
    }

    /** {@code GET /metrics} with the secret: the Prometheus text. */
    public String metrics() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request(root().resolve(AdminRoute.METRICS)),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("the server answered " + response.statusCode() + ": " + response.body().strip());
        }
        return response.body();
    }

    private HttpRequest request(URI uri) {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + secret).GET().build();
    }
}
