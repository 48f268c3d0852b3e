package io.hetu.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.hetu.processor.DiagnosticAssertions.assertError;
import static io.hetu.processor.DiagnosticAssertions.assertEveryCodeTested;
import static io.hetu.processor.DiagnosticAssertions.errorCodes;
import static io.hetu.processor.DiagnosticAssertions.errors;
import static io.hetu.processor.DiagnosticAssertions.tag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * One test per system error code (HETU-E2xx): each compiles a bad system with the real processor,
 * against hetu-api, and asserts the code, the file and the line. Sources start with three
 * header lines (package and two imports), so the first line of a body is line 4.
 */
class SystemDiagnosticsTest {

    private static final Set<ErrorCode> TESTED = EnumSet.noneOf(ErrorCode.class);

    @AfterAll
    static void everySystemCodeHasATest() {
        assertEveryCodeTested("HETU-E2", TESTED);
    }

    @Test
    void notStatic() {
        expectError(ErrorCode.SYSTEM_NOT_STATIC, 6, "system move is not static; the generated dispatcher calls",
                "public class Bad {",
                "    @GameSystem(namespace = \"t\")",
                "    void move(SystemContext ctx) {}",
                "}");
        expectError(ErrorCode.SYSTEM_NOT_STATIC, 6, "lifecycle hook join (@OnConnect) is not static",
                "public interface Bad {",
                "    @OnConnect",
                "    default void join(SystemContext ctx) {}",
                "}");
    }

    @Test
    void privateMethodOrClass() {
        expectError(ErrorCode.SYSTEM_INACCESSIBLE, 6, "because it is private; make it",
                "public class Bad {",
                "    @GameSystem(namespace = \"t\")",
                "    private static void move(SystemContext ctx) {}",
                "}");
        expectError(ErrorCode.SYSTEM_INACCESSIBLE, 7, "because its class Inner is private",
                "public class Bad {",
                "    private static class Inner {",
                "        @GameSystem(namespace = \"t\")",
                "        static void move(SystemContext ctx) {}",
                "    }",
                "}");
    }

    @Test
    void genericMethod() {
        expectError(ErrorCode.GENERIC_SYSTEM, 6, "declares type parameters <T>; arguments are decoded into concrete",
                "public class Bad {",
                "    @GameSystem(namespace = \"t\")",
                "    static <T> void move(SystemContext ctx) {}",
                "}");
    }

    @Test
    void contextMissingOrNotFirst() {
        expectError(ErrorCode.MISSING_CONTEXT, 6, "system move has no parameters, but the first must be the "
                        + "SystemContext (io.hetu.system.SystemContext)",
                "public class Bad {",
                "    @GameSystem(namespace = \"t\")",
                "    static void move() {}",
                "}");
        expectError(ErrorCode.MISSING_CONTEXT, 7, "the first parameter of system move is 'float x', but it must be "
                        + "the SystemContext",
                "public class Bad {",
                "    @GameSystem(namespace = \"t\")",
                "    static void move(",
                "            float x, SystemContext ctx) {}",
                "}");
        expectError(ErrorCode.MISSING_CONTEXT, 6, "lifecycle hook start (@OnServerStart) has no parameters",
                "public class Bad {",
                "    @OnServerStart",
                "    static void start() {}",
                "}");
    }

    @Test
    void unsupportedParameterOrResultType() {
        expectError(ErrorCode.UNSUPPORTED_SYSTEM_TYPE, 7, "parameter 'thing' of system move has type java.lang.Object, "
                        + "which cannot travel on the wire; use boolean, byte, short, int, long, float, double, char",
                "public class Bad {",
                "    @GameSystem(namespace = \"t\")",
                "    static void move(SystemContext ctx, int fine,",
                "            Object thing) {}",
                "}");
        expectError(ErrorCode.UNSUPPORTED_SYSTEM_TYPE, 6, "the result of system names has type "
                        + "java.util.Set<java.lang.String>, which cannot travel",
                "public class Bad {",
                "    @GameSystem(namespace = \"t\")",
                "    static java.util.Set<String> names(SystemContext ctx) { return null; }",
                "}");
        expectError(ErrorCode.UNSUPPORTED_SYSTEM_TYPE, 7, "component Loot.where (in parameter 'loot' of system drop) "
                        + "has type java.util.Map<java.lang.String,java.lang.Integer>",
                "public class Bad {",
                "    record Loot(int gold, java.util.Map<String, Integer> where) {}",
                "    @GameSystem(namespace = \"t\")",
                "    static void drop(SystemContext ctx, Loot loot) {}",
                "}");
        expectError(ErrorCode.UNSUPPORTED_SYSTEM_TYPE, 6, "(a raw List; declare its element type",
                "public class Bad {",
                "    @GameSystem(namespace = \"t\")",
                "    static void drop(SystemContext ctx, @SuppressWarnings(\"rawtypes\") java.util.List items) {}",
                "}");
        expectError(ErrorCode.UNSUPPORTED_SYSTEM_TYPE, 6, "(the element type must be a concrete type, not wildcard",
                "public class Bad {",
                "    @GameSystem(namespace = \"t\")",
                "    static void drop(SystemContext ctx, java.util.List<?> items) {}",
                "}");
        expectError(ErrorCode.UNSUPPORTED_SYSTEM_TYPE, 6, "(Java cannot create an array of a generic type; use a List",
                "public class Bad {",
                "    @GameSystem(namespace = \"t\")",
                "    static void drop(SystemContext ctx, java.util.List<String>[] items) {}",
                "}");
        expectError(ErrorCode.UNSUPPORTED_SYSTEM_TYPE, 7, "(a generic record; declare a record with concrete",
                "public class Bad {",
                "    record Box<T>(T value) {}",
                "    @GameSystem(namespace = \"t\")",
                "    static void drop(SystemContext ctx, Box<String> box) {}",
                "}");
        expectError(ErrorCode.UNSUPPORTED_SYSTEM_TYPE, 7, "(a record without components carries nothing",
                "public class Bad {",
                "    record Empty() {}",
                "    @GameSystem(namespace = \"t\")",
                "    static void drop(SystemContext ctx, java.util.List<Empty> empties) {}",
                "}");
    }

    @Test
    void rowFlyweightInsteadOfTheRecord() {
        JavaFileObject component = JavaFileObjects.forSourceLines("test.Position",
                "package test;",
                "import io.hetu.annotations.*;",
                "@Component(namespace = \"t\")",
                "public record Position(float x, float y) {}");
        JavaFileObject system = source(
                "public class Bad {",
                "    @GameSystem(namespace = \"t\")",
                "    static void move(SystemContext ctx,",
                "            PositionRow row) {}",
                "}");
        Compilation compilation = compile(component, system);
        assertThat(compilation).hadErrorContaining(tag(ErrorCode.ROW_FLYWEIGHT_ON_THE_WIRE)).inFile(system).onLine(7);
        assertThat(compilation).hadErrorContaining("parameter 'row' of system move is the row flyweight PositionRow, "
                + "which points into the transaction's memory and cannot travel on the wire; use the record Position");
        assertEquals(1, errors(compilation).size(), "the row type was waited for, not reported as missing");
        TESTED.add(ErrorCode.ROW_FLYWEIGHT_ON_THE_WIRE);
    }

    @Test
    void componentOnlyPermissions() {
        for (String permission : List.of("OWNER", "RLS")) {
            expectError(ErrorCode.SYSTEM_PERMISSION, 5, "has permission " + permission + ", which applies only to the "
                            + "rows of components; a system takes EVERYBODY, USER, ADMIN or NONE",
                    "public class Bad {",
                    "    @GameSystem(namespace = \"t\", permission = Permission." + permission + ")",
                    "    static void move(SystemContext ctx) {}",
                    "}");
        }
    }

    @Test
    void negativeRetry() {
        expectError(ErrorCode.NEGATIVE_RETRY, 5, "system move has retry = -1; retry counts the extra attempts",
                "public class Bad {",
                "    @GameSystem(namespace = \"t\", retry = -1)",
                "    static void move(SystemContext ctx) {}",
                "}");
        expectError(ErrorCode.NEGATIVE_RETRY, 5, "lifecycle hook leave (@OnDisconnect) has retry = -3",
                "public class Bad {",
                "    @OnDisconnect(retry = -3)",
                "    static void leave(SystemContext ctx) {}",
                "}");
    }

    @Test
    void invalidNamespace() {
        for (String namespace : List.of("", "9lives", "has space", "dash-ed", "x".repeat(65))) {
            expectError(ErrorCode.SYSTEM_INVALID_NAMESPACE, 5, "use a letter followed by letters, digits or "
                            + "underscores",
                    "public class Bad {",
                    "    @GameSystem(namespace = \"" + namespace + "\")",
                    "    static void move(SystemContext ctx) {}",
                    "}");
        }
    }

    @Test
    void twoSystemsWithOneNameInANamespace() {
        expectError(ErrorCode.DUPLICATE_SYSTEM, 8, "system move is declared twice in namespace 't', here and by "
                        + "test.Bad.move(io.hetu.system.SystemContext); clients call systems by name, so "
                        + "overloads are not possible",
                "public class Bad {",
                "    @GameSystem(namespace = \"t\")",
                "    static void move(SystemContext ctx) {}",
                "    @GameSystem(namespace = \"t\")",
                "    static void move(SystemContext ctx, int x) {}",
                "}");
        JavaFileObject first = JavaFileObjects.forSourceLines("a.Moves",
                "package a;",
                "import io.hetu.annotations.*;",
                "import io.hetu.system.SystemContext;",
                "public class Moves {",
                "    @GameSystem(namespace = \"t\")",
                "    static void move(SystemContext ctx) {}",
                "}");
        JavaFileObject second = JavaFileObjects.forSourceLines("b.Moves",
                "package b;",
                "import io.hetu.annotations.*;",
                "import io.hetu.system.SystemContext;",
                "public class Moves {",
                "    @GameSystem(namespace = \"t\")",
                "    static void move(SystemContext ctx) {}",
                "}");
        assertThat(compile(first, second)).hadErrorContaining(tag(ErrorCode.DUPLICATE_SYSTEM)).inFile(second)
                .onLine(6);
        JavaFileObject otherNamespace = JavaFileObjects.forSourceLines("b.Moves",
                "package b;",
                "import io.hetu.annotations.*;",
                "import io.hetu.system.SystemContext;",
                "public class Moves {",
                "    @GameSystem(namespace = \"u\")",
                "    static void move(SystemContext ctx) {}",
                "}");
        assertThat(compile(first, otherNamespace)).succeededWithoutWarnings();
    }

    @Test
    void hookWithParameters() {
        expectError(ErrorCode.HOOK_WITH_PARAMETERS, 7, "lifecycle hook join (@OnConnect) takes only the SystemContext, "
                        + "but declares parameter 'name'",
                "public class Bad {",
                "    @OnConnect",
                "    static void join(SystemContext ctx,",
                "            String name) {}",
                "}");
    }

    @Test
    void hookWithResult() {
        expectError(ErrorCode.HOOK_WITH_RESULT, 6, "lifecycle hook start (@OnServerStart) returns int, but nobody "
                        + "receives a hook's result; make it void",
                "public class Bad {",
                "    @OnServerStart",
                "    static int start(SystemContext ctx) { return 0; }",
                "}");
    }

    @Test
    void tickRate() {
        expectError(ErrorCode.TICK_RATE, 5, "lifecycle hook step (@Tick) gives neither hz nor periodMillis; give one",
                "public class Bad {",
                "    @Tick",
                "    static void step(SystemContext ctx) {}",
                "}");
        expectError(ErrorCode.TICK_RATE, 5, "gives both hz and periodMillis",
                "public class Bad {",
                "    @Tick(hz = 20, periodMillis = 50)",
                "    static void step(SystemContext ctx) {}",
                "}");
        expectError(ErrorCode.TICK_RATE, 5, "has hz = 5000; a tick runs from 1 to 1000 times a second",
                "public class Bad {",
                "    @Tick(hz = 5000)",
                "    static void step(SystemContext ctx) {}",
                "}");
        expectError(ErrorCode.TICK_RATE, 5, "has periodMillis = -3; the period is at least 1 ms",
                "public class Bad {",
                "    @Tick(periodMillis = -3)",
                "    static void step(SystemContext ctx) {}",
                "}");
    }

    @Test
    void badRateLimit() {
        expectError(ErrorCode.BAD_RATE_LIMIT, 6, "system say has @RateLimit(perSecond = 0.0); give more than 0",
                "public class Bad {",
                "    @GameSystem(namespace = \"t\")",
                "    @RateLimit(perSecond = 0)",
                "    static void say(SystemContext ctx) {}",
                "}");
        expectError(ErrorCode.BAD_RATE_LIMIT, 6, "system say has @RateLimit(burst = -1); a burst counts calls",
                "public class Bad {",
                "    @GameSystem(namespace = \"t\")",
                "    @RateLimit(perSecond = 2, burst = -1)",
                "    static void say(SystemContext ctx) {}",
                "}");
        expectError(ErrorCode.BAD_RATE_LIMIT, 6, "lifecycle hook step (@Tick) has @RateLimit, but only clients'",
                "public class Bad {",
                "    @Tick(hz = 10)",
                "    @RateLimit(perSecond = 2)",
                "    static void step(SystemContext ctx) {}",
                "}");
    }

    @Test
    void tickDeclaredTwice() {
        expectError(ErrorCode.DUPLICATE_TICK, 6, "tick step is declared twice, here and by test.Bad.Again.step",
                "public class Bad {",
                "    @Tick(hz = 10)",
                "    static void step(SystemContext ctx) {}",
                "    static class Again {",
                "        @Tick(hz = 20)",
                "        static void step(SystemContext ctx) {}",
                "    }",
                "}");
    }

    @Test
    void aTickTakesNoArguments() {
        expectError(ErrorCode.HOOK_WITH_PARAMETERS, 6, "lifecycle hook step (@Tick) takes only the SystemContext",
                "public class Bad {",
                "    @Tick(hz = 10)",
                "    static void step(SystemContext ctx, int n) {}",
                "}");
    }

    @Test
    void systemAndHookOnOneMethod() {
        expectError(ErrorCode.SEVERAL_SYSTEM_ANNOTATIONS, 6, "method join has both @GameSystem and @OnConnect; a "
                        + "method is one system or one lifecycle hook",
                "public class Bad {",
                "    @GameSystem(namespace = \"t\")",
                "    @OnConnect",
                "    static void join(SystemContext ctx) {}",
                "}");
    }

    @Test
    void nullablePrimitive() {
        expectError(ErrorCode.SYSTEM_NULLABLE_PRIMITIVE, 7, "parameter 'x' of system move is a int marked @Nullable, "
                        + "but a primitive cannot hold null; use java.lang.Integer",
                "public class Bad {",
                "    @GameSystem(namespace = \"t\")",
                "    static void move(SystemContext ctx,",
                "            @Nullable int x) {}",
                "}");
        expectError(ErrorCode.SYSTEM_NULLABLE_PRIMITIVE, 7, "the elements of parameter 'xs' of system move is a long "
                        + "marked @Nullable",
                "public class Bad {",
                "    @GameSystem(namespace = \"t\")",
                "    static void move(SystemContext ctx,",
                "            @Nullable long[] xs) {}",
                "}");
    }

    @Test
    void checkedException() {
        expectError(ErrorCode.SYSTEM_THROWS_CHECKED, 6, "declares 'throws java.io.IOException', a checked exception "
                        + "the dispatcher cannot pass on",
                "public class Bad {",
                "    @GameSystem(namespace = \"t\")",
                "    static void save(SystemContext ctx) throws java.io.IOException, IllegalStateException {}",
                "}");
    }

    @Test
    void recordThatContainsItself() {
        expectError(ErrorCode.RECURSIVE_RECORD, 8, "component Node.children (in parameter 'root' of system plant) is "
                        + "record Node, which contains itself (Node → Node); nested data on the wire must have a "
                        + "fixed depth",
                "public class Bad {",
                "    record Node(int value, java.util.List<Node> children) {}",
                "    @GameSystem(namespace = \"t\")",
                "    static void plant(SystemContext ctx,",
                "            Node root) {}",
                "}");
        expectError(ErrorCode.RECURSIVE_RECORD, 8, "(Tree → Branch → Tree)",
                "public class Bad {",
                "    record Tree(Branch left) {}",
                "    record Branch(@Nullable Tree tree) {}",
                "    @GameSystem(namespace = \"t\")",
                "    static void plant(SystemContext ctx, Tree tree) {}",
                "}");
    }

    @Test
    void typeTheDispatcherCannotSee() {
        expectError(ErrorCode.INACCESSIBLE_WIRE_TYPE, 7, "parameter 'secret' of system tell has type test.Bad.Secret, "
                        + "which the dispatcher generated in package test cannot use; make it (and any class it is "
                        + "nested in) package-private or public",
                "public class Bad {",
                "    private record Secret(int code) {}",
                "    @GameSystem(namespace = \"t\")",
                "    static void tell(SystemContext ctx, Secret secret) {}",
                "}");
    }

    @Test
    void systemsGeneratedInALaterRound() {
        JavaFileObject system = source(
                "public class Bad {",
                "    @GameSystem(namespace = \"t\")",
                "    static void move(SystemContext ctx) {}",
                "}");
        Compilation compilation = SystemSources.compile(List.of(system), new GeneratingProcessor("test", "Late", """
                public class Late {
                    @io.hetu.annotations.GameSystem(namespace = "t")
                    static void late(io.hetu.system.SystemContext ctx) {}
                }
                """));
        assertThat(compilation).hadErrorContaining(tag(ErrorCode.SYSTEMS_IN_SEVERAL_ROUNDS));
        Diagnostic<? extends JavaFileObject> error = errors(compilation).getFirst();
        assertTrue(error.getMessage(null).contains("method late appeared in a source generated after package test got "
                + "its HetuSystems; declare systems that another annotation processor generates in a package of "
                + "their own"), error.getMessage(null));
        assertTrue(error.getSource().getName().endsWith("test/Late.java"), error.getSource().getName());
        assertEquals(5, error.getLineNumber());
        TESTED.add(ErrorCode.SYSTEMS_IN_SEVERAL_ROUNDS);
    }

    @Test
    void aSystemWaitsForATypeGeneratedInTheSameRound() {
        JavaFileObject system = source(
                "public class Moves {",
                "    @GameSystem(namespace = \"t\")",
                "    static Point move(SystemContext ctx, Point to) { return to; }",
                "}");
        Compilation compilation = SystemSources.compile(List.of(system),
                new GeneratingProcessor("test", "Point", "public record Point(int x, int y) {}\n"));
        assertThat(compilation).succeededWithoutWarnings();
        assertThat(compilation).generatedSourceFile("test.HetuSystems").contentsAsUtf8String()
                .contains("Point returned = Moves.move(ctx, to);");
    }

    @Test
    void aTypeThatNeverAppearsIsLeftToTheCompiler() {
        Compilation compilation = compile(source(
                "public class Bad {",
                "    @GameSystem(namespace = \"t\")",
                "    static void move(SystemContext ctx, Missing where) {}",
                "}"));
        assertThat(compilation).hadErrorContaining("cannot find symbol").inFile(compilation.sourceFiles().getLast())
                .onLine(6);
        assertEquals(1, errors(compilation).size(), "the processor waited for the type and added no error");
    }

    @Test
    void annotationOnAFieldIsRejectedByTheCompilerItself() {
        Compilation compilation = compile(source(
                "public class Bad {",
                "    @GameSystem(namespace = \"t\")",
                "    int move;",
                "}"));
        assertThat(compilation).hadErrorContaining("annotation interface not applicable to this kind of declaration");
        assertTrue(errors(compilation).stream().noneMatch(d -> d.getMessage(null).contains("[HETU-")));
    }

    @Test
    void everyErrorIsReportedInOneCompilation() {
        Compilation compilation = compile(source(
                "public class Bad {",
                "    @GameSystem(namespace = \"bad name\", permission = Permission.OWNER, retry = -1)",
                "    <T> void move(float x, Object thing, @Nullable int y) throws Exception {}",
                "    @OnConnect",
                "    static int join(SystemContext ctx, int x) { return x; }",
                "}"));
        List<String> codes = errorCodes(compilation);
        assertEquals(List.of("HETU-E201", "HETU-E203", "HETU-E215", "HETU-E209", "HETU-E207", "HETU-E208",
                "HETU-E204", "HETU-E205", "HETU-E214", "HETU-E211", "HETU-E212"), codes);
    }

    @Test
    void nullableMarksTheTypeItAnnotates() {
        JavaFileObject declarationNullable = JavaFileObjects.forSourceLines("org.example.Nullable",
                "package org.example;",
                "@java.lang.annotation.Target({java.lang.annotation.ElementType.PARAMETER,",
                "        java.lang.annotation.ElementType.METHOD})",
                "public @interface Nullable {}");
        JavaFileObject system = source(
                "public class Moves {",
                "    @GameSystem(namespace = \"t\")",
                "    @org.example.Nullable",
                "    static String[] names(SystemContext ctx, @org.example.Nullable String[] a,",
                "            @Nullable String[] b, String @Nullable [] c, @Nullable byte[] d) { return a; }",
                "}");
        Compilation compilation = compile(declarationNullable, system);
        assertThat(compilation).succeededWithoutWarnings();
        String dispatcher = generated(compilation, "test.HetuSystems");
        assertTrue(dispatcher.contains("String[] a = args.readPresent(\"names.a\") ? readArrayOfString(args, "
                + "\"names.a\") : null;"), dispatcher);
        assertTrue(dispatcher.contains("String[] b = readArrayOfNullableString(args, \"names.b\");"), dispatcher);
        assertTrue(dispatcher.contains("String[] c = args.readPresent(\"names.c\") ? readArrayOfString(args, "
                + "\"names.c\") : null;"), dispatcher);
        assertTrue(dispatcher.contains("byte[] d = args.readPresent(\"names.d\") ? args.readBytes(\"names.d\") "
                + ": null;"), dispatcher);
        assertTrue(dispatcher.contains("result.writePresent(returned != null);"), dispatcher);
    }

    private static String generated(Compilation compilation, String className) {
        try {
            return compilation.generatedSourceFile(className).orElseThrow().getCharContent(true).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void expectError(ErrorCode code, int line, String hint, String... body) {
        JavaFileObject source = source(body);
        assertError(compile(source), source, code, line, hint);
        TESTED.add(code);
    }

    /** A source named after the type its first line declares ("public class Bad {"). */
    private static JavaFileObject source(String... body) {
        return DiagnosticAssertions.source(body[0].split(" ")[2], List.of("package test;",
                "import io.hetu.annotations.*;", "import io.hetu.system.SystemContext;"), body);
    }

    private static Compilation compile(JavaFileObject... sources) {
        return SystemSources.compile(List.of(sources));
    }

    /** Writes one source in its first round, as another annotation processor of the build might. */
    private static final class GeneratingProcessor extends AbstractProcessor {

        private final String packageName;
        private final String name;
        private final String body;
        private boolean done;

        GeneratingProcessor(String packageName, String name, String body) {
            this.packageName = packageName;
            this.name = name;
            this.body = body;
        }

        @Override
        public Set<String> getSupportedAnnotationTypes() {
            return Set.of("*");
        }

        @Override
        public SourceVersion getSupportedSourceVersion() {
            return SourceVersion.latestSupported();
        }

        @Override
        public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
            if (!done) {
                done = true;
                try (var writer = processingEnv.getFiler().createSourceFile(packageName + "." + name).openWriter()) {
                    writer.write("package " + packageName + ";\n\n" + body);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return false;
        }
    }
}
