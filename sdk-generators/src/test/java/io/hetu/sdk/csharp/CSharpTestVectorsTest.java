package io.hetu.sdk.csharp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hetu.wire.WireWriter;
import io.hetu.sdk.fixtures.GadgetRow;
import io.hetu.sdk.fixtures.Mood;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shared test vectors: Java writes rows with the server's own flyweight and values with its own
 * wire writer; the generated C# decoders must read them exactly, and the generated C# encoders
 * must write the same arguments byte for byte.
 */
class CSharpTestVectorsTest {

    private static final HexFormat HEX = HexFormat.of();

    @TempDir
    Path dir;

    private record Gadget(long owner, int level, String name, boolean flag, byte tiny, short small, float ratio,
            double precise, char letter, Mood mood, byte[] data, long at, long span, Integer maybe, String note) {}

    private static final List<Gadget> ROWS = List.of(
            new Gadget(Long.MIN_VALUE, Integer.MIN_VALUE, "abcdefghijklmnop", true, Byte.MIN_VALUE, Short.MIN_VALUE,
                    Float.MIN_VALUE, Double.MAX_VALUE, '\uffff', Mood.ANGRY, filled(8, (byte) 0xFF), Long.MIN_VALUE,
                    Long.MAX_VALUE, Integer.MAX_VALUE, "€€ab"),
            new Gadget(Long.MAX_VALUE, Integer.MAX_VALUE, "", false, Byte.MAX_VALUE, Short.MAX_VALUE, -0.0f,
                    Double.NaN, '\0', Mood.CALM, new byte[0], -1, Long.MIN_VALUE, null, null),
            new Gadget(0, -1, "你好世界🎲", true, (byte) -1, (short) 1, Float.NaN, -0.0, '你', Mood.HAPPY,
                    new byte[] {0, 1, 2}, 1_700_000_000_123_456_789L, -999, 0, "ø"));

    private static byte[] filled(int length, byte value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, value);
        return bytes;
    }

    private static byte[] rowBytes(Gadget g, int offset) {
        byte[] bytes = new byte[offset + GadgetRow.SIZE + 3];
        new GadgetRow().wrap(MemorySegment.ofArray(bytes), offset).owner(g.owner()).level(g.level()).name(g.name())
                .flag(g.flag()).tiny(g.tiny()).small(g.small()).ratio(g.ratio()).precise(g.precise())
                .letter(g.letter()).mood(g.mood()).data(g.data()).at(instant(g.at())).span(Duration.ofNanos(g.span()))
                .maybe(g.maybe()).note(g.note());
        return offset == 0 ? Arrays.copyOf(bytes, GadgetRow.SIZE) : bytes;
    }

    private static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    private static String canonical(Gadget g) {
        return "owner=" + g.owner() + " level=" + g.level() + " name=" + utf8(g.name()) + " flag=" + g.flag()
                + " tiny=" + g.tiny() + " small=" + g.small()
                + " ratio=" + String.format("%08x", Float.floatToRawIntBits(g.ratio()))
                + " precise=" + String.format("%016x", Double.doubleToRawLongBits(g.precise()))
                + " letter=" + (int) g.letter() + " mood=" + g.mood().ordinal() + " data=" + HEX.formatHex(g.data())
                + " at=" + g.at() + " span=" + g.span() + " maybe=" + g.maybe()
                + " note=" + (g.note() == null ? "null" : utf8(g.note()));
    }

    private static String utf8(String s) {
        return HEX.formatHex(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String bits(float f) {
        return String.format("%08x", Float.floatToRawIntBits(f));
    }

    private static String wire(Consumer<WireWriter> write) {
        WireWriter writer = new WireWriter();
        write.accept(writer);
        return HEX.formatHex(writer.array(), 0, writer.size());
    }

    @Test
    void csharpDecodesJavaBytesAndEncodesTheSameBytes() throws Exception {
        String mono = CSharpSdkFixture.tool("mono");
        List<String> input = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (Gadget g : ROWS) {
            input.add("row " + HEX.formatHex(rowBytes(g, 0)));
            expected.add("row " + canonical(g));
        }
        input.add("row-at-offset " + HEX.formatHex(rowBytes(ROWS.get(2), 5)));
        expected.add("row-at-offset " + canonical(ROWS.get(2)));

        input.add("result-add " + wire(w -> w.writeF32(-0.0f).writeF32(Float.MAX_VALUE)));
        expected.add("result-add " + bits(-0.0f) + "," + bits(Float.MAX_VALUE));
        input.add("result-split " + wire(w -> w.writeCount(3).writeString("").writeString("é").writeString("🎲 x")));
        expected.add("result-split ," + utf8("é") + "," + utf8("🎲 x"));
        input.add("result-half " + wire(w -> w.writePresent(false)));
        expected.add("result-half null");
        input.add("result-half " + wire(w -> w.writePresent(true).writeI64(Long.MIN_VALUE)));
        expected.add("result-half " + Long.MIN_VALUE);
        input.add("result-extremes " + wire(w -> w.writeCount(3).writeI64(Long.MIN_VALUE).writeI64(Long.MAX_VALUE)
                .writeI64(0)));
        expected.add("result-extremes " + Long.MIN_VALUE + "," + Long.MAX_VALUE + ",0");
        input.add("result-saveGadget " + wire(w -> w.writeI64(-42)));
        expected.add("result-saveGadget -42");
        input.add("result-removeGadget " + wire(w -> w.writeBool(true)));
        expected.add("result-removeGadget true");

        expected.add("args-saveGadget " + wire(w -> w.writeI64(-1).writeI32(7).writeString("Ünï✓你好")
                .writeOrdinal(false, Mood.ANGRY.ordinal()).writeBytes(new byte[] {1, 2, (byte) 255})
                .writeI64(Long.MIN_VALUE).writeI64(Long.MAX_VALUE).writePresent(false).writePresent(true)
                .writeString("ø€")));
        expected.add("args-saveGadget-present " + wire(w -> w.writeI64(Long.MAX_VALUE).writeI32(Integer.MIN_VALUE)
                .writeString("").writeOrdinal(false, Mood.CALM.ordinal()).writeBytes(new byte[0]).writeI64(-1)
                .writeI64(0).writePresent(true).writeI32(-7).writePresent(false)));
        expected.add("args-add " + wire(w -> w.writeF32(1.5f).writeF32(-0.0f).writeF32(Float.MAX_VALUE)
                .writeF32(Float.MIN_VALUE)));
        expected.add("args-half-null " + wire(w -> w.writePresent(false)));
        expected.add("args-half-min " + wire(w -> w.writePresent(true).writeI64(Long.MIN_VALUE)));
        expected.add("args-split " + wire(w -> w.writeString("a 🎲")));
        expected.add("args-extremes ");

        Path vectors = dir.resolve("vectors.txt");
        Files.write(vectors, input);
        List<Path> sources = new ArrayList<>(CSharpSdkFixture.writeSdk(dir.resolve("sdk")));
        sources.add(CSharpSdkFixture.program("VectorsProgram.cs"));
        Path exe = dir.resolve("vectors.exe");
        CSharpSdkFixture.compile(dir, List.of("-out:" + exe), sources);
        CSharpSdkFixture.Result result = CSharpSdkFixture.run(dir, List.of(mono, exe.toString(), vectors.toString()));
        assertEquals(0, result.exitCode(), result.output());
        List<String> actual = result.output().lines().toList();
        assertEquals(expected.size(), actual.size(), result.output());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), actual.get(i), "vector " + i);
        }
    }
}
