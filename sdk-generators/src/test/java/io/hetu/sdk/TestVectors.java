package io.hetu.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hetu.sdk.fixtures.GadgetRow;
import io.hetu.sdk.fixtures.Mood;
import io.hetu.wire.WireWriter;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

/**
 * The shared test vectors every SDK must reproduce: rows written by the server's own flyweight, arguments and
 * results written by its own wire writer, each with the values they hold in canonical JSON ({@code {"$bigint": "-1"}}
 * for 64-bit integers and nanoseconds, {@code {"$bytes": hex}}, {@code {"$number": "NaN"}} for NaN, the
 * infinities and -0; see common.mjs {@code canon}).
 */
public final class TestVectors {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final HexFormat HEX = HexFormat.of();

    private final ArrayNode rows = NODES.arrayNode();
    private final ArrayNode arguments = NODES.arrayNode();
    private final ArrayNode results = NODES.arrayNode();

    private TestVectors() {}

    /** {@code {"rows": [{label, hex, expected}], "arguments": [{system, label, hex, values}], "results": [{system, label, hex, expected}]}}. */
    public static ObjectNode all() {
        TestVectors vectors = new TestVectors();
        vectors.write();
        ObjectNode all = NODES.objectNode();
        all.set("rows", vectors.rows);
        all.set("arguments", vectors.arguments);
        all.set("results", vectors.results);
        return all;
    }

    private static JsonNode bigint(long value) {
        return NODES.objectNode().put("$bigint", Long.toString(value));
    }

    private static JsonNode bytes(byte[] value) {
        return NODES.objectNode().put("$bytes", HEX.formatHex(value));
    }

    private static JsonNode number(double value) {
        if (Double.isNaN(value)) {
            return NODES.objectNode().put("$number", "NaN");
        }
        if (Double.isInfinite(value)) {
            return NODES.objectNode().put("$number", value > 0 ? "Infinity" : "-Infinity");
        }
        if (Double.doubleToRawLongBits(value) == Double.doubleToRawLongBits(-0.0)) {
            return NODES.objectNode().put("$number", "-0");
        }
        return NODES.numberNode(value);
    }

    private static JsonNode vec(float x, float y) {
        ObjectNode vec = NODES.objectNode();
        vec.set("x", number(x));
        vec.set("y", number(y));
        return vec;
    }

    private static void put(ObjectNode object, String name, JsonNode value) {
        object.set(name, value);
    }

    private void row(String label, Consumer<GadgetRow> fill) {
        byte[] bytes = new byte[GadgetRow.SIZE];
        GadgetRow row = new GadgetRow().wrap(MemorySegment.ofArray(bytes), 0);
        fill.accept(row);
        ObjectNode expected = NODES.objectNode();
        put(expected, "owner", bigint(row.owner()));
        expected.put("level", row.level());
        expected.put("name", row.name());
        expected.put("flag", row.flag());
        expected.put("tiny", row.tiny());
        expected.put("small", row.small());
        put(expected, "ratio", number(row.ratio()));
        put(expected, "precise", number(row.precise()));
        expected.put("letter", String.valueOf(row.letter()));
        expected.put("mood", row.mood().name());
        put(expected, "data", bytes(row.data()));
        put(expected, "at", bigint(row.atNanos()));
        put(expected, "span", bigint(row.spanNanos()));
        put(expected, "maybe", row.maybe() == null ? NODES.nullNode() : NODES.numberNode(row.maybe()));
        put(expected, "note", row.note() == null ? NODES.nullNode() : NODES.textNode(row.note()));
        rows.add(NODES.objectNode().put("label", label).put("hex", HEX.formatHex(bytes)).set("expected", expected));
    }

    private void arguments(String system, String label, List<JsonNode> values, Consumer<WireWriter> write) {
        WireWriter writer = new WireWriter();
        write.accept(writer);
        ArrayNode array = NODES.arrayNode();
        values.forEach(array::add);
        arguments.add(NODES.objectNode().put("system", system).put("label", label)
                .put("hex", HEX.formatHex(Arrays.copyOf(writer.array(), writer.size()))).set("values", array));
    }

    private void result(String system, String label, JsonNode expected, Consumer<WireWriter> write) {
        WireWriter writer = new WireWriter();
        write.accept(writer);
        results.add(NODES.objectNode().put("system", system).put("label", label)
                .put("hex", HEX.formatHex(Arrays.copyOf(writer.array(), writer.size()))).set("expected", expected));
    }

    private void write() {
        row("lowest", r -> r.owner(Long.MIN_VALUE).level(Integer.MIN_VALUE).name("ü🎮abcdefghij").flag(true)
                .tiny(Byte.MIN_VALUE).small(Short.MIN_VALUE).ratio(Float.MIN_VALUE).precise(-0.0).letter('\uffff')
                .mood(Mood.ANGRY).data(new byte[] {0, (byte) 0xff, 1, (byte) 0x80, 2, 3, 4, 5})
                .at(Instant.parse("1900-01-01T00:00:00.000000001Z")).span(Duration.ofNanos(Long.MIN_VALUE))
                .maybe(Integer.MAX_VALUE).note("€€"));
        row("highest", r -> r.owner(Long.MAX_VALUE).level(Integer.MAX_VALUE).name("").flag(false)
                .tiny(Byte.MAX_VALUE).small(Short.MAX_VALUE).ratio(Float.POSITIVE_INFINITY).precise(Double.NaN)
                .letter('\u0000').mood(Mood.CALM).data(new byte[0]).at(Instant.EPOCH).span(Duration.ofNanos(-1))
                .maybe((Integer) null).note(null));
        row("ordinary", r -> r.owner(42).level(7).name("plain").ratio(-1.5f).precise(Double.MIN_VALUE)
                .letter('Z').mood(Mood.HAPPY).data(new byte[] {1, 2, 3})
                .at(Instant.ofEpochSecond(1_700_000_000, 123_456_789)).span(Duration.ofSeconds(-3, 5)).maybe(0)
                .note(""));
        row("a BOM and a lone null", r -> r.name("\ufeffbom").ratio(Float.NEGATIVE_INFINITY)
                .precise(Double.MAX_VALUE).letter('é').mood(Mood.CALM).data(new byte[0]).at(Instant.EPOCH)
                .span(Duration.ZERO).maybe(-1).note(null));

        arguments("add", "floats", List.of(vec(1.5f, -2.25f), vec(Float.MAX_VALUE, -0f)),
                w -> w.writeF32(1.5f).writeF32(-2.25f).writeF32(Float.MAX_VALUE).writeF32(-0f));
        arguments("extremes", "none", List.of(), w -> {});
        arguments("half", "null", List.of(NODES.nullNode()), w -> w.writePresent(false));
        arguments("half", "min", List.of(bigint(Long.MIN_VALUE)),
                w -> w.writePresent(true).writeI64(Long.MIN_VALUE));
        arguments("login", "id", List.of(bigint(7)), w -> w.writeI64(7));
        arguments("moveTo", "tenth", List.of(number(0.1f), number(-0.0f)), w -> w.writeF32(0.1f).writeF32(-0.0f));
        arguments("refuse", "code", List.of(NODES.textNode("NOT_ENOUGH_GOLD")), w -> w.writeString("NOT_ENOUGH_GOLD"));
        // Longer than a writer's first buffer (a login token is): the writer grows while it writes the string.
        String token = "eyJhbGciOiJIUzI1NiJ9." + "x".repeat(150) + ".signature";
        arguments("refuse", "longer than a first buffer", List.of(NODES.textNode(token)), w -> w.writeString(token));
        arguments("removeGadget", "negative", List.of(bigint(-1)), w -> w.writeI64(-1));
        arguments("split", "multi-byte", List.of(NODES.textNode("a b ç🎮")), w -> w.writeString("a b ç🎮"));
        byte[] data = {9, 8, (byte) 0xfe};
        Instant at = Instant.parse("1969-12-31T23:59:59.999999999Z");
        arguments("saveGadget", "nulls", List.of(bigint(5), NODES.numberNode(-12), NODES.textNode("héllo✓🎮"),
                        NODES.textNode("ANGRY"), bytes(data), bigint(-1), bigint(Long.MAX_VALUE), NODES.nullNode(),
                        NODES.nullNode()),
                w -> w.writeI64(5).writeI32(-12).writeString("héllo✓🎮").writeOrdinal(false, Mood.ANGRY.ordinal())
                        .writeBytes(data).writeInstant(at).writeDuration(Duration.ofNanos(Long.MAX_VALUE))
                        .writePresent(false).writePresent(false));
        arguments("saveGadget", "values", List.of(bigint(Long.MIN_VALUE), NODES.numberNode(Integer.MAX_VALUE),
                        NODES.textNode(""), NODES.textNode("CALM"), bytes(new byte[0]), bigint(0), bigint(-5),
                        NODES.numberNode(Integer.MIN_VALUE), NODES.textNode("✓")),
                w -> w.writeI64(Long.MIN_VALUE).writeI32(Integer.MAX_VALUE).writeString("")
                        .writeOrdinal(false, Mood.CALM.ordinal()).writeBytes(new byte[0]).writeInstant(Instant.EPOCH)
                        .writeDuration(Duration.ofNanos(-5)).writePresent(true).writeI32(Integer.MIN_VALUE)
                        .writePresent(true).writeString("✓"));

        result("add", "vec", vec(-1.5f, Float.MIN_VALUE), w -> w.writeF32(-1.5f).writeF32(Float.MIN_VALUE));
        result("extremes", "bounds", NODES.arrayNode().add(bigint(Long.MIN_VALUE)).add(bigint(Long.MAX_VALUE))
                .add(bigint(0)), w -> w.writeCount(3).writeI64(Long.MIN_VALUE).writeI64(Long.MAX_VALUE).writeI64(0));
        result("half", "null", NODES.nullNode(), w -> w.writePresent(false));
        result("half", "value", bigint(21), w -> w.writePresent(true).writeI64(21));
        result("split", "with an empty part", NODES.arrayNode().add("a").add("").add("ü🎮"),
                w -> w.writeCount(3).writeString("a").writeString("").writeString("ü🎮"));
        result("split", "empty list", NODES.arrayNode(), w -> w.writeCount(0));
        result("removeGadget", "true", NODES.booleanNode(true), w -> w.writeBool(true));
        result("saveGadget", "id", bigint(123_456_789_012_345L), w -> w.writeI64(123_456_789_012_345L));
        result("login", "void", NODES.nullNode(), w -> {});

    }
}
