package io.hetu.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.util.List;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

/**
 * The schema hash a client presents changes with anything that changes how it calls a system (its
 * id, its permission, the types of its arguments and result), and with nothing else.
 */
class SystemsSchemaHashTest {

    private static final String BASE = """
            enum Mood { CALM, ANGRY }
            record Point(int x, @Nullable String label) {}
            @GameSystem(namespace = "t", retry = 3)
            static Point move(SystemContext ctx, int x, Mood mood) { return null; }
            @GameSystem(namespace = "t")
            static void ping(SystemContext ctx) {}
            """;

    @Test
    void changesWithWhatAClientDependsOn() throws IOException {
        String base = hash(BASE);
        assertEquals(base, hash(BASE), "the same sources give the same hash");
        assertNotEquals(base, hash(BASE.replace("int x, Mood", "long x, Mood")), "a parameter type");
        assertNotEquals(base, hash(BASE.replace("record Point(int x", "record Point(short x")), "a record component");
        assertNotEquals(base, hash(BASE.replace("@Nullable String label", "String label")), "nullability");
        assertNotEquals(base, hash(BASE.replace("CALM, ANGRY", "ANGRY, CALM")), "enum constants reordered");
        assertNotEquals(base, hash(BASE.replace("\"t\", retry = 3", "\"t\", permission = Permission.ADMIN")),
                "a permission");
        assertNotEquals(base, hash(BASE.replace("ping(", "aaa(")), "system ids move when a name sorts differently");
        assertNotEquals(base, hash(BASE + "@GameSystem(namespace = \"t\") static void zzz(SystemContext ctx) {}"),
                "a new system");
    }

    @Test
    void ignoresWhatDoesNotReachTheWire() throws IOException {
        String base = hash(BASE);
        assertEquals(base, hash(BASE.replace("int x, Mood mood", "int y, Mood feeling")), "parameter names");
        assertEquals(base, hash(BASE.replace("retry = 3", "retry = 7")), "retries");
        assertEquals(base, hash(BASE.replace("record Point(int x", "record Point(int column")), "component names");
        assertEquals(base, hash(BASE + "@OnConnect static void hello(SystemContext ctx) {}"), "hooks");
    }

    private static String hash(String members) throws IOException {
        Compilation compilation = SystemSources.compile(List.of(JavaFileObjects.forSourceString("test.Game", """
                package test;
                import io.hetu.annotations.*;
                import io.hetu.system.SystemContext;
                public class Game {
                %s
                }
                """.formatted(members))));
        assertThat(compilation).succeededWithoutWarnings();
        String manifest = compilation.generatedFile(StandardLocation.CLASS_OUTPUT, "META-INF/hetu/schema.json")
                .orElseThrow().getCharContent(true).toString();
        return new ObjectMapper().readTree(manifest).get("schemaHash").asText();
    }
}
