package io.hetu.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;

/** What the diagnostics tests assert about errors: the code, the file, the line, the advice. */
final class DiagnosticAssertions {

    private DiagnosticAssertions() {}

    /** A source {@code test.<name>} of {@code header} lines, then {@code body}. */
    static JavaFileObject source(String name, List<String> header, String... body) {
        List<String> lines = new ArrayList<>(header);
        lines.addAll(List.of(body));
        return JavaFileObjects.forSourceLines("test." + name, lines);
    }

    static void assertError(Compilation compilation, JavaFileObject source, ErrorCode code, int line, String hint) {
        assertThat(compilation).hadErrorContaining(tag(code)).inFile(source).onLine(line);
        assertThat(compilation).hadErrorContaining(hint);
    }

    /** Every error code that starts with {@code prefix} (such as {@code HETU-E1}) is in {@code tested}. */
    static void assertEveryCodeTested(String prefix, Set<ErrorCode> tested) {
        Set<ErrorCode> codes = EnumSet.allOf(ErrorCode.class);
        codes.removeIf(code -> !code.code().startsWith(prefix));
        assertEquals(codes, tested, "every error code " + prefix + "xx needs a test");
    }

    static String tag(ErrorCode code) {
        return "[" + code.code() + "]";
    }

    static List<Diagnostic<? extends JavaFileObject>> errors(Compilation compilation) {
        return compilation.diagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR).toList();
    }

    /** The codes of the errors, in the order reported: {@code HETU-E101}. */
    static List<String> errorCodes(Compilation compilation) {
        return errors(compilation).stream().map(d -> d.getMessage(null).substring(1, 10)).toList();
    }
}
