package io.hetu.samples.crowd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hetu.samples.support.NodeClients;
import io.hetu.samples.support.SampleServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crowd benchmark's load client ({@code benchmarks/crowd/load/crowd-load.mjs}), briefly, against
 * the real server on this app: five players, each watching everyone, move for two seconds, and every
 * one of them receives the others' moves, with latencies measured. It checks that the instrument
 * works end to end, no speed. Skips loudly without node or the npm tools; with
 * {@code HETU_REQUIRE_TOOLS=1} it fails instead.
 */
class CrowdLoadIT {

    private static final int PLAYERS = 5;

    @TempDir
    Path work;

    @Test
    void everyPlayerOfASmallCrowdReceivesTheOthersMoves() throws Exception {
        NodeClients node = NodeClients.compile(work);
        Path load = Path.of(System.getProperty("hetu.crowd.load"));
        try (SampleServer server = SampleServer.start(Files.createDirectories(work.resolve("data")), work.resolve("server.log"));
                NodeClients.Client client = node.start(load, server.url(), "--target", "hetu", "--players",
                        String.valueOf(PLAYERS), "--rate", "10", "--warmup", "1", "--duration", "2", "--view", "full")) {
            JsonNode result = client.await("result");
            assertEquals(0, client.awaitExit(), client.transcript());
            assertEquals(0, result.get("errors").asInt(), result.toString());
            assertEquals(PLAYERS, result.get("clientsSeeingOthers").asInt(), "every client saw others move: " + result);
            assertTrue(result.get("movesAckedPerSecond").asDouble() > 0, result.toString());
            assertTrue(result.get("othersUpdatesPerSecond").asDouble() > 0, result.toString());
            assertTrue(result.get("latencySamples").asInt() > 0 && result.get("p99Ms").isNumber(), result.toString());
            assertTrue(result.get("serverCpuMs").asDouble() > 0, "the server's CPU was read: " + result);
        }
    }
}
