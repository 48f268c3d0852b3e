package io.hetu.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.wire.Codes;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link Codes} is the one list of the codes the server sends: the SDK runtimes' tables are
 * generated from it, docs/PROTOCOL.md documents exactly its codes, and the server's code names no
 * code but through it.
 */
class CodesTest {

    private static final Pattern LITERAL = Pattern.compile("\"([A-Z][A-Z_]+)\"");
    private static final Pattern DOCUMENTED = Pattern.compile("`([A-Z][A-Z_]+)`");

    @Test
    void everyCodeIsAPublicStringConstantHoldingItsName() throws IllegalAccessException {
        Set<String> codes = codes();
        assertTrue(codes.size() >= 25, "codes: " + codes);
        for (Field field : Codes.class.getDeclaredFields()) {
            int modifiers = field.getModifiers();
            assertTrue(Modifier.isPublic(modifiers) && Modifier.isStatic(modifiers) && Modifier.isFinal(modifiers)
                    && field.getType() == String.class, field.getName() + " is not a public static final String");
            assertEquals(field.getName(), field.get(null), field.getName());
        }
    }

    /** The first column of PROTOCOL.md's two code tables (calls' REJECTED codes, limits' ERROR codes). */
    @Test
    void theProtocolDocumentsExactlyTheseCodes() throws IOException {
        Path protocol = Path.of("../docs/PROTOCOL.md");
        Set<String> documented = new TreeSet<>();
        for (String line : Files.readAllLines(protocol)) {
            if (line.startsWith("| `")) {
                Matcher code = DOCUMENTED.matcher(line.substring(1, line.indexOf('|', 1)));
                while (code.find()) {
                    documented.add(code.group(1));
                }
            }
        }
        assertEquals(codes(), documented, "codes in " + protocol.toAbsolutePath().normalize());
    }

    @Test
    void theServerNamesEveryCodeThroughCodes() throws IOException {
        Set<String> codes = codes();
        List<String> literals = new ArrayList<>();
        Path sources = Path.of("src/main/java");
        assertTrue(Files.isDirectory(sources), sources.toAbsolutePath() + " is missing");
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    Matcher literal = LITERAL.matcher(lines.get(i));
                    while (literal.find()) {
                        if (codes.contains(literal.group(1))) {
                            literals.add(sources.relativize(file) + ":" + (i + 1) + " " + literal.group());
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), literals, "codes written as string literals instead of io.hetu.wire.Codes");
    }

    private static Set<String> codes() {
        Set<String> codes = new TreeSet<>();
        for (Field field : Codes.class.getDeclaredFields()) {
            codes.add(field.getName());
        }
        return codes;
    }
}
