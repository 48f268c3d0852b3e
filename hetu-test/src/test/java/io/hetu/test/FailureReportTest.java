package io.hetu.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/** A failing @HetuTest reports what each of its clients saw. */
class FailureReportTest {

    /** Run only through the engine test kit below: it fails on purpose. */
    @HetuTest
    static class FailsOnPurpose {
        @Test
        void fails(TestServer server) {
            server.connect("ann", RawClient::connect);
            server.connect(RawClient::connect);
            throw new AssertionError("the score should have been 3");
        }
    }

    @Test
    void theFailureCarriesEachClientsReport() {
        var events = EngineTestKit.engine("junit-jupiter").selectors(selectClass(FailsOnPurpose.class)).execute()
                .testEvents();
        events.assertStatistics(stats -> stats.failed(1));
        Throwable failure = events.failed().stream().findFirst().map(Event::getPayload).orElseThrow().get()
                instanceof org.junit.platform.engine.TestExecutionResult result
                ? result.getThrowable().orElseThrow() : null;
        assertEquals("the score should have been 3", failure.getMessage());
        String report = Arrays.stream(failure.getSuppressed()).map(Throwable::getMessage).findFirst().orElseThrow();
        assertTrue(report.startsWith("what each client saw:"), report);
        assertTrue(report.contains("--- ann:\na raw WebSocket client, open"), report);
        assertTrue(report.contains("--- client 1:\na raw WebSocket client"), report);
    }
}
