package io.hetu.samples.firstgame;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** The sample's build output carries the Position flyweight and its manifest entry. */
class PositionTest {

    @Test
    void manifestDescribesPosition() throws Exception {
        JsonNode manifest;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("META-INF/hetu/schema.json")) {
            manifest = new ObjectMapper().readTree(in);
        }
        JsonNode position = manifest.get("components").get(0);
        assertEquals("Position", position.get("name").asText());
        assertEquals("ssw", position.get("namespace").asText());
        assertEquals(16, position.get("rowSize").asInt());
        assertEquals("[{\"name\":\"x\",\"type\":\"f32\",\"offset\":0,\"size\":4,\"nullable\":false},"
                        + "{\"name\":\"y\",\"type\":\"f32\",\"offset\":4,\"size\":4,\"nullable\":false},"
                        + "{\"name\":\"owner\",\"type\":\"i64\",\"offset\":8,\"size\":8,\"nullable\":false}]",
                position.get("fields").toString());
        assertEquals(PositionRow.X_OFFSET, position.get("fields").get(0).get("offset").asLong());
        assertEquals(PositionRow.OWNER_OFFSET, position.get("fields").get(2).get("offset").asLong());
    }

    @Test
    void flyweightReadsAndWritesPositionsOffHeap() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment rows = arena.allocate(PositionRow.SIZE * 2L);
            PositionRow row = new PositionRow();
            row.wrap(rows, PositionRow.SIZE).set(new Position(1.5f, -2f, 42L));
            assertEquals(new Position(1.5f, -2f, 42L), row.toRecord());
            assertEquals(42L, row.wrap(rows, PositionRow.SIZE).owner());
            assertEquals(0L, row.wrap(rows, 0).owner());
        }
    }
}
