package io.hetu.server.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.annotations.Permission;
import io.hetu.server.system.fixtures.Mood;
import io.hetu.server.system.fixtures.TallySystems;
import io.hetu.server.system.fixtures.TallyTable;
import io.hetu.server.system.fixtures.Wide;
import io.hetu.system.Hook;
import io.hetu.system.Rejection;
import io.hetu.system.SystemDef;
import io.hetu.wire.WireReader;
import io.hetu.wire.WireWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher the processor generated for {@code fixtures}: arguments encoded with
 * {@link WireWriter} are decoded into the systems' parameters, and the results come back in the
 * wire encoding of docs/PROTOCOL.md, checked value by value.
 */
class DispatcherTest {

    private final DispatchHarness harness = new DispatchHarness();

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void systemsAreListedInIndexOrderWithTheirDeclarations() {
        List<SystemDef> systems = harness.dispatcher.systems();
        assertEquals(List.of(
                new SystemDef("", "farewell", Permission.NONE, 0, Hook.ON_DISCONNECT),
                new SystemDef("", "greet", Permission.NONE, 10, Hook.ON_CONNECT),
                new SystemDef("", "openHouse", Permission.NONE, 3, Hook.ON_SERVER_START),
                new SystemDef("dispatch_test", "add", Permission.USER, 5, Hook.CALL)), systems.subList(0, 4));
        assertEquals(new SystemDef("dispatch_test", "ping", Permission.EVERYBODY, 0, Hook.CALL),
                systems.get(harness.index("ping", Hook.CALL)));
        List<String> callable = systems.stream().filter(s -> s.hook() == Hook.CALL).map(SystemDef::name).toList();
        assertEquals(callable.stream().sorted().toList(), callable, "systems are sorted by name within a namespace");
        assertEquals(23, systems.size());
    }

    @Test
    void primitivesAtTheirExtremes() {
        float nanWithPayload = Float.intBitsToFloat(0x7fc0_0123);
        WireReader result = harness.call("primitives", args -> args.writeBool(true).writeI8(Byte.MIN_VALUE)
                .writeI16(Short.MAX_VALUE).writeI32(Integer.MIN_VALUE).writeI64(Long.MAX_VALUE)
                .writeF32(nanWithPayload).writeF64(-0.0).writeChar('\uffff'));
        assertTrue(result.readBool("flag"));
        assertEquals(Byte.MIN_VALUE, result.readI8("tiny"));
        assertEquals(Short.MAX_VALUE, result.readI16("small"));
        assertEquals(Integer.MIN_VALUE, result.readI32("count"));
        assertEquals(Long.MAX_VALUE, result.readI64("big"));
        assertEquals(0x7fc0_0123, Float.floatToRawIntBits(result.readF32("ratio")));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(result.readF64("precise")));
        assertEquals('\uffff', result.readChar("letter"));
        result.expectEnd("result");

        result = harness.call("primitives", args -> args.writeBool(false).writeI8(Byte.MAX_VALUE)
                .writeI16(Short.MIN_VALUE).writeI32(Integer.MAX_VALUE).writeI64(Long.MIN_VALUE)
                .writeF32(Float.MIN_VALUE).writeF64(Double.NEGATIVE_INFINITY).writeChar('\0'));
        assertFalse(result.readBool("flag"));
        assertEquals(Byte.MAX_VALUE, result.readI8("tiny"));
        assertEquals(Short.MIN_VALUE, result.readI16("small"));
        assertEquals(Integer.MAX_VALUE, result.readI32("count"));
        assertEquals(Long.MIN_VALUE, result.readI64("big"));
        assertEquals(Float.MIN_VALUE, result.readF32("ratio"));
        assertEquals(Double.NEGATIVE_INFINITY, result.readF64("precise"));
        assertEquals('\0', result.readChar("letter"));
        result.expectEnd("result");
    }

    @Test
    void aPrimitiveResult() {
        WireReader result = harness.call("sum", args -> args.writeI32(Integer.MAX_VALUE).writeI64(1));
        assertEquals(Integer.MAX_VALUE + 1L, result.readI64("sum"));
        result.expectEnd("result");
    }

    @Test
    void boxedValuesPresentAndNull() {
        WireReader result = harness.call("boxed", args -> args.writePresent(true).writeBool(true)
                .writePresent(true).writeI8((byte) -1).writePresent(true).writeI16((short) -2)
                .writePresent(true).writeI32(-3).writePresent(true).writeI64(-4)
                .writePresent(true).writeF32(5.5f).writePresent(true).writeF64(6.25)
                .writePresent(true).writeChar('é'));
        assertTrue(result.readPresent("flag"));
        assertTrue(result.readBool("flag"));
        assertTrue(result.readPresent("tiny"));
        assertEquals(-1, result.readI8("tiny"));
        assertTrue(result.readPresent("small"));
        assertEquals(-2, result.readI16("small"));
        assertTrue(result.readPresent("count"));
        assertEquals(-3, result.readI32("count"));
        assertTrue(result.readPresent("big"));
        assertEquals(-4, result.readI64("big"));
        assertTrue(result.readPresent("ratio"));
        assertEquals(5.5f, result.readF32("ratio"));
        assertTrue(result.readPresent("precise"));
        assertEquals(6.25, result.readF64("precise"));
        assertTrue(result.readPresent("letter"));
        assertEquals('é', result.readChar("letter"));
        result.expectEnd("result");

        result = harness.call("boxed", args -> {
            for (int i = 0; i < 8; i++) {
                args.writePresent(false);
            }
        });
        for (int i = 0; i < 8; i++) {
            assertFalse(result.readPresent("component " + i));
        }
        result.expectEnd("result");
    }

    @Test
    void stringsIncludingMultiByteAndNull() {
        String name = "Zoë 日本 🎮";
        WireReader result = harness.call("greet", args -> args.writeString(name).writePresent(false));
        assertEquals("hello " + name, result.readString("greeting"));
        result.expectEnd("result");

        result = harness.call("greet", args -> args.writeString("").writePresent(true).writeString("Dr."));
        assertEquals("hello Dr. ", result.readString("greeting"));
        result.expectEnd("result");

        result = harness.call("maybe", args -> args.writePresent(false));
        assertFalse(result.readPresent("maybe"));
        result.expectEnd("result");
        result = harness.call("maybe", args -> args.writePresent(true).writeString("𝄞"));
        assertTrue(result.readPresent("maybe"));
        assertEquals("𝄞", result.readString("maybe"));
        result.expectEnd("result");
    }

    @Test
    void byteArrays() {
        WireReader result = harness.call("reverse", args -> args.writeBytes(new byte[] {1, 2, (byte) 0xff})
                .writePresent(false));
        assertArrayEquals(new byte[] {(byte) 0xff, 2, 1}, result.readBytes("reversed"));
        result.expectEnd("result");

        result = harness.call("reverse", args -> args.writeBytes(new byte[0]).writePresent(true)
                .writeBytes(new byte[] {9, 8}));
        assertArrayEquals(new byte[] {8, 9}, result.readBytes("reversed"));
        result.expectEnd("result");
    }

    @Test
    void narrowAndWideEnums() {
        WireReader result = harness.call("enums", args -> args.writeOrdinal(false, Mood.SLEEPY.ordinal())
                .writePresent(true).writeOrdinal(false, Mood.ANGRY.ordinal()).writeOrdinal(true, Wide.W250.ordinal()));
        assertEquals(Wide.W253.ordinal(), result.readOrdinal(true, Wide.values().length, "wide"));
        result.expectEnd("result");

        result = harness.call("enums", args -> args.writeOrdinal(false, Mood.CALM.ordinal()).writePresent(false)
                .writeOrdinal(true, Wide.W299.ordinal()));
        assertEquals(2, result.remaining(), "more than 256 constants travel in two bytes");
        assertEquals(Wide.W299.ordinal(), result.readOrdinal(true, Wide.values().length, "wide"));
    }

    @Test
    void instantsAndDurationsToTheNanosecond() {
        Instant at = Instant.parse("1969-07-20T20:17:40.123456789Z");
        Duration by = Duration.ofDays(20_000).plusNanos(1);
        WireReader result = harness.call("later", args -> args.writeInstant(at).writePresent(true).writeDuration(by));
        assertEquals(at.plus(by), result.readInstant("later"));
        result.expectEnd("result");

        result = harness.call("later", args -> args.writeInstant(at).writePresent(false));
        assertEquals(at, result.readInstant("later"));

        result = harness.call("between", args -> args.writePresent(true).writeInstant(at).writeInstant(at.plus(by)));
        assertTrue(result.readPresent("between"));
        assertEquals(by, result.readDuration("between"));
        result = harness.call("between", args -> args.writePresent(false).writeInstant(at));
        assertFalse(result.readPresent("between"));
        result.expectEnd("result");
    }

    @Test
    void recordsNestedInRecords() {
        WireReader result = harness.call("promote", args -> {
            args.writeString("red");
            member(args, 1, "lead", Mood.ANGRY, 9);
            args.writeCount(2);
            member(args, 2, "two", Mood.CALM, null);
            member(args, 3, "three", Mood.SLEEPY, 0);
            args.writePresent(true);
            member(args, 4, "res", Mood.CALM, 41);
        });
        assertEquals("RED", result.readString("Team.name"));
        expectMember(result, 1, "lead", Mood.ANGRY, 10);
        assertEquals(3, result.readCount("Team.members"));
        expectMember(result, 2, "two", Mood.CALM, null);
        expectMember(result, 3, "three", Mood.SLEEPY, 1);
        expectMember(result, 4, "res", Mood.CALM, 42);
        assertFalse(result.readPresent("Team.reserve"));
        result.expectEnd("result");
    }

    @Test
    void listsAndArraysOfEveryShape() {
        byte[] bundle = DispatchHarness.bytes(args -> {
            args.writeCount(1);
            member(args, 5, "listed", Mood.CALM, 1);
            args.writeCount(2);
            member(args, 6, "arrayed", Mood.ANGRY, null);
            member(args, 7, "also", Mood.SLEEPY, 2);
            args.writeCount(3).writeI32(-1).writeI32(0).writeI32(Integer.MAX_VALUE);
            args.writeCount(2).writePresent(true).writeI32(42).writePresent(false);
            args.writeCount(2).writePresent(false).writePresent(true).writeString("ß");
            args.writeCount(2).writeCount(2).writeString("a").writeString("b").writeCount(0);
            args.writeCount(2).writeCount(1).writeOrdinal(false, 2).writeCount(2).writeOrdinal(false, 0)
                    .writeOrdinal(false, 1);
            args.writePresent(true).writeCount(1).writeI64(Long.MIN_VALUE);
        });
        WireReader description = harness.call("describe", bundle);
        assertEquals("members=[5:listed] array=[6:null, 7:2] numbers=[-1, 0, 2147483647] maybeNumbers=[42, null] "
                + "names=[null, ß] grid=[[a, b], []] nested=[[SLEEPY], [CALM, ANGRY]] "
                + "maybeLongs=[-9223372036854775808]", description.readString("description"));

        WireReader result = harness.call("bundle", bundle);
        assertEquals(bundle.length, result.remaining());
        byte[] echoed = new byte[bundle.length];
        for (int i = 0; i < echoed.length; i++) {
            echoed[i] = result.readI8("byte " + i);
        }
        assertArrayEquals(bundle, echoed, "every list and array comes back byte for byte");

        byte[] empty = DispatchHarness.bytes(args -> {
            for (int i = 0; i < 7; i++) {
                args.writeCount(0);
            }
            args.writePresent(false);
        });
        assertEquals("members=[] array=[] numbers=[] maybeNumbers=[] names=[] grid=[] nested=[] maybeLongs=null",
                harness.call("describe", empty).readString("description"));
        result = harness.call("bundle", empty);
        assertEquals(empty.length, result.remaining());
    }

    @Test
    void listResultsWithNullElementsAndPrimitiveArrays() {
        WireReader result = harness.call("lengths", args -> args.writeCount(3).writePresent(true).writeString("three")
                .writePresent(false).writePresent(true).writeString("ü"));
        assertEquals(3, result.readCount("lengths"));
        assertTrue(result.readPresent("0"));
        assertEquals(5, result.readI32("0"));
        assertFalse(result.readPresent("1"));
        assertTrue(result.readPresent("2"));
        assertEquals(1, result.readI32("2"));
        result.expectEnd("result");

        result = harness.call("squares", args -> args.writeCount(2).writeI32(Integer.MIN_VALUE).writeI32(3));
        assertEquals(2, result.readCount("squares"));
        assertEquals((long) Integer.MIN_VALUE * Integer.MIN_VALUE, result.readI64("0"));
        assertEquals(9, result.readI64("1"));
        result.expectEnd("result");
    }

    @Test
    void aVoidSystemWritesNothing() {
        assertEquals(0, harness.call("ping", args -> { }).remaining());
    }

    @Test
    void aSystemCallsAnotherInTheSameTransaction() {
        WireReader result = harness.call("addTwice", args -> args.writeI64(77).writeI64(20));
        assertEquals(40, result.readI64("total"));
        assertEquals(40, total(77L));
    }

    @Test
    void aRejectionRollsTheCallBack() {
        harness.call("add", args -> args.writeI64(5).writeI64(30));
        Rejection rejection = assertThrows(Rejection.class,
                () -> harness.call("spend", args -> args.writeI64(5).writeI64(31)));
        assertEquals("NOT_ENOUGH", rejection.code());
        assertEquals("owner 5 has 30, needs 31", rejection.getMessage());
        assertEquals(30, total(5L));
        assertEquals(0, harness.call("spend", args -> args.writeI64(5).writeI64(30)).readI64("left"));
    }

    @Test
    void lifecycleHooksRunWithoutArguments() {
        harness.hook("openHouse", Hook.ON_SERVER_START);
        assertEquals(1000, total(TallySystems.HOUSE));
        harness.hook("greet", Hook.ON_CONNECT);
        assertEquals(7L, harness.session.value("greeted"));
        assertEquals(1, harness.registry.changes);
        harness.hook("farewell", Hook.ON_DISCONNECT);
        assertEquals(999, total(TallySystems.HOUSE));
    }

    @Test
    void aNullResultWhereTheTypeIsNotNullableFails() {
        IllegalStateException top = assertThrows(IllegalStateException.class,
                () -> harness.call("brokenName", args -> { }));
        assertTrue(top.getMessage().startsWith("system brokenName returned null for a non-nullable result"),
                top.getMessage());
        IllegalStateException deep = assertThrows(IllegalStateException.class,
                () -> harness.call("brokenMembers", args -> { }));
        assertTrue(deep.getMessage().startsWith("system brokenMembers returned null for a non-nullable Member.nick"),
                deep.getMessage());
    }

    @Test
    void anUnknownIndexIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> harness.run(harness.dispatcher.systems().size(), new byte[0]));
        assertEquals("io.hetu.server.system.fixtures.HetuSystems has no system 23 (it has 23)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> harness.run(-1, new byte[0]));
    }

    private long total(long owner) {
        return harness.db.transact(0, tx -> tx.getBy(TallyTable.OWNER, owner).total());
    }

    private static void member(WireWriter args, long id, String nick, Mood mood, Integer level) {
        args.writeI64(id).writeString(nick).writeOrdinal(false, mood.ordinal()).writePresent(level != null);
        if (level != null) {
            args.writeI32(level);
        }
    }

    private static void expectMember(WireReader result, long id, String nick, Mood mood, Integer level) {
        assertEquals(id, result.readI64("Member.id"));
        assertEquals(nick, result.readString("Member.nick"));
        assertEquals(mood.ordinal(), result.readOrdinal(false, Mood.values().length, "Member.mood"));
        if (level == null) {
            assertFalse(result.readPresent("Member.level"));
        } else {
            assertTrue(result.readPresent("Member.level"));
            assertEquals(level, result.readI32("Member.level"));
        }
    }
}
