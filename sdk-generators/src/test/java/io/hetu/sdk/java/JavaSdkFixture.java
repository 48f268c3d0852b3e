package io.hetu.sdk.java;

import io.hetu.sdk.GeneratedFile;
import io.hetu.sdk.TestManifests;
import io.hetu.wire.WireReader;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * The generated Java SDK of the test app, and the JDK's own compiler to compile it (with the test programs that use
 * it) in this JVM, against hetu-api alone and with every lint warning an error.
 */
final class JavaSdkFixture {

    static final JavaOptions OPTIONS = new JavaOptions("io.hetu.sdktest.client");
    /** The programs that drive the SDK against a live server: Java sources compiled with it, not by Maven. */
    static final Path PROGRAMS = Path.of(System.getProperty("hetu.golden.dir", "src/test/golden"))
            .resolveSibling("javaclient");

    private JavaSdkFixture() {}

    static List<GeneratedFile> generate() {
        return JavaGenerator.generate(TestManifests.testApp(), OPTIONS);
    }

    /** Writes the files under {@code root} and returns the paths of the sources. */
    static List<Path> write(List<GeneratedFile> files, Path root) throws IOException {
        List<Path> sources = new ArrayList<>();
        for (GeneratedFile file : files) {
            Path target = root.resolve(file.path());
            Files.createDirectories(target.getParent());
            Files.writeString(target, file.content(), StandardCharsets.UTF_8);
            sources.add(target);
        }
        return sources;
    }

    /** The test programs of these names ({@code E2eProgram}), from {@link #PROGRAMS}. */
    static List<Path> programs(String... names) {
        List<Path> paths = new ArrayList<>();
        for (String name : names) {
            paths.add(PROGRAMS.resolve("io/hetu/sdktest/programs/" + name + ".java"));
        }
        paths.add(PROGRAMS.resolve("io/hetu/sdktest/programs/Checks.java"));
        return paths;
    }

    /** Where hetu-api's classes are: its jar, or its classes folder in a reactor build. */
    static Path hetuApi() {
        try {
            return Path.of(WireReader.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Compiles {@code sources} into {@code classes} with javac 25 against hetu-api only, {@code -Xlint:all -Werror};
     * fails with every diagnostic when javac reports any.
     */
    static void compile(List<Path> sources, Path classes) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("this JVM has no Java compiler (javax.tools); run the tests on a JDK");
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Files.createDirectories(classes);
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            StringWriter out = new StringWriter();
            List<String> options = List.of("--release", "25", "-Xlint:all", "-Werror", "-proc:none", "-encoding",
                    "UTF-8", "-classpath", hetuApi().toString(), "-d", classes.toString());
            boolean compiled = javac.getTask(out, files, diagnostics, options, null,
                    files.getJavaFileObjectsFromPaths(sources)).call();
            StringBuilder report = new StringBuilder(out.toString());
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                report.append(d.getKind()).append(' ').append(d.getSource() == null ? "" : d.getSource().getName())
                        .append(':').append(d.getLineNumber()).append(": ").append(d.getMessage(Locale.ROOT))
                        .append('\n');
            }
            if (!compiled || !diagnostics.getDiagnostics().isEmpty()) {
                throw new AssertionError("javac refused the generated Java SDK:\n" + report);
            }
        }
    }

    /** A class loader over {@code classes} whose parent holds hetu-api (and the rest of the test classpath). */
    static URLClassLoader load(Path classes) {
        try {
            return new URLClassLoader(new URL[] {classes.toUri().toURL()}, JavaSdkFixture.class.getClassLoader());
        } catch (MalformedURLException e) {
            throw new UncheckedIOException(e);
        }
    }
}
