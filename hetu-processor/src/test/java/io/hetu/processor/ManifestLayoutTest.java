package io.hetu.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hetu.annotations.Eviction;
import io.hetu.annotations.TableKind;
import io.hetu.schema.FieldLayout;
import io.hetu.schema.ListDef;
import io.hetu.schema.SortColumn;
import io.hetu.schema.FieldType;
import io.hetu.schema.RowLayout;
import io.hetu.schema.TableDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * For every fixture component, the layout in {@code schema.json} equals the generated
 * flyweight's offset constants and the descriptor's layout, and obeys the layout rules.
 */
class ManifestLayoutTest {

    @Test
    void manifestLayoutEqualsGeneratedCodeForEveryFixture() throws Exception {
        JsonNode manifest = manifest();
        assertEquals(1, manifest.get("format").asInt());
        List<String> checked = new ArrayList<>();
        for (JsonNode component : manifest.get("components")) {
            Class<?> rowClass = Class.forName(component.get("rowClass").asText());
            Class<?> tableClass = Class.forName(component.get("tableClass").asText());
            TableDescriptor<?, ?> table = (TableDescriptor<?, ?>) tableClass.getField("TABLE").get(null);
            RowLayout layout = table.layout();
            String name = component.get("name").asText();

            assertEquals(name, table.name());
            assertEquals(component.get("namespace").asText(), table.namespace());
            assertEquals(component.get("permission").asText(), table.permission().name());
            assertEquals(component.get("durable").asBoolean(), table.durable());
            assertEquals(component.get("layoutHash").asText(), table.layoutHash());
            assertEquals(component.get("rowSize").asInt(), layout.size(), name);
            assertEquals(component.get("rowSize").asInt(), rowClass.getField("SIZE").getInt(null), name);
            assertEquals(component.get("alignment").asInt(), layout.alignment(), name);
            assertEquals(component.get("nullBitmap").get("offset").asInt(), layout.nullBitmapOffset(), name);
            assertEquals(component.get("nullBitmap").get("size").asInt(), layout.nullBitmapSize(), name);

            JsonNode fields = component.get("fields");
            assertEquals(fields.size(), layout.fields().size(), name);
            for (int i = 0; i < fields.size(); i++) {
                JsonNode json = fields.get(i);
                FieldLayout field = layout.fields().get(i);
                String where = name + "." + field.name();
                assertEquals(json.get("name").asText(), field.name(), where);
                assertEquals(json.get("type").asText(), field.type().wireName(), where);
                assertEquals(json.get("offset").asInt(), field.offset(), where);
                assertEquals(json.get("size").asInt(), field.size(), where);
                assertEquals(json.get("nullable").asBoolean(), field.nullable(), where);
                assertEquals(json.path("nullBit").asInt(-1), field.nullBit(), where);
                assertEquals(json.path("maxLength").asInt(0), field.maxLength(), where);
                long constant = rowClass.getField(upperSnake(field.name()) + "_OFFSET").getLong(null);
                assertEquals(field.offset(), constant, where + " offset constant");
            }
            assertLayoutRules(name, layout);
            checked.add(name);
        }
        assertEquals(List.of("Cell", "ChatLine", "Everything", "GuildNote", "Ranking"), checked.stream().sorted().toList());
    }

    @Test
    void rlsRuleAndIndexesReachTheManifest() throws IOException {
        JsonNode guildNote = component("GuildNote");
        assertEquals("RLS", guildNote.get("permission").asText());
        assertEquals("guild", guildNote.get("rls").get("field").asText());
        assertEquals("EQ", guildNote.get("rls").get("op").asText());
        assertEquals("guild", guildNote.get("rls").get("session").asText());

        JsonNode everything = component("Everything");
        assertEquals("[{\"field\":\"owner\",\"unique\":true},{\"field\":\"name\",\"unique\":false},"
                + "{\"field\":\"score\",\"unique\":false}]", everything.get("indexes").toString());
        JsonNode species = everything.get("fields").get(9);
        assertEquals("enum16", species.get("type").asText());
        assertEquals(300, species.get("enum").size());
        assertEquals("S299", species.get("enum").get(299).asText());
    }

    @Test
    void listDefinitionsReachTheManifestAndTheDescriptor() throws Exception {
        JsonNode ranking = component("Ranking");
        assertEquals("SORTED_LIST", ranking.get("kind").asText());
        assertEquals("{\"key\":\"season\",\"sort\":[{\"field\":\"points\",\"desc\":true},"
                + "{\"field\":\"reachedAt\",\"desc\":false}],\"capacity\":100,\"evict\":\"LAST\",\"index\":1}",
                ranking.get("list").toString());
        assertEquals("[{\"field\":\"entry\",\"unique\":true},{\"field\":\"season\",\"unique\":false,\"then\":["
                + "{\"field\":\"points\",\"desc\":true},{\"field\":\"reachedAt\",\"desc\":false},"
                + "{\"field\":\"seq\",\"desc\":false}]}]", ranking.get("indexes").toString());
        JsonNode fields = ranking.get("fields");
        assertEquals("seq", fields.get(fields.size() - 1).get("name").asText(), "the sequence column comes last");

        JsonNode chat = component("ChatLine");
        assertEquals("{\"key\":\"room\",\"sort\":[],\"capacity\":50,\"evict\":\"FIRST\",\"index\":0}",
                chat.get("list").toString());
        assertFalse(component("Everything").has("list"), "a GENERIC component has no list");

        TableDescriptor<?, ?> table = (TableDescriptor<?, ?>) Class.forName("io.hetu.processor.fixtures.RankingTable")
                .getField("TABLE").get(null);
        ListDef list = table.list();
        assertEquals(new ListDef(TableKind.SORTED_LIST, "season", List.of(new SortColumn("points", true),
                new SortColumn("reachedAt", false)), 100, Eviction.LAST, 1), list);
        assertEquals(list.indexDef(), table.indexes().get(1));
    }

    private static void assertLayoutRules(String name, RowLayout layout) {
        int end = 0;
        for (FieldLayout field : layout.fields()) {
            int alignment = field.type().alignment();
            assertEquals(0, field.offset() % alignment, name + "." + field.name() + " is naturally aligned");
            assertTrue(field.offset() >= end, name + "." + field.name() + " follows the previous column");
            assertTrue(field.offset() - end < alignment, name + "." + field.name() + " has no needless padding");
            end = field.offset() + field.size();
            if (field.type() == FieldType.STRING || field.type() == FieldType.BYTES) {
                assertEquals(2 + field.maxLength(), field.size());
            }
        }
        assertEquals(end, layout.nullBitmapOffset(), name + ": the null bitmap follows the last column");
        long nullable = layout.fields().stream().filter(FieldLayout::nullable).count();
        assertEquals((nullable + 7) / 8, layout.nullBitmapSize());
        assertEquals(0, layout.size() % layout.alignment(), name + ": the row size is a multiple of its alignment");
        assertTrue(layout.size() - (end + layout.nullBitmapSize()) < layout.alignment());
        assertFalse(layout.fields().isEmpty());
    }

    private static JsonNode component(String name) throws IOException {
        for (JsonNode component : manifest().get("components")) {
            if (component.get("name").asText().equals(name)) {
                return component;
            }
        }
        throw new AssertionError("no component " + name + " in the manifest");
    }

    private static JsonNode manifest() throws IOException {
        try (InputStream in = ManifestLayoutTest.class.getClassLoader()
                .getResourceAsStream("META-INF/hetu/schema.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    private static String upperSnake(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }
}
