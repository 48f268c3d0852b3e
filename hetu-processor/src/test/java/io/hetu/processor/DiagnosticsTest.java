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
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * One test per component error code (systems have {@link SystemDiagnosticsTest}): each compiles a
 * bad component with the real processor and asserts the code, the file and the line. Sources start
 * with two header lines (package and import), so the first line of a body is line 3.
 */
class DiagnosticsTest {

    private static final Set<ErrorCode> TESTED = EnumSet.noneOf(ErrorCode.class);

    @AfterAll
    static void everyComponentCodeHasATest() {
        assertEveryCodeTested("HETU-E1", TESTED);
    }

    @Test
    void notARecord() {
        expectError(ErrorCode.NOT_A_RECORD, 4, "@Component goes on a record",
                "@Component(namespace = \"t\")",
                "public class Bad {}");
    }

    @Test
    void genericRecord() {
        expectError(ErrorCode.GENERIC_RECORD, 4, "remove the type parameters",
                "@Component(namespace = \"t\")",
                "public record Bad<T>(int x) {}");
    }

    @Test
    void privateNestedRecord() {
        expectError(ErrorCode.INACCESSIBLE_RECORD, 5, "make it package-private or public",
                "public class Bad {",
                "    @Component(namespace = \"t\")",
                "    private record Inner(int x) {}",
                "}");
    }

    @Test
    void unsupportedType() {
        expectError(ErrorCode.UNSUPPORTED_TYPE, 6, "which a row cannot store",
                "@Component(namespace = \"t\")",
                "public record Bad(",
                "    int fine,",
                "    java.util.List<String> items) {}");
        expectError(ErrorCode.UNSUPPORTED_TYPE, 4, "int[]",
                "@Component(namespace = \"t\")",
                "public record Bad(int[] xs) {}");
    }

    @Test
    void stringWithoutMaxLength() {
        expectError(ErrorCode.MISSING_MAX_LENGTH, 5, "add @MaxLength(n)",
                "@Component(namespace = \"t\")",
                "public record Bad(long owner,",
                "    String name) {}");
        expectError(ErrorCode.MISSING_MAX_LENGTH, 4, "in bytes",
                "@Component(namespace = \"t\")",
                "public record Bad(byte[] blob) {}");
    }

    @Test
    void maxLengthOutOfBounds() {
        expectError(ErrorCode.BAD_MAX_LENGTH, 4, "@MaxLength(0); use a length from 1 to 65535",
                "@Component(namespace = \"t\")",
                "public record Bad(@MaxLength(0) String name) {}");
        expectError(ErrorCode.BAD_MAX_LENGTH, 5, "@MaxLength(100000)",
                "@Component(namespace = \"t\")",
                "public record Bad(",
                "    @MaxLength(100000) byte[] blob) {}");
    }

    @Test
    void maxLengthOnAFixedSizeType() {
        expectError(ErrorCode.MAX_LENGTH_ON_FIXED_TYPE, 4, "applies only to String and byte[]",
                "@Component(namespace = \"t\")",
                "public record Bad(@MaxLength(4) int x) {}");
    }

    @Test
    void reservedColumnNames() {
        expectError(ErrorCode.RESERVED_NAME, 5, "every row already has an engine-assigned id",
                "@Component(namespace = \"t\")",
                "public record Bad(int x,",
                "    long id) {}");
        expectError(ErrorCode.RESERVED_NAME, 4, "reserved by the generated row flyweight",
                "@Component(namespace = \"t\")",
                "public record Bad(int wrap) {}");
    }

    @Test
    void twoComponentsWithOneNameInANamespace() {
        JavaFileObject first = JavaFileObjects.forSourceLines("a.Item",
                "package a;",
                "import io.hetu.annotations.*;",
                "@Component(namespace = \"shop\")",
                "public record Item(int price) {}");
        JavaFileObject second = JavaFileObjects.forSourceLines("b.Item",
                "package b;",
                "import io.hetu.annotations.*;",
                "@Component(namespace = \"shop\")",
                "public record Item(long price) {}");
        Compilation compilation = compile(first, second);
        assertThat(compilation).hadErrorContaining(tag(ErrorCode.DUPLICATE_COMPONENT));
        Diagnostic<? extends JavaFileObject> error = errors(compilation).getFirst();
        assertTrue(error.getMessage(null).contains("declared twice in namespace 'shop'"), error.getMessage(null));
        assertEquals(4, error.getLineNumber());
        TESTED.add(ErrorCode.DUPLICATE_COMPONENT);

        JavaFileObject otherNamespace = JavaFileObjects.forSourceLines("b.Item",
                "package b;",
                "import io.hetu.annotations.*;",
                "@Component(namespace = \"bank\")",
                "public record Item(long price) {}");
        assertThat(compile(first, otherNamespace)).succeeded();
    }

    @Test
    void invalidNamespace() {
        for (String namespace : List.of("", "9lives", "has space", "dash-ed", "x".repeat(65))) {
            expectError(ErrorCode.INVALID_NAMESPACE, 4, "use a letter followed by letters, digits or underscores",
                    "@Component(namespace = \"" + namespace + "\")",
                    "public record Bad(int x) {}");
        }
    }

    @Test
    void ownerPermissionNeedsALongOwner() {
        expectError(ErrorCode.OWNER_WITHOUT_OWNER_FIELD, 3, "no 'long owner' column",
                "@Component(namespace = \"t\", permission = Permission.OWNER)",
                "public record Bad(float x, float y) {}");
        expectError(ErrorCode.OWNER_WITHOUT_OWNER_FIELD, 3, "add 'long owner'",
                "@Component(namespace = \"t\", permission = Permission.OWNER)",
                "public record Bad(int owner) {}");
        expectError(ErrorCode.OWNER_WITHOUT_OWNER_FIELD, 3, "add 'long owner'",
                "@Component(namespace = \"t\", permission = Permission.OWNER)",
                "public record Bad(Long owner) {}");
    }

    @Test
    void rlsPermissionNeedsARule() {
        expectError(ErrorCode.RLS_RULE_MISSING, 3, "add @Rls(field",
                "@Component(namespace = \"t\", permission = Permission.RLS)",
                "public record Bad(long guild) {}");
    }

    @Test
    void rlsRuleWithoutRlsPermission() {
        expectError(ErrorCode.RLS_RULE_WITHOUT_RLS, 4, "set permission = Permission.RLS or remove @Rls",
                "@Component(namespace = \"t\", permission = Permission.USER)",
                "@Rls(field = \"guild\", session = \"guild\")",
                "public record Bad(long guild) {}");
    }

    @Test
    void rlsRuleNamingAMissingColumn() {
        expectError(ErrorCode.RLS_UNKNOWN_FIELD, 4, "names column 'clan', which does not exist; name one of [guild]",
                "@Component(namespace = \"t\", permission = Permission.RLS)",
                "@Rls(field = \"clan\", session = \"guild\")",
                "public record Bad(long guild) {}");
    }

    @Test
    void rlsRuleOnATypeThatCannotBeCompared() {
        expectError(ErrorCode.RLS_NOT_COMPARABLE, 4, "compare a numeric or String column instead",
                "@Component(namespace = \"t\", permission = Permission.RLS)",
                "@Rls(field = \"key\", session = \"key\")",
                "public record Bad(@MaxLength(8) byte[] key) {}");
        expectError(ErrorCode.RLS_NOT_COMPARABLE, 4, "use EQ or NE",
                "@Component(namespace = \"t\", permission = Permission.RLS)",
                "@Rls(field = \"vip\", op = Comparison.GT, session = \"vip\")",
                "public record Bad(boolean vip) {}");
    }

    @Test
    void rlsRuleWithoutASessionKey() {
        expectError(ErrorCode.RLS_INVALID_SESSION_KEY, 4, "names no session value",
                "@Component(namespace = \"t\", permission = Permission.RLS)",
                "@Rls(field = \"guild\", session = \" \")",
                "public record Bad(long guild) {}");
    }

    @Test
    void indexOnATypeWithoutOrder() {
        expectError(ErrorCode.INDEX_NOT_ORDERABLE, 5, "cannot carry @Unique",
                "@Component(namespace = \"t\")",
                "public record Bad(int fine,",
                "    @Unique @MaxLength(3) byte[] blob) {}");
        expectError(ErrorCode.INDEX_NOT_ORDERABLE, 4, "cannot carry @Index",
                "@Component(namespace = \"t\")",
                "public record Bad(@Index @MaxLength(3) byte[] blob) {}");
    }

    @Test
    void indexOnANullableColumn() {
        expectError(ErrorCode.INDEX_ON_NULLABLE, 4, "make it non-null (int) or drop the index",
                "@Component(namespace = \"t\")",
                "public record Bad(@Index Integer level) {}");
    }

    @Test
    void uniqueAndIndexTogether() {
        expectError(ErrorCode.UNIQUE_AND_INDEX, 4, "keep only @Unique",
                "@Component(namespace = \"t\")",
                "public record Bad(@Unique @Index long owner) {}");
    }

    @Test
    void nullablePrimitive() {
        expectError(ErrorCode.NULLABLE_PRIMITIVE, 4, "use Integer for a nullable column",
                "@Component(namespace = \"t\")",
                "public record Bad(@Nullable int hp) {}");
    }

    @Test
    void noColumns() {
        expectError(ErrorCode.NO_COLUMNS, 4, "needs at least one",
                "@Component(namespace = \"t\")",
                "public record Bad() {}");
    }

    @Test
    void columnNameClashingWithAGeneratedAccessor() {
        expectError(ErrorCode.ACCESSOR_CLASH, 5, "clashes with the accessor generated for column 'hp'",
                "@Component(namespace = \"t\")",
                "public record Bad(Integer hp,",
                "    boolean hasHp) {}");
    }

    @Test
    void listWithoutKey() {
        expectError(ErrorCode.LIST_WITHOUT_KEY, 3, "no column is marked @ListKey",
                "@Component(namespace = \"t\", kind = TableKind.LIST, capacity = 10)",
                "public record Bad(long room, int x) {}");
    }

    @Test
    void listOptionsOnAGenericComponent() {
        expectError(ErrorCode.LIST_OPTION_ON_GENERIC, 3, "declares capacity = 5",
                "@Component(namespace = \"t\", capacity = 5)",
                "public record Bad(long room) {}");
        expectError(ErrorCode.LIST_OPTION_ON_GENERIC, 3, "declares evict = LAST",
                "@Component(namespace = \"t\", evict = Eviction.LAST)",
                "public record Bad(long room) {}");
        expectError(ErrorCode.LIST_OPTION_ON_GENERIC, 5, "is marked @ListKey but component Bad is GENERIC",
                "@Component(namespace = \"t\")",
                "public record Bad(int x,",
                "    @ListKey long room) {}");
        expectError(ErrorCode.LIST_OPTION_ON_GENERIC, 4, "is marked @SortBy but component Bad is GENERIC",
                "@Component(namespace = \"t\")",
                "public record Bad(@SortBy long points) {}");
    }

    @Test
    void sortByOnAPlainList() {
        expectError(ErrorCode.SORT_BY_ON_LIST, 5, "set kind = TableKind.SORTED_LIST",
                "@Component(namespace = \"t\", kind = TableKind.LIST, capacity = 10)",
                "public record Bad(@ListKey long room,",
                "    @SortBy long points) {}");
    }

    @Test
    void severalListKeys() {
        expectError(ErrorCode.SEVERAL_LIST_KEYS, 5, "a list has one key column",
                "@Component(namespace = \"t\", kind = TableKind.LIST, capacity = 10)",
                "public record Bad(@ListKey long room,",
                "    @ListKey long shard) {}");
    }

    @Test
    void listKeyThatCannotBeIndexed() {
        expectError(ErrorCode.LIST_KEY_NOT_INDEXABLE, 4, "which has no order",
                "@Component(namespace = \"t\", kind = TableKind.LIST, capacity = 10)",
                "public record Bad(@ListKey @MaxLength(4) byte[] room) {}");
        expectError(ErrorCode.LIST_KEY_NOT_INDEXABLE, 4, "is nullable",
                "@Component(namespace = \"t\", kind = TableKind.LIST, capacity = 10)",
                "public record Bad(@ListKey Long room) {}");
    }

    @Test
    void sortedListWithoutSortColumns() {
        expectError(ErrorCode.SORTED_LIST_WITHOUT_SORT, 3, "no column is marked @SortBy",
                "@Component(namespace = \"t\", kind = TableKind.SORTED_LIST, capacity = 10)",
                "public record Bad(@ListKey long season, long points) {}");
    }

    @Test
    void moreThanFourSortColumns() {
        expectError(ErrorCode.TOO_MANY_SORT_COLUMNS, 6, "remove @SortBy from e",
                "@Component(namespace = \"t\", kind = TableKind.SORTED_LIST, capacity = 10)",
                "public record Bad(@ListKey long season,",
                "    @SortBy int a, @SortBy int b, @SortBy int c, @SortBy int d,",
                "    @SortBy int e) {}");
    }

    @Test
    void sortColumnWithoutOrder() {
        expectError(ErrorCode.SORT_NOT_ORDERABLE, 5, "which has no order",
                "@Component(namespace = \"t\", kind = TableKind.SORTED_LIST, capacity = 10)",
                "public record Bad(@ListKey long season,",
                "    @SortBy @MaxLength(8) byte[] blob) {}");
        expectError(ErrorCode.SORT_NOT_ORDERABLE, 5, "is nullable",
                "@Component(namespace = \"t\", kind = TableKind.SORTED_LIST, capacity = 10)",
                "public record Bad(@ListKey long season,",
                "    @SortBy Integer points) {}");
    }

    @Test
    void capacityOutOfBounds() {
        expectError(ErrorCode.BAD_CAPACITY, 3, "without a capacity",
                "@Component(namespace = \"t\", kind = TableKind.LIST)",
                "public record Bad(@ListKey long room) {}");
        expectError(ErrorCode.BAD_CAPACITY, 3, "with capacity 10001; set capacity = n with n from 1 to 10000",
                "@Component(namespace = \"t\", kind = TableKind.SORTED_LIST, capacity = 10001)",
                "public record Bad(@ListKey long season, @SortBy long points) {}");
        expectError(ErrorCode.BAD_CAPACITY, 3, "with capacity -1",
                "@Component(namespace = \"t\", kind = TableKind.LIST, capacity = -1)",
                "public record Bad(@ListKey long room) {}");
    }

    @Test
    void sortByTheListKey() {
        expectError(ErrorCode.SORT_BY_ON_LIST_KEY, 4, "sorting by it does nothing",
                "@Component(namespace = \"t\", kind = TableKind.SORTED_LIST, capacity = 10)",
                "public record Bad(@ListKey @SortBy long season, @SortBy long points) {}");
    }

    @Test
    void twoSortColumnsWithTheSameOrder() {
        expectError(ErrorCode.DUPLICATE_SORT_ORDER, 5, "give each sort column its own order",
                "@Component(namespace = \"t\", kind = TableKind.SORTED_LIST, capacity = 10)",
                "public record Bad(@ListKey long season, @SortBy(order = 1) long points,",
                "    @SortBy(order = 1) long time) {}");
    }

    @Test
    void seqIsReservedInALIst() {
        expectError(ErrorCode.RESERVED_NAME, 5, "every list row already has an engine-assigned seq",
                "@Component(namespace = \"t\", kind = TableKind.LIST, capacity = 10)",
                "public record Bad(@ListKey long room,",
                "    long seq) {}");
    }

    @Test
    void everyErrorIsReportedInOneCompilation() {
        Compilation compilation = compile(source(
                "@Component(namespace = \"bad name\", permission = Permission.OWNER)",
                "public record Bad(",
                "    long id,",
                "    String name,",
                "    Object thing,",
                "    @MaxLength(2) int x) {}"));
        List<String> codes = errorCodes(compilation);
        assertEquals(List.of("HETU-E110", "HETU-E108", "HETU-E105", "HETU-E104", "HETU-E107"), codes);
    }

    @Test
    void anyAnnotationNamedNullableMarksAColumnNullable() {
        JavaFileObject nullable = JavaFileObjects.forSourceLines("org.example.Nullable",
                "package org.example;",
                "@java.lang.annotation.Target(java.lang.annotation.ElementType.TYPE_USE)",
                "public @interface Nullable {}");
        JavaFileObject component = JavaFileObjects.forSourceLines("test.Profile",
                "package test;",
                "import io.hetu.annotations.*;",
                "@Component(namespace = \"t\")",
                "public record Profile(@org.example.Nullable @MaxLength(8) String motto) {}");
        Compilation compilation = compile(nullable, component);
        assertThat(compilation).succeededWithoutWarnings();
        assertThat(compilation).generatedFile(StandardLocation.CLASS_OUTPUT, "META-INF/hetu/schema.json")
                .contentsAsUtf8String().contains("\"nullBit\": 0");
    }

    private static void expectError(ErrorCode code, int line, String hint, String... body) {
        JavaFileObject source = source(body);
        assertError(compile(source), source, code, line, hint);
        TESTED.add(code);
    }

    private static JavaFileObject source(String... body) {
        return DiagnosticAssertions.source("Bad", List.of("package test;", "import io.hetu.annotations.*;"), body);
    }

    private static Compilation compile(JavaFileObject... sources) {
        return Compiler.javac().withProcessors(new HetuProcessor()).compile(sources);
    }
}
