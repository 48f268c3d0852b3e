package io.hetu.storage.spi;

import io.hetu.schema.TableDescriptor;
import io.hetu.storage.durability.DurabilityConfig;
import java.io.IOException;
import java.util.List;

/**
 * A kind of backend, found with {@link java.util.ServiceLoader} from the location a server is
 * started with ({@code --db embedded:./data}, {@code --db redis://host:6379/0}): a module that
 * brings a backend lists its provider in {@code META-INF/services/io.hetu.storage.spi.BackendProvider}.
 */
public interface BackendProvider {

    /** Whether this provider serves {@code location} (usually by its scheme, such as {@code redis://}). */
    boolean accepts(String location);

    /** The forms of location this provider serves, for an error that lists them: {@code "embedded:<dir>"}. */
    String usage();

    /** The location as it may be logged: without passwords. */
    String describe(String location);

    /**
     * Opens the backend at {@code location} with these tables. {@code durability} applies to
     * backends that keep their own log; others ignore it.
     *
     * @throws IllegalArgumentException when the location is malformed
     */
    Backend open(String location, DurabilityConfig durability, List<? extends TableDescriptor<?, ?>> tables)
            throws IOException;
}
