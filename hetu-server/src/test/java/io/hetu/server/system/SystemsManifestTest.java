package io.hetu.server.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hetu.server.app.App;
import io.hetu.server.system.fixtures.HetuSystems;
import io.hetu.system.Hook;
import io.hetu.system.SystemDef;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The manifest the processor wrote for the test sources ({@code META-INF/hetu/schema.json}) lists
 * the fixture systems, hooks, records and enums as docs/MANIFEST.md specifies, and points each
 * system at the dispatcher index that runs it.
 */
class SystemsManifestTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DISPATCHER = HetuSystems.class.getName();

    private static JsonNode manifest;
    private static final Map<String, JsonNode> SYSTEMS = new HashMap<>();

    @BeforeAll
    static void readManifest() throws IOException {
        try (InputStream in = SystemsManifestTest.class.getClassLoader()
                .getResourceAsStream("META-INF/hetu/schema.json")) {
            manifest = JSON.readTree(in);
        }
        for (JsonNode system : manifest.get("systems")) {
            if (system.get("dispatcherClass").asText().equals(DISPATCHER)) {
                SYSTEMS.put(system.get("name").asText(), system);
            }
        }
    }

    @Test
    void systemIdsAreSortedByNamespaceThenName() {
        List<String> ids = new ArrayList<>();
        manifest.get("systems").forEach(s -> ids.add(s.get("namespace").asText() + "\u0000" + s.get("name").asText()));
        assertEquals(ids.stream().sorted(Comparator.naturalOrder()).toList(), ids);
    }

    @Test
    void everyCallableSystemPointsAtItsDispatcherIndex() {
        List<SystemDef> defs = new HetuSystems().systems();
        long callable = defs.stream().filter(d -> d.hook() == Hook.CALL).count();
        assertEquals(callable, SYSTEMS.size());
        for (JsonNode system : SYSTEMS.values()) {
            SystemDef def = defs.get(system.get("index").asInt());
            assertEquals(new SystemDef(system.get("namespace").asText(), system.get("name").asText(),
                    io.hetu.annotations.Permission.valueOf(system.get("permission").asText()),
                    system.get("retry").asInt(), Hook.CALL), def);
        }
    }

    @Test
    void parameterAndResultTypes() throws IOException {
        assertJson("""
                [ { "name": "flag", "type": { "type": "bool" } },
                  { "name": "tiny", "type": { "type": "i8" } },
                  { "name": "small", "type": { "type": "i16" } },
                  { "name": "count", "type": { "type": "i32" } },
                  { "name": "big", "type": { "type": "i64" } },
                  { "name": "ratio", "type": { "type": "f32" } },
                  { "name": "precise", "type": { "type": "f64" } },
                  { "name": "letter", "type": { "type": "char" } } ]""", SYSTEMS.get("primitives").get("params"));
        assertJson("{ \"type\": \"record\", \"record\": \"Primitives\" }", SYSTEMS.get("primitives").get("returns"));
        SYSTEMS.get("boxed").get("params").forEach(p -> assertTrue(p.get("type").get("nullable").asBoolean()));
        assertJson("""
                [ { "name": "name", "type": { "type": "string" } },
                  { "name": "title", "type": { "type": "string", "nullable": true } } ]""",
                SYSTEMS.get("greet").get("params"));
        assertJson("""
                [ { "name": "data", "type": { "type": "bytes" } },
                  { "name": "fallback", "type": { "type": "bytes", "nullable": true } } ]""",
                SYSTEMS.get("reverse").get("params"));
        assertJson("""
                [ { "name": "mood", "type": { "type": "enum8", "enum": "Mood" } },
                  { "name": "other", "type": { "type": "enum8", "enum": "Mood", "nullable": true } },
                  { "name": "wide", "type": { "type": "enum16", "enum": "Wide" } } ]""",
                SYSTEMS.get("enums").get("params"));
        assertJson("""
                [ { "name": "at", "type": { "type": "instant" } },
                  { "name": "by", "type": { "type": "duration", "nullable": true } } ]""",
                SYSTEMS.get("later").get("params"));
        assertJson("{ \"type\": \"list\", \"element\": { \"type\": \"i32\", \"nullable\": true } }",
                SYSTEMS.get("lengths").get("returns"));
        assertJson("{ \"type\": \"list\", \"element\": { \"type\": \"i64\" }, \"java\": \"array\" }",
                SYSTEMS.get("squares").get("returns"));
        assertJson("{ \"type\": \"void\" }", SYSTEMS.get("ping").get("returns"));
        assertEquals("EVERYBODY", SYSTEMS.get("ping").get("permission").asText());
        assertEquals(0, SYSTEMS.get("ping").get("retry").asInt());
        assertEquals("NONE", SYSTEMS.get("brokenName").get("permission").asText());
    }

    @Test
    void recordsAndEnumsAreDeclaredOnceByName() throws IOException {
        Map<String, JsonNode> types = byName(manifest.get("types"));
        assertJson("""
                { "name": "Bundle",
                  "javaClass": "io.hetu.server.system.fixtures.Records.Bundle",
                  "fields": [
                    { "name": "members", "type": { "type": "list",
                                                   "element": { "type": "record", "record": "Member" } } },
                    { "name": "array", "type": { "type": "list", "element": { "type": "record", "record": "Member" },
                                                 "java": "array" } },
                    { "name": "numbers", "type": { "type": "list", "element": { "type": "i32" }, "java": "array" } },
                    { "name": "maybeNumbers", "type": { "type": "list",
                                                        "element": { "type": "i32", "nullable": true } } },
                    { "name": "names", "type": { "type": "list", "element": { "type": "string", "nullable": true } } },
                    { "name": "grid", "type": { "type": "list",
                                                "element": { "type": "list", "element": { "type": "string" },
                                                             "java": "array" },
                                                "java": "array" } },
                    { "name": "nested", "type": { "type": "list", "element": { "type": "list",
                                                  "element": { "type": "enum8", "enum": "Mood" } } } },
                    { "name": "maybeLongs", "type": { "type": "list", "element": { "type": "i64" }, "java": "array",
                                                      "nullable": true } } ] }""", types.get("Bundle"));
        assertJson("""
                { "name": "Team",
                  "javaClass": "io.hetu.server.system.fixtures.Records.Team",
                  "fields": [
                    { "name": "name", "type": { "type": "string" } },
                    { "name": "leader", "type": { "type": "record", "record": "Member" } },
                    { "name": "members", "type": { "type": "list",
                                                   "element": { "type": "record", "record": "Member" } } },
                    { "name": "reserve", "type": { "type": "record", "record": "Member", "nullable": true } } ] }""",
                types.get("Team"));
        assertTrue(types.keySet().containsAll(List.of("Boxed", "Member", "Primitives")), types.keySet().toString());

        Map<String, JsonNode> enums = byName(manifest.get("enums"));
        assertJson("""
                { "name": "Mood", "javaClass": "io.hetu.server.system.fixtures.Mood",
                  "constants": [ "CALM", "ANGRY", "SLEEPY" ] }""", enums.get("Mood"));
        assertEquals(300, enums.get("Wide").get("constants").size());
        assertEquals("W299", enums.get("Wide").get("constants").get(299).asText());
    }

    @Test
    void hooksNameTheirKindClassAndIndex() throws IOException {
        List<JsonNode> hooks = new ArrayList<>();
        manifest.get("hooks").forEach(h -> {
            if (h.get("dispatcherClass").asText().equals(DISPATCHER)) {
                hooks.add(h);
            }
        });
        assertJson("""
                [ { "hook": "ON_SERVER_START", "name": "openHouse", "retry": 3,
                    "dispatcherClass": "io.hetu.server.system.fixtures.HetuSystems", "index": 2,
                    "javaClass": "io.hetu.server.system.fixtures.TallySystems" },
                  { "hook": "ON_CONNECT", "name": "greet", "retry": 10,
                    "dispatcherClass": "io.hetu.server.system.fixtures.HetuSystems", "index": 1,
                    "javaClass": "io.hetu.server.system.fixtures.TallySystems" },
                  { "hook": "ON_DISCONNECT", "name": "farewell", "retry": 0,
                    "dispatcherClass": "io.hetu.server.system.fixtures.HetuSystems", "index": 0,
                    "javaClass": "io.hetu.server.system.fixtures.TallySystems" } ]""", JSON.valueToTree(hooks));
        List<SystemDef> defs = new HetuSystems().systems();
        for (JsonNode hook : hooks) {
            SystemDef def = defs.get(hook.get("index").asInt());
            assertEquals(Hook.valueOf(hook.get("hook").asText()), def.hook());
            assertEquals(hook.get("name").asText(), def.name());
            assertFalse(hook.has("namespace"), "hooks belong to no namespace");
        }
    }

    private static Map<String, JsonNode> byName(JsonNode array) {
        Map<String, JsonNode> byName = new HashMap<>();
        array.forEach(node -> byName.put(node.get("name").asText(), node));
        return byName;
    }

    @Test
    void aNamespaceNoSystemHasIsRefusedWithTheOnesThereAre() throws IOException {
        App served = App.load(getClass().getClassLoader(), "wiremodel");
        assertTrue(served.systems().stream().anyMatch(e -> e.def().namespace().equals("wiremodel")));
        IOException typo = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> App.load(getClass().getClassLoader(), "wiremodle"));
        assertTrue(typo.getMessage().contains("'wiremodle'"), typo.getMessage());
        assertTrue(typo.getMessage().contains("wiremodel"), typo.getMessage());
        assertTrue(typo.getMessage().contains("--namespace"), typo.getMessage());
    }

    private static void assertJson(String expected, JsonNode actual) throws IOException {
        assertEquals(JSON.readTree(expected), actual);
    }
}
