package io.hetu.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs each test of the class against the app on the test class path, served in-process on a
 * fresh store and a loopback port; the test receives the {@link TestServer} as a parameter. The
 * server's clock starts at {@link #start()} and moves only when the test moves it. See
 * docs/TESTING.md.
 *
 * <pre>{@code
 * @HetuTest
 * class MoveTest {
 *     @Test
 *     void aMoveIsSeenByTheOtherPlayer(TestServer server) { ... }
 * }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(HetuExtension.class)
public @interface HetuTest {

    /**
     * Keep the data in a temporary directory (logged like production, without fsync) instead of
     * memory, so that {@link TestServer#restart()} can restart the server on it.
     */
    boolean durable() default false;

    /** Where the server's clock starts, as an ISO-8601 instant. */
    String start() default "2030-01-01T00:00:00Z";

    /** Serve only this namespace's systems, as {@code --namespace} does; empty serves all. */
    String namespace() default "";
}
