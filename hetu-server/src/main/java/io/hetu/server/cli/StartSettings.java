package io.hetu.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.hetu.server.AdminConfig;
import io.hetu.server.Limits;
import io.hetu.server.auth.AuthConfig;
import io.hetu.server.ServerConfig;
import io.hetu.storage.durability.DurabilityConfig;
import io.hetu.storage.durability.FsyncPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The settings of {@code hetu start}, merged from, in rising precedence: defaults, the YAML file,
 * environment variables ({@code HETU_PORT}, {@code HETU_LIMITS_MAX_FRAME_BYTES}, ...) and command
 * line options. Keys are the same everywhere; docs/CONFIGURATION.md lists them.
 */
final class StartSettings {

    /** Every key, with its default (null: none). */
    static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

    static {
        DEFAULTS.put("app", null);
        DEFAULTS.put("db", "embedded:./data");
        DEFAULTS.put("namespace", null);
        DEFAULTS.put("instance", "hetu");
        DEFAULTS.put("host", "0.0.0.0");
        DEFAULTS.put("port", Integer.toString(ServerConfig.DEFAULT_PORT));
        DEFAULTS.put("path", "/hetu");
        DEFAULTS.put("fsync", "always");
        DurabilityConfig durability = DurabilityConfig.defaults();
        DEFAULTS.put("snapshot.everyCommits", Long.toString(durability.snapshotEveryCommits()));
        DEFAULTS.put("snapshot.everySeconds", Long.toString(durability.snapshotEverySeconds()));
        DEFAULTS.put("log.segmentBytes", Long.toString(durability.segmentBytes()));
        DEFAULTS.put("tls.certificate", null);
        DEFAULTS.put("tls.key", null);
        DEFAULTS.put("origins", null);
        AuthConfig auth = AuthConfig.none();
        DEFAULTS.put("auth.secret", null);
        DEFAULTS.put("auth.jwks", null);
        DEFAULTS.put("auth.issuer", null);
        DEFAULTS.put("auth.audience", null);
        DEFAULTS.put("auth.clockSkewSeconds", Long.toString(auth.clockSkew().toSeconds()));
        DEFAULTS.put("auth.userClaim", auth.userClaim());
        DEFAULTS.put("auth.rolesClaim", auth.rolesClaim());
        DEFAULTS.put("auth.adminRole", auth.adminRole());
        DEFAULTS.put("auth.devLogin", Boolean.toString(auth.devLogin()));
        DEFAULTS.put("admin.secret", null);
        DEFAULTS.put("backup.archive", null);
        DEFAULTS.put("metrics.enabled", "true");
        DEFAULTS.put("metrics.public", "false");
        Limits limits = Limits.defaults();
        DEFAULTS.put("limits.maxFrameBytes", Integer.toString(limits.maxFrameBytes()));
        DEFAULTS.put("limits.maxOutboundBytes", Integer.toString(limits.maxOutboundBytes()));
        DEFAULTS.put("limits.maxSubscriptions", Integer.toString(limits.maxSubscriptions()));
        DEFAULTS.put("limits.maxSubscribedRows", Integer.toString(limits.maxSubscribedRows()));
        DEFAULTS.put("limits.requestsPerSecond", Integer.toString(limits.requestsPerSecond()));
        DEFAULTS.put("limits.handshakeTimeoutSeconds", Long.toString(limits.handshakeTimeout().toSeconds()));
        DEFAULTS.put("limits.idleTimeoutSeconds", Long.toString(limits.idleTimeout().toSeconds()));
        DEFAULTS.put("limits.maxConnectionsPerAddress", Integer.toString(limits.maxConnectionsPerAddress()));
        DEFAULTS.put("limits.maxAnonymousConnections", Integer.toString(limits.maxAnonymousConnections()));
    }

    /** The defaults, then the settings file (when given), then the environment. */
    static StartSettings load(Path file) throws IOException {
        StartSettings settings = new StartSettings();
        if (file != null) {
            settings.applyFile(file);
        }
        settings.applyEnvironment(System.getenv());
        return settings;
    }

    /** Keys of earlier releases, still read under their new names. */
    static final Map<String, String> RENAMED = Map.of("limits.callsPerSecond", "limits.requestsPerSecond");

    private final Map<String, String> values = new LinkedHashMap<>(DEFAULTS);

    /** Applies a YAML file; unknown keys are an error naming the key and the file. */
    void applyFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("the configuration file " + file + " does not exist");
        }
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException(file + " must hold a mapping of settings");
        }
        flatten("", root, file);
    }

    private void flatten(String prefix, JsonNode node, Path file) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = prefix + field.getKey();
            if (field.getValue().isObject()) {
                flatten(key + ".", field.getValue(), file);
            } else {
                set(key, field.getValue().isNull() ? null : field.getValue().asText(), "in " + file);
            }
        }
    }

    /** Applies {@code HETU_<KEY>} variables: {@code limits.maxFrameBytes} is {@code HETU_LIMITS_MAX_FRAME_BYTES}. */
    void applyEnvironment(Map<String, String> environment) {
        // Renamed keys first, so that a variable with the new name wins.
        List<String> keys = new ArrayList<>(RENAMED.keySet());
        keys.addAll(DEFAULTS.keySet());
        for (String key : keys) {
            String value = environment.get(environmentName(key));
            if (value != null) {
                set(key, value, "from " + environmentName(key));
            }
        }
    }

    static String environmentName(String key) {
        return "HETU_" + key.replace('.', '_').replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    void set(String key, String value, String where) {
        key = RENAMED.getOrDefault(key, key);
        if (!DEFAULTS.containsKey(key)) {
            throw new IllegalArgumentException("unknown setting '" + key + "' " + where + "; known settings: "
                    + String.join(", ", DEFAULTS.keySet()));
        }
        values.put(key, value);
    }

    String get(String key) {
        return values.get(key);
    }

    Set<String> keys() {
        return values.keySet();
    }

    int integer(String key) {
        return Math.toIntExact(number(key, Integer.MAX_VALUE));
    }

    private long number(String key, long max) {
        String value = values.get(key);
        try {
            long number = Long.parseLong(value.trim());
            if (number <= max) {
                return number;
            }
        } catch (NumberFormatException | NullPointerException e) {
            // reported below
        }
        throw new IllegalArgumentException("setting '" + key + "' must be a whole number"
                + (max == Integer.MAX_VALUE ? " up to " + max : "") + ", was '" + value + "'");
    }

    FsyncPolicy fsync() {
        return FsyncPolicy.parse(values.get("fsync"));
    }

    /** The settings of an {@code embedded:} data directory. */
    DurabilityConfig durabilityConfig() {
        try {
            return DurabilityConfig.defaults().withFsync(fsync()).withSegmentBytes(number("log.segmentBytes", Long.MAX_VALUE))
                    .withSnapshotsEvery(number("snapshot.everyCommits", Long.MAX_VALUE),
                            number("snapshot.everySeconds", Long.MAX_VALUE));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid durability settings: " + e.getMessage(), e);
        }
    }

    private boolean bool(String key) {
        String value = values.get(key);
        if ("true".equalsIgnoreCase(value) || "false".equalsIgnoreCase(value)) {
            return Boolean.parseBoolean(value);
        }
        throw new IllegalArgumentException("setting '" + key + "' must be true or false, was '" + value + "'");
    }

    /** The data directory of an {@code embedded:} location, or null for another backend. */
    static Path dataDirectory(String db) {
        return db != null && db.startsWith("embedded:") && db.length() > "embedded:".length()
                ? Path.of(db.substring("embedded:".length())) : null;
    }

    /**
     * The folder the log is shipped to ({@code backup.archive}, docs/OPERATIONS.md), or null; only
     * an {@code embedded:} store has a log to ship.
     */
    Path archive() {
        String archive = values.get("backup.archive");
        if (archive == null || archive.isBlank()) {
            return null;
        }
        if (dataDirectory(values.get("db")) == null) {
            throw new IllegalArgumentException("backup.archive ships the log of an embedded: store, but db is '"
                    + values.get("db") + "'; back Redis up with its own persistence instead");
        }
        return Path.of(archive.strip());
    }

    /** Who may use the admin routes, and whether /metrics is served (docs/OPERATIONS.md). */
    AdminConfig adminConfig() {
        String secret = values.get("admin.secret");
        try {
            return new AdminConfig(secret == null || secret.isBlank() ? null : secret.strip(), bool("metrics.enabled"),
                    bool("metrics.public"), dataDirectory(values.get("db")));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid admin settings: " + e.getMessage(), e);
        }
    }

    ServerConfig serverConfig() {
        Limits limits = new Limits(integer("limits.maxFrameBytes"), integer("limits.maxOutboundBytes"),
                integer("limits.maxSubscriptions"), integer("limits.maxSubscribedRows"),
                integer("limits.requestsPerSecond"), Duration.ofSeconds(integer("limits.handshakeTimeoutSeconds")),
                Duration.ofSeconds(integer("limits.idleTimeoutSeconds")), integer("limits.maxConnectionsPerAddress"),
                integer("limits.maxAnonymousConnections"));
        String certificate = values.get("tls.certificate");
        String key = values.get("tls.key");
        String origins = values.get("origins");
        return new ServerConfig(values.get("host"), integer("port"), values.get("path"), limits,
                certificate == null ? null : Path.of(certificate), key == null ? null : Path.of(key),
                origins == null ? List.of() : Arrays.stream(origins.split(",")).map(String::strip)
                        .filter(o -> !o.isEmpty()).toList(), authConfig());
    }

    /** The {@code auth.*} settings. */
    AuthConfig authConfig() {
        return new AuthConfig(values.get("auth.secret"), values.get("auth.jwks"), values.get("auth.issuer"),
                values.get("auth.audience"), Duration.ofSeconds(integer("auth.clockSkewSeconds")),
                values.get("auth.userClaim"), values.get("auth.rolesClaim"), values.get("auth.adminRole"),
                bool("auth.devLogin"));
    }
}
