package io.hetu.storage;

import io.hetu.schema.TableDescriptor;
import java.util.List;

/**
 * A backend the storage conformance suite can run on besides the embedded ones, found with
 * {@link java.util.ServiceLoader} when {@code -Dhetu.test.backend} names it (see {@link Backends}).
 */
public interface TestBackend {

    /** The value of {@code hetu.test.backend} that selects this backend. */
    String name();

    /** A new, empty database with these tables. */
    Database open(List<? extends TableDescriptor<?, ?>> tables);
}
