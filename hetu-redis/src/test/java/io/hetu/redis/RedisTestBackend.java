package io.hetu.redis;

import io.hetu.schema.TableDescriptor;
import io.hetu.storage.Database;
import io.hetu.storage.TestBackend;
import java.util.List;

/** {@code -Dhetu.test.backend=redis}: the conformance suite on a redis-server the tests start; each database has a name of its own. */
public final class RedisTestBackend implements TestBackend {

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public Database open(List<? extends TableDescriptor<?, ?>> tables) {
        return Redis.open(RedisServer.shared().database("conformance"), tables);
    }
}
