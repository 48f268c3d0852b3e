package io.hetu.redis;

import io.hetu.schema.FieldLayout;
import io.hetu.schema.IndexDef;
import io.hetu.schema.TableDescriptor;
import io.hetu.system.SchemaMismatchException;
import io.hetu.system.StorageException;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The start-up checks of a Redis database: that the server can run the backend (Redis 5 or newer,
 * not a cluster, whose routing this client does not do), and that every component's stored
 * layout and indexes are those of the app. The first server to open a database records each
 * component in the hash {@code {name}:schema}; later servers must match it. Rows are not migrated
 * in Redis, so any difference refuses the start, naming the component and what differs.
 */
final class RedisCatalog {

    static final String FORMAT = "1";

    private RedisCatalog() {}

    static void check(RedisCommands<byte[], byte[]> redis, RedisConfig config, KeySpace keys,
            List<TableDescriptor<?, ?>> tables) {
        try {
            checkServer(redis, config);
            byte[] formatKey = KeySpace.bytes(keys.tag + ":format");
            redis.setnx(formatKey, KeySpace.bytes(FORMAT));
            String format = new String(redis.get(formatKey), StandardCharsets.UTF_8);
            if (!format.equals(FORMAT)) {
                throw new SchemaMismatchException("the HeTu database " + config.display() + " has storage format "
                        + format + ", which this server (format " + FORMAT + ") cannot read; run the HeTu version "
                        + "that wrote it, or use another name (?name=...)");
            }
            for (int t = 0; t < tables.size(); t++) {
                TableDescriptor<?, ?> table = tables.get(t);
                String name = keys.tables[t].qualifiedName;
                String wanted = signature(table);
                redis.hsetnx(keys.schema, KeySpace.bytes(name), KeySpace.bytes(wanted));
                String stored = new String(redis.hget(keys.schema, KeySpace.bytes(name)), StandardCharsets.UTF_8);
                if (!stored.equals(wanted)) {
                    throw mismatch(config, name, parse(stored), parse(wanted));
                }
            }
        } catch (RedisException e) {
            throw new StorageException("checking the database at " + config.display() + " failed: " + e.getMessage(), e);
        }
    }

    private static void checkServer(RedisCommands<byte[], byte[]> redis, RedisConfig config) {
        Map<String, String> info = info(redis.info("server") + "\n" + redis.info("cluster"));
        String version = info.getOrDefault("redis_version", "0");
        int major;
        try {
            major = Integer.parseInt(version.substring(0, version.indexOf('.') < 0 ? version.length() : version.indexOf('.')));
        } catch (NumberFormatException e) {
            major = 0;
        }
        if (major < 5) {
            throw new StorageException("Redis at " + config.display() + " is version " + version + "; the Redis backend "
                    + "needs Redis 5 or newer (streams)", new IllegalStateException(version));
        }
        if ("1".equals(info.get("cluster_enabled"))) {
            throw new StorageException("Redis at " + config.display() + " runs in cluster mode, which this server does "
                    + "not route; a HeTu database lives in one hash slot, so point --db at a standalone Redis (with "
                    + "replicas for failover)", new IllegalStateException("cluster"));
        }
    }

    private static Map<String, String> info(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                values.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return values;
    }

    /** What must match: the layout (by its hash, with the columns for the message) and the indexes. */
    static String signature(TableDescriptor<?, ?> table) {
        String columns = table.layout().fields().stream()
                .map(f -> f.name() + ":" + f.type().wireName() + sized(f))
                .collect(Collectors.joining(","));
        String indexes = table.indexes().stream()
                .map(i -> i.field() + (i.unique() ? "(unique)" : "") + then(i))
                .collect(Collectors.joining(","));
        return "layoutHash=" + table.layoutHash() + "\ncolumns=" + columns + "\nindexes=" + indexes;
    }

    /** A composite index's further columns, as {@code >points desc>seq}; nothing for one column. */
    private static String then(IndexDef index) {
        return index.then().stream().map(c -> ">" + c.field() + (c.descending() ? " desc" : ""))
                .collect(Collectors.joining());
    }

    private static String sized(FieldLayout field) {
        return field.maxLength() > 0 ? "(" + field.maxLength() + ")" : "";
    }

    private static Map<String, String> parse(String signature) {
        Map<String, String> parts = new LinkedHashMap<>();
        for (String line : signature.split("\n")) {
            int equals = line.indexOf('=');
            if (equals > 0) {
                parts.put(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        return parts;
    }

    private static SchemaMismatchException mismatch(RedisConfig config, String component, Map<String, String> stored,
            Map<String, String> wanted) {
        String difference = !stored.getOrDefault("layoutHash", "").equals(wanted.get("layoutHash"))
                ? "its columns were [" + stored.get("columns") + "] and are now [" + wanted.get("columns") + "]"
                : "its indexes were [" + stored.get("indexes") + "] and are now [" + wanted.get("indexes") + "]";
        return new SchemaMismatchException("stored data of component " + component + " in " + config.display()
                + " does not match the app: " + difference + ". The Redis backend does not migrate rows; restore the "
                + "previous declaration, or start on another database name (?name=...) or an emptied Redis");
    }
}
