package io.hetu.maven;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Whether a project that uses HeTu's annotations compiles with the HeTu annotation processor. Without it javac
 * reports a bare {@code cannot find symbol} for every generated class the sources use ({@code PositionTable},
 * {@code PositionRow}, {@code HetuSystems}), with nothing that says why; this says why first, and what to add.
 *
 * @param processorPaths the artifactIds in maven-compiler-plugin's {@code annotationProcessorPaths}
 * @param compilerArgs maven-compiler-plugin's {@code compilerArgs} and {@code compilerArgument}
 * @param proc its {@code proc} setting, or null
 * @param processorOnClassPath whether {@code io.hetu:hetu-processor} is a dependency of the project
 */
record ProcessorCheck(List<String> processorPaths, List<String> compilerArgs, String proc,
        boolean processorOnClassPath) {

    static final String PROCESSOR = "hetu-processor";

    /** A HeTu annotation in use: {@code @Component(}, {@code @GameSystem(}, a hook, a tick, qualified or not. */
    private static final Pattern ANNOTATED = Pattern.compile(
            "@(io\\.hetu\\.annotations\\.)?(Component|GameSystem|OnServerStart|OnConnect|OnDisconnect|Tick)\\b");

    /** Whether javac will run the HeTu processor with this compiler setup. */
    boolean runsTheProcessor() {
        if (processorPaths.contains(PROCESSOR)) {
            return true;
        }
        // A processor path or module path given by hand: trust it.
        if (compilerArgs.stream().anyMatch(a -> a.startsWith("-processorpath") || a.startsWith("--processor-path")
                || a.startsWith("--processor-module-path"))) {
            return true;
        }
        // JDK 23 and later run processors found on the class path only when asked to.
        return processorOnClassPath && ("full".equals(proc) || "only".equals(proc));
    }

    /**
     * The problem, when a source under {@code roots} uses HeTu's annotations (imports {@code io.hetu.annotations}
     * and annotates something) and the processor will not run: what, where, and the XML to add.
     */
    Optional<String> problem(List<Path> roots, String version) {
        if (runsTheProcessor()) {
            return Optional.empty();
        }
        return firstAnnotated(roots).map(source -> source + " uses HeTu's annotations, but maven-compiler-plugin "
                + "does not run the HeTu annotation processor, so the classes it generates (the <Component>Table "
                + "and <Component>Row of each component, HetuSystems, the schema manifest) will be missing and javac "
                + "will report 'cannot find symbol' for each use of them. Add to maven-compiler-plugin's "
                + "<configuration>:\n\n"
                + "  <annotationProcessorPaths>\n"
                + "    <path>\n"
                + "      <groupId>io.hetu</groupId>\n"
                + "      <artifactId>" + PROCESSOR + "</artifactId>\n"
                + "      <version>" + version + "</version>\n"
                + "    </path>\n"
                + "  </annotationProcessorPaths>\n\n"
                + "(JDK 23 and later run only the processors listed there; see docs/COMPONENTS.md). To build without "
                + "this check, set -Dhetu.check.skip.");
    }

    private static Optional<Path> firstAnnotated(List<Path> roots) {
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                Optional<Path> found = files.filter(p -> p.toString().endsWith(".java")).sorted()
                        .filter(ProcessorCheck::annotated).findFirst();
                if (found.isPresent()) {
                    return found;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the sources under " + root, e);
            }
        }
        return Optional.empty();
    }

    private static boolean annotated(Path source) {
        try {
            String text = Files.readString(source);
            return text.contains("io.hetu.annotations") && ANNOTATED.matcher(text).find();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source, e);
        }
    }
}
