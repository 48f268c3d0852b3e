package io.hetu.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The server under test: its WebSocket endpoint, what its manifest says (schema hash, system ids,
 * the layout of the push workload's rows), and its stats route.
 */
final class Target {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final URI endpoint;
    final String schemaHash;
    private final JsonNode manifest;
    private final URI stats;

    private Target(URI endpoint, String schemaHash, JsonNode manifest, URI stats) {
        this.endpoint = endpoint;
        this.schemaHash = schemaHash;
        this.manifest = manifest;
        this.stats = stats;
    }

    /**
     * Reads the manifest at {@code <endpoint>/schema.json}, unless the workload is {@link Workload#ECHO},
     * whose server has none.
     *
     * @param statsUrl the stats route, "none" for no server counters, or null for {@code <endpoint>/stats}
     */
    static Target resolve(String url, String statsUrl, Workload workload) throws IOException, InterruptedException {
        URI endpoint = URI.create(url);
        if (!"ws".equals(endpoint.getScheme()) || endpoint.getHost() == null || endpoint.getPort() < 0) {
            throw new IllegalArgumentException("--url must look like ws://127.0.0.1:2466/hetu, was '" + url + "'");
        }
        URI http = URI.create("http://" + endpoint.getHost() + ":" + endpoint.getPort() + endpoint.getPath());
        URI stats = "none".equals(statsUrl) ? null : URI.create(statsUrl != null ? statsUrl : http + "/stats");
        if (workload == Workload.ECHO) {
            return new Target(endpoint, "", null, stats);
        }
        JsonNode manifest = JSON.readTree(get(URI.create(http + "/schema.json"), "the schema manifest"));
        return new Target(endpoint, manifest.path("schemaHash").asText(), manifest, stats);
    }

    /** The id of system {@code bench.<name>}. */
    int systemId(String name) {
        if (manifest == null) {
            return 0;
        }
        JsonNode systems = manifest.path("systems");
        for (int id = 0; id < systems.size(); id++) {
            JsonNode system = systems.get(id);
            if (system.path("namespace").asText().equals(Workload.NAMESPACE) && system.path("name").asText().equals(
                    name)) {
                return id;
            }
        }
        throw new IllegalArgumentException("the server at " + endpoint + " has no system " + Workload.NAMESPACE + "."
                + name + "; start it with the bench app (hetu start --app samples/bench-app/target/bench-app.jar)");
    }

    /** The position of component {@code bench.<name>} in the manifest. */
    int componentId(String name) {
        JsonNode components = manifest.path("components");
        for (int id = 0; id < components.size(); id++) {
            JsonNode component = components.get(id);
            if (component.path("namespace").asText().equals(Workload.NAMESPACE)
                    && component.path("name").asText().equals(name)) {
                return id;
            }
        }
        throw new IllegalArgumentException("the server at " + endpoint + " has no component " + Workload.NAMESPACE
                + "." + name + "; start it with the bench app");
    }

    int rowSize(int component) {
        return manifest.path("components").get(component).path("rowSize").asInt();
    }

    int fieldOffset(int component, String field) {
        for (JsonNode node : manifest.path("components").get(component).path("fields")) {
            if (node.path("name").asText().equals(field)) {
                return node.path("offset").asInt();
            }
        }
        throw new IllegalArgumentException("component " + component + " has no field " + field);
    }

    /** The server's counters now, or null when there is no stats route. */
    Stats stats() throws IOException, InterruptedException {
        if (stats == null) {
            return null;
        }
        JsonNode node = JSON.readTree(get(stats, "the server's stats (pass --stats none to run without them)"));
        return new Stats(node.path("processCpuNanos").asLong(), node.path("calls").asLong(),
                node.path("retries").asLong());
    }

    /** The stats route's numbers at one moment. */
    record Stats(long processCpuNanos, long calls, long retries) {}

    private static String get(URI uri, String what) throws IOException, InterruptedException {
        HttpResponse<String> response;
        try {
            response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IOException("could not fetch " + what + " from " + uri + ": " + e + "; is the server running?",
                    e);
        }
        if (response.statusCode() != 200) {
            throw new IOException("fetching " + what + " from " + uri + " answered HTTP " + response.statusCode());
        }
        return response.body();
    }
}
