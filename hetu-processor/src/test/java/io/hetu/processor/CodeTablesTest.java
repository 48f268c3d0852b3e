package io.hetu.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The code tables of docs/COMPONENTS.md and docs/SYSTEMS.md list exactly the processor's codes. */
class CodeTablesTest {

    private static final Pattern ROW = Pattern.compile("(?m)^\\| `(HETU-[EW]\\d{3})` \\|");

    private static Set<String> documented(String doc) throws IOException {
        Set<String> codes = new TreeSet<>();
        Matcher row = ROW.matcher(Files.readString(Path.of("..", "docs", doc)));
        while (row.find()) {
            codes.add(row.group(1));
        }
        return codes;
    }

    @Test
    void everyCodeHasARowAndEveryRowACode() throws IOException {
        Set<String> codes = new TreeSet<>();
        Stream.of(ErrorCode.values()).map(ErrorCode::code).forEach(codes::add);
        Stream.of(WarningCode.values()).map(WarningCode::code).forEach(codes::add);
        Set<String> rows = new TreeSet<>(documented("COMPONENTS.md"));
        rows.addAll(documented("SYSTEMS.md"));
        assertEquals(codes, rows, "docs/COMPONENTS.md and docs/SYSTEMS.md list every code the processor reports");
    }
}
