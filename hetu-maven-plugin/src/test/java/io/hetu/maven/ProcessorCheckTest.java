package io.hetu.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** hetu:check says what to add before javac reports 'cannot find symbol' for every generated class. */
class ProcessorCheckTest {

    @TempDir
    Path src;

    private static final ProcessorCheck NOTHING = new ProcessorCheck(List.of(), List.of(), null, false);

    private Path write(String name, String text) throws IOException {
        Path file = src.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    @Test
    void annotatedSourcesWithoutTheProcessorFailNamingTheFileAndTheXmlToAdd() throws IOException {
        write("com/example/Plain.java", "package com.example; final class Plain {}");
        Path bag = write("com/example/Bag.java", "package com.example;\nimport io.hetu.annotations.Component;\n"
                + "@Component(namespace = \"ssw\") public record Bag(long owner) {}");
        String problem = NOTHING.problem(List.of(src), "1.2.3").orElseThrow();
        assertTrue(problem.startsWith(bag + " uses HeTu's annotations, but maven-compiler-plugin does not run the "
                + "HeTu annotation processor"), problem);
        assertTrue(problem.contains("'cannot find symbol'"), problem);
        assertTrue(problem.contains("<artifactId>hetu-processor</artifactId>\n      <version>1.2.3</version>"),
                problem);
        assertTrue(problem.contains("annotationProcessorPaths"), problem);
    }

    @Test
    void aProcessorPathProcessorArgumentsOrProcFullOnTheClassPathPass() throws IOException {
        write("Game.java", "import io.hetu.annotations.*;\nclass Game { @GameSystem(namespace = \"g\") static void "
                + "go(io.hetu.system.SystemContext ctx) {} }");
        assertTrue(NOTHING.problem(List.of(src), "1").isPresent());
        assertEquals(Optional.empty(), new ProcessorCheck(List.of("lombok", "hetu-processor"), List.of(), null, false)
                .problem(List.of(src), "1"));
        assertEquals(Optional.empty(), new ProcessorCheck(List.of(), List.of("-processorpath", "x.jar"), null, false)
                .problem(List.of(src), "1"));
        assertEquals(Optional.empty(), new ProcessorCheck(List.of(), List.of(), "full", true)
                .problem(List.of(src), "1"));
        assertTrue(new ProcessorCheck(List.of(), List.of(), null, true).problem(List.of(src), "1").isPresent(),
                "on the class path alone JDK 23+ does not run it");
    }

    @Test
    void sourcesWithoutHetuAnnotationsOrWithOnlyOthersOfTheSameNamePass() throws IOException {
        write("Other.java", "import org.springframework.stereotype.Component;\n@Component class Other {}");
        write("Mentions.java", "/** Uses io.hetu.annotations elsewhere. */ class Mentions {}");
        assertEquals(Optional.empty(), NOTHING.problem(List.of(src, src.resolve("missing")), "1"));
    }
}
