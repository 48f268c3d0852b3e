package io.hetu.storage.embedded;

import io.hetu.schema.TableDescriptor;
import io.hetu.storage.durability.DurabilityConfig;
import io.hetu.storage.spi.Backend;
import io.hetu.storage.spi.BackendProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** {@code embedded:<dir>}: the embedded backend over a data directory. */
public final class EmbeddedProvider implements BackendProvider {

    private static final String SCHEME = "embedded:";

    @Override
    public boolean accepts(String location) {
        return location.startsWith(SCHEME);
    }

    @Override
    public String usage() {
        return "embedded:<dir> (such as embedded:./data)";
    }

    @Override
    public String describe(String location) {
        return location;
    }

    @Override
    public Backend open(String location, DurabilityConfig durability, List<? extends TableDescriptor<?, ?>> tables)
            throws IOException {
        String dir = location.substring(SCHEME.length());
        if (dir.isBlank()) {
            throw new IllegalArgumentException("--db embedded: needs a directory, such as embedded:./data");
        }
        return EmbeddedBackend.open(Path.of(dir), durability, tables);
    }
}
