package io.hetu.samples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hetu.samples.support.NodeClients;
import io.hetu.samples.support.SampleServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat end to end: {@code java -jar hetu.jar start --app chat.jar}, a user watching a room through the sample's
 * Node client while two others say 130 messages there and 5 in another room. The watcher ends with exactly the
 * room's last 100 messages in order (the first 30 evicted, each eviction pushed as it happened), none from the
 * other room; after a restart of the server the room still holds them.
 */
class ChatIT {

    @TempDir
    Path work;

    @Test
    void aRoomKeepsItsLastHundredMessagesLiveAndAcrossARestart() throws Exception {
        NodeClients clients = NodeClients.compile(work);
        Path script = Path.of(System.getProperty("hetu.client.dir")).resolve("chat.mjs");
        Path data = Files.createDirectories(work.resolve("data"));
        List<String> lastHundred = IntStream.range(30, 130).mapToObj(i -> "7:hello " + i).toList();

        try (SampleServer server = SampleServer.start(data, work.resolve("server-1.log"));
                NodeClients.Client watcher = clients.start(script, server.url(), "watch", "1", "lobby")) {
            watcher.await("ready");
            try (NodeClients.Client alice = clients.start(script, server.url(), "say", "7", "lobby", "hello", "130");
                    NodeClients.Client bob = clients.start(script, server.url(), "say", "8", "garden", "elsewhere", "5")) {
                assertEquals(0, alice.awaitExit(), alice.transcript());
                assertEquals(0, bob.awaitExit(), bob.transcript());
            }
            JsonNode room = awaitRoom(watcher, lastHundred);
            assertEquals(130, room.get("rows").get(99).get("seq").asLong(), "the newest message is the 130th");
            // Every line the watcher printed held at most 100 messages: each append's eviction came with it.
            for (String line : watcher.transcript().split("\n")) {
                if (line.contains("\"messages\"")) {
                    assertTrue(count(line) <= 100, "a window of at most 100: " + line.length() + " chars");
                }
            }
        }

        try (SampleServer server = SampleServer.start(data, work.resolve("server-2.log"));
                NodeClients.Client watcher = clients.start(script, server.url(), "watch", "2", "lobby")) {
            awaitRoom(watcher, lastHundred);
        }
    }

    private static JsonNode awaitRoom(NodeClients.Client watcher, List<String> expected) throws Exception {
        return watcher.await("the last 100 messages of the lobby",
                json -> json.path("event").asText().equals("messages") && texts(json).equals(expected));
    }

    private static List<String> texts(JsonNode messages) {
        List<String> texts = new ArrayList<>();
        messages.get("rows").forEach(m -> texts.add(m.get("sender").asText() + ":" + m.get("text").asText()));
        return texts;
    }

    private static int count(String line) {
        return line.split("\"seq\"", -1).length - 1;
    }
}
