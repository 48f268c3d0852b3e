package io.hetu.redis;

import io.hetu.schema.TableDescriptor;
import io.hetu.storage.durability.DurabilityConfig;
import io.hetu.storage.spi.Backend;
import io.hetu.storage.spi.BackendProvider;
import java.util.List;

/** {@code redis://host:port/db[?name=...]} (and {@code rediss://}, {@code redis-sentinel://}): the Redis backend. */
public final class RedisProvider implements BackendProvider {

    @Override
    public boolean accepts(String location) {
        return location.startsWith("redis://") || location.startsWith("rediss://") || location.startsWith("redis-");
    }

    @Override
    public String usage() {
        return "redis://host:port/db (such as redis://127.0.0.1:6379/0)";
    }

    @Override
    public String describe(String location) {
        return RedisConfig.parse(location).display();
    }

    @Override
    public Backend open(String location, DurabilityConfig durability, List<? extends TableDescriptor<?, ?>> tables) {
        // Redis keeps its own log (appendonly); the embedded log's settings do not apply.
        return RedisBackend.open(RedisConfig.parse(location), tables);
    }
}
