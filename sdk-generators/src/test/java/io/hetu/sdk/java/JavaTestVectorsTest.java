package io.hetu.sdk.java;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hetu.sdk.TestVectors;
import io.hetu.schema.RowCodec;
import io.hetu.wire.WireReader;
import io.hetu.wire.WireWriter;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared test vectors ({@link TestVectors}, which the TypeScript SDK passes too) through the generated Java
 * SDK: its row decoder reads the server's flyweight bytes, its result decoders the server's wire writer's bytes,
 * and its argument encoders write the same bytes as the server's writer, value for value.
 */
class JavaTestVectorsTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final String PACKAGE = JavaSdkFixture.OPTIONS.packageName() + ".";

    @TempDir
    static Path work;
    private static URLClassLoader sdk;

    @BeforeAll
    static void compileTheSdk() throws Exception {
        JavaSdkFixture.compile(JavaSdkFixture.write(JavaSdkFixture.generate(), work.resolve("src")),
                work.resolve("classes"));
        sdk = JavaSdkFixture.load(work.resolve("classes"));
    }

    @AfterAll
    static void unload() throws Exception {
        sdk.close();
    }

    @Test
    void theGeneratedDecodersAndEncodersReproduceTheServersBytes() throws Exception {
        ObjectNode vectors = TestVectors.all();
        Class<?> systems = sdk.loadClass(PACKAGE + "Systems");
        Method decodeRow = sdk.loadClass(PACKAGE + "GadgetRow").getMethod("decode", MemorySegment.class, long.class);

        int rows = 0;
        for (JsonNode vector : vectors.get("rows")) {
            byte[] bytes = HEX.parseHex(vector.get("hex").asText());
            // Decoded at an offset inside a larger buffer, as rows arrive inside frames.
            byte[] frame = new byte[bytes.length + 7];
            System.arraycopy(bytes, 0, frame, 7, bytes.length);
            Object row = decodeRow.invoke(null, MemorySegment.ofArray(frame), 7L);
            assertEquals(plain(vector.get("expected")), plain(canon(row)), "row " + vector.get("label"));
            rows++;
        }

        int arguments = 0;
        for (JsonNode vector : vectors.get("arguments")) {
            Method write = method(systems, "write" + pascal(vector.get("system").asText()) + "Arguments");
            Type[] types = write.getGenericParameterTypes();
            List<Object> values = new ArrayList<>(List.of(new WireWriter()));
            for (int i = 1; i < types.length; i++) {
                values.add(uncanon(vector.get("values").get(i - 1), types[i]));
            }
            write.invoke(null, values.toArray());
            WireWriter writer = (WireWriter) values.getFirst();
            assertEquals(vector.get("hex").asText(), HEX.formatHex(Arrays.copyOf(writer.array(), writer.size())),
                    "arguments of " + vector.get("system") + " " + vector.get("label"));
            arguments++;
        }

        int results = 0;
        for (JsonNode vector : vectors.get("results")) {
            Method read = method(systems, "read" + pascal(vector.get("system").asText()) + "Result");
            byte[] bytes = HEX.parseHex(vector.get("hex").asText());
            WireReader reader = new WireReader().reset(MemorySegment.ofArray(bytes), 0, bytes.length);
            Object value = read.invoke(null, reader);
            reader.expectEnd("the result of " + vector.get("system"));
            assertEquals(plain(vector.get("expected")), plain(canon(value)),
                    "result of " + vector.get("system") + " " + vector.get("label"));
            results++;
        }
        assertEquals(List.of(4, 12, 9), List.of(rows, arguments, results), "every vector was checked");
    }

    private static String pascal(String name) {
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    private static Method method(Class<?> type, String name) {
        return Arrays.stream(type.getMethods()).filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(type.getName() + " has no method " + name));
    }

    // ---------------------------------------------------------------- canonical JSON, as common.mjs canon()

    /** A Java value of the SDK as canonical JSON (TestVectors): what common.mjs canon does for TypeScript. */
    private static Object canon(Object value) throws ReflectiveOperationException {
        return switch (value) {
            case null -> null;
            case Long l -> Map.of("$bigint", l.toString());
            case Float f -> number(f);
            case Double d -> number(d);
            case Number n -> n.doubleValue();
            case Character c -> String.valueOf(c);
            case byte[] bytes -> Map.of("$bytes", HEX.formatHex(bytes));
            case Instant instant -> Map.of("$bigint", Long.toString(RowCodec.instantToNanos(instant, "test")));
            case Duration duration -> Map.of("$bigint", Long.toString(duration.toNanos()));
            case Enum<?> constant -> constant.name();
            case List<?> list -> {
                List<Object> out = new ArrayList<>();
                for (Object element : list) {
                    out.add(canon(element));
                }
                yield out;
            }
            case Record record -> {
                Map<String, Object> out = new TreeMap<>();
                for (RecordComponent component : record.getClass().getRecordComponents()) {
                    out.put(component.getName(), canon(component.getAccessor().invoke(record)));
                }
                yield out;
            }
            default -> value;
        };
    }

    private static Object number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return Map.of("$number", Double.toString(value));
        }
        return Double.doubleToRawLongBits(value) == Double.doubleToRawLongBits(-0.0) ? Map.of("$number", "-0")
                : value;
    }

    /** JSON as plain Java, numbers as doubles, so that it compares with {@link #canon} by value. */
    private static Object plain(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isArray()) {
            List<Object> out = new ArrayList<>();
            node.forEach(element -> out.add(plain(element)));
            return out;
        }
        if (node.isObject()) {
            Map<String, Object> out = new TreeMap<>();
            node.properties().forEach(e -> out.put(e.getKey(), plain(e.getValue())));
            return out;
        }
        return node.isBoolean() ? (Object) node.booleanValue() : node.asText();
    }

    private static Object plain(Object canon) {
        if (canon instanceof Map<?, ?> map) {
            return new TreeMap<>(map);
        }
        return canon;
    }

    /** The inverse of canon, to the SDK's parameter type {@code type}. */
    private static Object uncanon(JsonNode node, Type type) throws ReflectiveOperationException {
        if (node.isNull()) {
            return null;
        }
        if (type instanceof ParameterizedType list) {
            Type element = list.getActualTypeArguments()[0];
            List<Object> out = new ArrayList<>();
            for (JsonNode e : node) {
                out.add(uncanon(e, element));
            }
            return out;
        }
        Class<?> c = (Class<?>) type;
        if (c == long.class || c == Long.class) {
            return Long.parseLong(node.get("$bigint").asText());
        }
        if (c == Instant.class) {
            return RowCodec.nanosToInstant(Long.parseLong(node.get("$bigint").asText()));
        }
        if (c == Duration.class) {
            return Duration.ofNanos(Long.parseLong(node.get("$bigint").asText()));
        }
        if (c == byte[].class) {
            return HEX.parseHex(node.get("$bytes").asText());
        }
        if (c == float.class || c == Float.class) {
            return node.has("$number") ? Float.parseFloat(node.get("$number").asText()) : node.floatValue();
        }
        if (c == double.class || c == Double.class) {
            return node.has("$number") ? Double.parseDouble(node.get("$number").asText()) : node.doubleValue();
        }
        if (c == int.class || c == Integer.class) {
            return node.intValue();
        }
        if (c == String.class) {
            return node.asText();
        }
        if (c.isEnum()) {
            return Arrays.stream(c.getEnumConstants()).filter(k -> ((Enum<?>) k).name().equals(node.asText()))
                    .findFirst().orElseThrow();
        }
        if (c.isRecord()) {
            RecordComponent[] components = c.getRecordComponents();
            Object[] values = new Object[components.length];
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                values[i] = uncanon(node.get(components[i].getName()), components[i].getGenericType());
                types[i] = components[i].getType();
            }
            return c.getDeclaredConstructor(types).newInstance(values);
        }
        throw new AssertionError("no test conversion to " + type + " for " + node);
    }
}
