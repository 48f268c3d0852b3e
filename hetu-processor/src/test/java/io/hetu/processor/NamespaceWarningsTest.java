package io.hetu.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import java.util.List;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * A misspelt namespace is valid, so it would build silently: the processor warns (HETU-W301, HETU-W302) when a
 * system's namespace has no component of the build, or a component's no system, naming the namespaces there are.
 * Sources start with three header lines, so the first line of a body is line 4.
 */
class NamespaceWarningsTest {

    private static final List<String> HEADER = List.of("package test;", "import io.hetu.annotations.*;",
            "import io.hetu.system.SystemContext;");

    private static final String[] BAG = {
        "@Component(namespace = \"ssw\")",
        "public record Bag(@Unique long owner, int gold) {}"};

    private static Compilation compile(JavaFileObject... sources) {
        return Compiler.javac().withProcessors(new HetuProcessor()).withOptions("-Xlint:all,-processing")
                .compile(sources);
    }

    private static JavaFileObject systems(String... body) {
        return DiagnosticAssertions.source("Game", HEADER, body);
    }

    private static long warnings(Compilation compilation) {
        return compilation.diagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.WARNING).count();
    }

    @Test
    void aSystemAndAComponentInNamespacesOfOneLetterApartAreBothWarnedAbout() {
        JavaFileObject bag = DiagnosticAssertions.source("Bag", HEADER, BAG);
        JavaFileObject game = systems(
                "public class Game {",
                "    @GameSystem(namespace = \"sws\")",
                "    public static void buy(SystemContext ctx) {}",
                "    @GameSystem(namespace = \"sws\")",
                "    public static void sell(SystemContext ctx) {}",
                "}");
        Compilation compilation = compile(bag, game);
        assertThat(compilation).succeeded();
        assertThat(compilation).hadWarningContaining("[HETU-W301] system buy is in namespace 'sws', which no "
                + "component of this build has; the components are in 'ssw'").inFile(game).onLine(6);
        assertThat(compilation).hadWarningContaining("@SuppressWarnings(\"HETU-W301\")");
        assertThat(compilation).hadWarningContaining("[HETU-W302] component Bag is in namespace 'ssw', which no "
                + "system of this build has; the systems are in 'sws'").inFile(bag).onLine(5);
        assertEquals(2, warnings(compilation), "one warning per namespace, not per system: "
                + compilation.diagnostics());
    }

    @Test
    void matchingNamespacesAndBuildsOfSystemsAloneAreNotWarnedAbout() {
        JavaFileObject game = systems(
                "public class Game {",
                "    @GameSystem(namespace = \"ssw\")",
                "    public static void buy(SystemContext ctx) {}",
                "}");
        assertEquals(0, warnings(compile(DiagnosticAssertions.source("Bag", HEADER, BAG), game)));
        JavaFileObject elsewhere = systems(
                "public class Game {",
                "    @GameSystem(namespace = \"admin\")",
                "    public static void reset(SystemContext ctx) {}",
                "}");
        assertEquals(0, warnings(compile(elsewhere)), "systems whose components live in another module");
    }

    @Test
    void aNamespaceMeantSoIsSilencedWithSuppressWarnings() {
        JavaFileObject bag = DiagnosticAssertions.source("Bag", HEADER,
                "@Component(namespace = \"ssw\")",
                "@SuppressWarnings(\"HETU-W302\")",
                "public record Bag(@Unique long owner, int gold) {}");
        JavaFileObject game = systems(
                "@SuppressWarnings(\"HETU-W301\")",
                "public class Game {",
                "    @GameSystem(namespace = \"admin\")",
                "    public static void reset(SystemContext ctx) {}",
                "}");
        Compilation compilation = compile(bag, game);
        assertThat(compilation).succeeded();
        assertEquals(0, warnings(compilation), compilation.diagnostics().toString());
    }
}
