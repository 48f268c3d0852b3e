package io.hetu.storage.embedded;

import io.hetu.schema.TableDescriptor;
import io.hetu.storage.Database;
import io.hetu.storage.durability.DurabilityConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Databases on the embedded backend.
 *
 * <pre>{@code
 * try (Database db = Embedded.inMemory(List.of(PositionTable.TABLE))) {
 *     db.transact(3, tx -> tx.upsert(PositionTable.OWNER, 42L).x(1f).y(2f));
 * }
 * }</pre>
 */
public final class Embedded {

    private Embedded() {}

    /** A database that keeps its tables in memory only (nothing survives the process). */
    public static Database inMemory(List<? extends TableDescriptor<?, ?>> tables) {
        return new Database(EmbeddedBackend.inMemory(tables));
    }

    /** A database kept in the data directory {@code dir} (see {@link EmbeddedBackend#open}). */
    public static Database open(Path dir, DurabilityConfig config, List<? extends TableDescriptor<?, ?>> tables)
            throws IOException {
        return new Database(EmbeddedBackend.open(dir, config, tables));
    }
}
