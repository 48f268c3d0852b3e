package io.hetu.server;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/** Tests that need a tool outside the JVM: skipped with the reason on a developer machine, failed in CI. */
final class ExternalTools {

    private ExternalTools() {}

    /** Skips (or, with {@code HETU_REQUIRE_TOOLS=1}, fails) the test with {@code reason} unless the tool is there. */
    static void require(boolean present, String reason) {
        if (!present) {
            if ("1".equals(System.getenv("HETU_REQUIRE_TOOLS"))) {
                fail(reason + " (HETU_REQUIRE_TOOLS=1 makes a missing tool a failure)");
            }
            Assumptions.abort(reason);
        }
    }
}
