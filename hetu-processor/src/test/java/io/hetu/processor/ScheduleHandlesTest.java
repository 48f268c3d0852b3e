package io.hetu.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The typed schedule handles ({@code <Class>Later}) generated for systems: reviewed against a
 * golden copy, usable from another class, and checked by the compiler, so a scheduled call with
 * arguments of the wrong type does not compile.
 */
class ScheduleHandlesTest {

    private static final String SYSTEMS = String.join("\n",
            "package game;",
            "import io.hetu.annotations.GameSystem;",
            "import io.hetu.system.SystemContext;",
            "public final class Rounds {",
            "    @GameSystem(namespace = \"game\")",
            "    public static void endRound(SystemContext ctx, long roundId, String reason) {}",
            "}");

    private static Compilation compile(String caller) {
        List<JavaFileObject> sources = new ArrayList<>(List.of(JavaFileObjects.forSourceString("game.Rounds",
                SYSTEMS)));
        sources.add(JavaFileObjects.forSourceString("game.Caller", caller));
        return SystemSources.compile(sources);
    }

    private static String caller(String call) {
        return String.join("\n",
                "package game;",
                "import io.hetu.system.Schedule;",
                "import io.hetu.system.SystemContext;",
                "import java.time.Duration;",
                "final class Caller {",
                "    static void start(SystemContext ctx) {",
                "        " + call,
                "    }",
                "}");
    }

    @Test
    void theFixturesHandlesMatchTheirGoldenCopy() throws IOException {
        Compilation compilation = SystemSources.compile(SystemSources.fixture());
        assertThat(compilation).succeededWithoutWarnings();
        JavaFileObject later = compilation.generatedSourceFile("io.hetu.processor.systems.ShopLater").orElseThrow();
        String source = later.getCharContent(true).toString();
        for (String token : GeneratedCodeHygieneTest.FORBIDDEN) {
            assertFalse(source.contains(token), "the handles contain " + token);
        }
        GoldenFilesTest.compare("ShopLater.java", source);
        assertTrue(compilation.generatedSourceFile("io.hetu.processor.systems.LifecycleLater").isEmpty(),
                "hooks and ticks are not scheduled by hand, so a class of only those gets no handles");
    }

    @Test
    void aCallWithTheRightTypesCompiles() {
        assertThat(compile(caller("RoundsLater.endRound(ctx, Schedule.after(Duration.ofSeconds(90)), 7L, "
                + "\"time\");"))).succeededWithoutWarnings();
    }

    @Test
    void argumentsOfTheWrongTypeAreACompileError() {
        Compilation wrongType = compile(caller("RoundsLater.endRound(ctx, Schedule.after(Duration.ofSeconds(90)), "
                + "\"seven\", \"time\");"));
        assertThat(wrongType).failed();
        Diagnostic<? extends JavaFileObject> error = wrongType.errors().getFirst();
        assertEquals("compiler.err.prob.found.req", error.getCode(), error.toString());
        assertTrue(error.getMessage(null).contains("String cannot be converted to long"), error.getMessage(null));
        assertEquals(7, error.getLineNumber(), "reported where the schedule is made");

        Compilation missing = compile(caller("RoundsLater.endRound(ctx, Schedule.after(Duration.ofSeconds(90)), 7L);"));
        assertThat(missing).failed();
        assertEquals("compiler.err.cant.apply.symbol", missing.errors().getFirst().getCode());

        Compilation noSchedule = compile(caller("RoundsLater.endRound(ctx, 7L, \"time\");"));
        assertThat(noSchedule).failed();
        assertEquals("compiler.err.cant.apply.symbol", noSchedule.errors().getFirst().getCode());
    }
}
