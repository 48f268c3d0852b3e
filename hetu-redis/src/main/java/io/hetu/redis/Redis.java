package io.hetu.redis;

import io.hetu.schema.TableDescriptor;
import io.hetu.storage.Database;
import java.util.List;

/** Databases kept in Redis, which several servers can share. */
public final class Redis {

    private Redis() {}

    /**
     * A database kept in Redis (see {@link RedisBackend}): a commit made through any server that
     * opened it reaches the change listeners of all.
     *
     * @throws io.hetu.system.SchemaMismatchException when the stored components do not match {@code tables}
     * @throws io.hetu.system.StorageException when Redis cannot be reached or cannot serve the database
     */
    public static Database open(RedisConfig config, List<? extends TableDescriptor<?, ?>> tables) {
        return new Database(RedisBackend.open(config, tables));
    }
}
