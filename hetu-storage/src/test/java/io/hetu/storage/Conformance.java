package io.hetu.storage;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test class of the storage conformance suite, which every backend must pass. It runs on
 * the backend {@link Backends} picks; the builds select it by this tag (hetu-storage runs it on the
 * embedded backend in memory and over a data directory, hetu-redis on Redis).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(Conformance.TAG)
public @interface Conformance {

    String TAG = "conformance";
}
