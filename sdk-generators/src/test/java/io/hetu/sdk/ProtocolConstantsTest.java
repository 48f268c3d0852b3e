package io.hetu.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.sdk.ProtocolConstants.ErrorCode;
import io.hetu.sdk.ProtocolConstants.Number;
import io.hetu.sdk.ProtocolConstants.RejectionCode;
import io.hetu.server.subscription.LimitExceededException;
import io.hetu.wire.Protocol;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The constants both SDK runtimes are generated with agree with the server that speaks the protocol and with the
 * documents that specify it, so that neither can drift from the other.
 */
class ProtocolConstantsTest {

    private static final Path DOCS = Path.of("..", "docs");
    private static final Pattern CODE = Pattern.compile("`([A-Z][A-Z_]+)`");

    /** Numbers the server keeps elsewhere than in its Protocol class. */
    private static final Set<Number> NOT_IN_PROTOCOL = Set.of(Number.MAX_CHANGES, Number.QUERY_NO_LIMIT);

    @Test
    void everyNumberIsTheServersConstantOfTheSameName() throws IllegalAccessException {
        Map<String, Long> server = new TreeMap<>();
        for (Field field : Protocol.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && Modifier.isPublic(field.getModifiers())) {
                server.put(field.getName(), unsigned(field.get(null)));
            }
        }
        Map<String, Long> sdk = new TreeMap<>();
        for (Number number : Number.values()) {
            if (!NOT_IN_PROTOCOL.contains(number)) {
                sdk.put(number.name(), number.value());
            }
        }
        assertEquals(server, sdk, "io.hetu.sdk.ProtocolConstants.Number and the server's Protocol differ; a "
                + "constant the server adds belongs in both SDK runtimes");
    }

    @Test
    void theUpdateBatchIsTheServersFrameLimit() throws ReflectiveOperationException {
        // The server's subscription engine writes the UPDATE frames; the class is package-private.
        Class<?> frames = Class.forName(LimitExceededException.class.getPackageName() + ".Frames");
        Field maxChanges = frames.getDeclaredField("MAX_CHANGES");
        maxChanges.setAccessible(true);
        assertEquals(unsigned(maxChanges.get(null)), Number.MAX_CHANGES.value());
    }

    @Test
    void theQueryWithoutALimitIsTheDocumentedOne() throws IOException {
        assertTrue(Files.readString(DOCS.resolve("PROTOCOL.md")).contains(
                String.format("`0x%X` means no limit", Number.QUERY_NO_LIMIT.value())),
                "PROTOCOL.md names " + Number.QUERY_NO_LIMIT + " as the QUERY limit that means none");
    }

    @Test
    void theErrorCodesAndTheirCloseCodesAreThoseOfTheProtocol() throws IOException {
        Map<String, Long> documented = new TreeMap<>();
        for (List<String> row : table(section("PROTOCOL.md", "## Limits and closing", null), "| code | close |")) {
            for (String code : codes(row.get(0))) {
                documented.put(code, Long.parseLong(row.get(1)));
            }
        }
        Map<String, Long> sdk = new TreeMap<>();
        for (ErrorCode code : ErrorCode.values()) {
            sdk.put(code.code(), code.close().value());
        }
        assertEquals(documented, sdk, "the ERROR codes of docs/PROTOCOL.md and of ProtocolConstants.ErrorCode");
    }

    @Test
    void theServersLimitCodesAreErrorCodes() throws IllegalAccessException {
        Set<String> sdk = new TreeSet<>();
        Arrays.stream(ErrorCode.values()).forEach(code -> sdk.add(code.code()));
        for (Field field : LimitExceededException.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                assertTrue(sdk.contains((String) field.get(null)), field.getName() + " is no ErrorCode");
            }
        }
    }

    @Test
    void theRejectionCodesAreThoseOfTheProtocol() throws IOException {
        Set<String> documented = new TreeSet<>();
        for (List<String> row : table(section("PROTOCOL.md", "## Calls", "## Subscriptions"), "| code | meaning |")) {
            documented.addAll(codes(row.get(0)));
        }
        String subscriptions = section("PROTOCOL.md", "## Subscriptions", "## Limits and closing");
        int refusals = subscriptions.indexOf("A SELECT, QUERY or UNSUBSCRIBE the server cannot serve");
        assertTrue(refusals > 0, "PROTOCOL.md says how subscriptions are refused");
        for (List<String> row : table(subscriptions.substring(refusals), "| code | meaning |")) {
            documented.addAll(codes(row.get(0)));
        }
        Set<String> sdk = new TreeSet<>();
        Arrays.stream(RejectionCode.values()).forEach(code -> sdk.add(code.code()));
        assertEquals(documented, sdk, "the REJECTED codes of docs/PROTOCOL.md and of ProtocolConstants.RejectionCode");
    }

    @Test
    void theReconnectRuleIsTheOneTheSdkGuideDocuments() throws IOException {
        Map<String, String> documented = new LinkedHashMap<>();
        String other = null;
        for (List<String> row : table(section("SDKS.md", "## Reconnecting", "## How they are tested"),
                "| code | after it |")) {
            String rule = row.get(1).split("[: ]", 2)[0];
            if (row.get(0).equals("any other code")) {
                other = rule;
            }
            codes(row.get(0)).forEach(code -> documented.put(code, rule));
        }
        Map<String, String> sdk = new LinkedHashMap<>();
        for (ErrorCode code : ErrorCode.values()) {
            sdk.put(code.code(), code.after().name().toLowerCase(Locale.ROOT));
        }
        assertEquals(sdk, documented, "the table of docs/SDKS.md, \"Reconnecting\", in the order of ErrorCode");
        assertEquals("close", other, "a code the SDK does not know closes");
    }

    private static long unsigned(Object value) {
        return switch (value) {
            case Byte b -> Byte.toUnsignedLong(b);
            case Short s -> Short.toUnsignedLong(s);
            case Integer i -> Integer.toUnsignedLong(i);
            case Long l -> l;
            default -> throw new AssertionError("not a number: " + value);
        };
    }

    /** The text of a document from the heading {@code from} to {@code to} (or the end). */
    private static String section(String document, String from, String to) throws IOException {
        String text = Files.readString(DOCS.resolve(document));
        int start = text.indexOf(from + "\n");
        assertTrue(start >= 0, document + " has no section " + from);
        int end = to == null ? text.length() : text.indexOf(to + "\n", start);
        assertTrue(end > start, document + " has no section " + to + " after " + from);
        return text.substring(start, end);
    }

    /** The cells of the rows of the Markdown table whose header row starts with {@code header}. */
    private static List<List<String>> table(String text, String header) {
        int start = text.indexOf(header);
        assertTrue(start >= 0, "no table " + header);
        return text.substring(start).lines().skip(2).takeWhile(line -> line.startsWith("|"))
                .map(line -> Arrays.stream(line.substring(1, line.length() - 1).split("\\|")).map(String::strip)
                        .toList())
                .toList();
    }

    private static List<String> codes(String text) {
        Matcher matcher = CODE.matcher(text);
        List<String> codes = new java.util.ArrayList<>();
        while (matcher.find()) {
            codes.add(matcher.group(1));
        }
        return codes;
    }
}
