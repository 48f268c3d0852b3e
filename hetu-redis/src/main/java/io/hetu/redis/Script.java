package io.hetu.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A Lua script shipped beside this class, run by its SHA1 digest; loaded again when Redis no longer
 * knows it (after a restart or SCRIPT FLUSH).
 */
final class Script {

    private final String name;
    private final byte[] source;
    private volatile String digest;

    Script(String name) {
        this.name = name;
        try (InputStream in = Script.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the Redis script " + name + " is missing from the runtime jar");
            }
            this.source = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<Object> run(RedisCommands<byte[], byte[]> redis, byte[][] keys, byte[]... args) {
        String known = digest;
        if (known != null) {
            try {
                return redis.evalsha(known, ScriptOutputType.MULTI, keys, args);
            } catch (RedisNoScriptException e) {
                // Redis restarted or flushed its scripts: load it again below.
            }
        }
        known = redis.scriptLoad(source);
        digest = known;
        return redis.evalsha(known, ScriptOutputType.MULTI, keys, args);
    }

    @Override
    public String toString() {
        return name;
    }
}
