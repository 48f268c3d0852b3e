package io.hetu.server.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hetu.server.system.fixtures.TallyTable;
import io.hetu.system.Hook;
import io.hetu.wire.WireFormatException;
import io.hetu.wire.WireWriter;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Arguments that do not decode are refused with a {@link WireFormatException} that names the
 * argument, before the system runs; nothing is committed.
 */
class DispatcherWireErrorsTest {

    private final DispatchHarness harness = new DispatchHarness();

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void truncatedArguments() {
        byte[] full = DispatchHarness.bytes(args -> args.writeI32(1).writeI64(2));
        expect("the message ends inside sum.b (needs 8 byte(s), 7 left)", "sum", Arrays.copyOf(full, full.length - 1));
        expect("the message ends inside sum.a (needs 4 byte(s), 3 left)", "sum", Arrays.copyOf(full, 3));
        expect("the message ends inside sum.a (needs 4 byte(s), 0 left)", "sum", new byte[0]);
    }

    @Test
    void truncatedInsideARecord() {
        byte[] full = DispatchHarness.bytes(args -> args.writeString("team").writeI64(1).writeString("lead"));
        expect("the message ends inside Member.mood (needs 1 byte(s), 0 left)", "promote", full);
    }

    @Test
    void trailingBytes() {
        expect("sum arguments has 1 unexpected trailing byte(s)", "sum", args -> args.writeI32(1).writeI64(2)
                .writeI8((byte) 0));
        expect("ping arguments has 4 unexpected trailing byte(s)", "ping", args -> args.writeI32(0));
    }

    @Test
    void trailingBytesForAHook() {
        WireFormatException e = assertThrows(WireFormatException.class,
                () -> harness.run(harness.index("greet", Hook.ON_CONNECT), new byte[] {1}));
        assertEquals("greet arguments has 1 unexpected trailing byte(s)", e.getMessage());
    }

    @Test
    void enumOrdinalsOutOfRange() {
        expect("enums.mood holds enum ordinal 3, but there are 3 constants", "enums",
                args -> args.writeOrdinal(false, 3).writePresent(false).writeOrdinal(true, 0));
        expect("enums.other holds enum ordinal 255, but there are 3 constants", "enums",
                args -> args.writeOrdinal(false, 0).writePresent(true).writeOrdinal(false, 255).writeOrdinal(true, 0));
        expect("enums.wide holds enum ordinal 300, but there are 300 constants", "enums",
                args -> args.writeOrdinal(false, 0).writePresent(false).writeOrdinal(true, 300));
        expect("Member.mood holds enum ordinal 7, but there are 3 constants", "promote",
                args -> args.writeString("team").writeI64(1).writeString("lead").writeOrdinal(false, 7));
    }

    @Test
    void boolsAndPresenceFlagsOtherThanZeroOrOne() {
        expect("primitives.flag must be a bool (0 or 1), was 2", "primitives", args -> args.writeI8((byte) 2)
                .writeI8((byte) 0).writeI16((short) 0).writeI32(0).writeI64(0).writeF32(0).writeF64(0).writeChar('a'));
        expect("greet.title (presence flag) must be a bool (0 or 1), was -1", "greet",
                args -> args.writeString("x").writeI8((byte) -1));
        expect("lengths.words (presence flag) must be a bool (0 or 1), was 9", "lengths",
                args -> args.writeCount(1).writeI8((byte) 9));
    }

    @Test
    void invalidUtf8() {
        expect("greet.name is not valid UTF-8", "greet", args -> args.writeI32(2).writeI8((byte) 0xc3)
                .writeI8((byte) 0x28).writePresent(false));
        expect("greet.name is not valid UTF-8", "greet", args -> args.writeI32(3).writeI8((byte) 0xed)
                .writeI8((byte) 0xa0).writeI8((byte) 0x80).writePresent(false));
    }

    @Test
    void countsAndLengthsBeyondTheMessage() {
        expect("squares.numbers claims 1000 elements but only 4 bytes follow", "squares",
                args -> args.writeCount(1000).writeI32(1));
        expect("squares.numbers claims 4294967295 elements but only 0 bytes follow", "squares",
                args -> args.writeCount(-1));
        expect("reverse.data claims 10 bytes but only 2 follow", "reverse",
                args -> args.writeI32(10).writeI8((byte) 1).writeI8((byte) 2));
        expect("the message ends inside squares.numbers (needs 4 byte(s), 3 left)", "squares",
                args -> args.writeCount(2).writeI32(1).writeI8((byte) 0).writeI8((byte) 0).writeI8((byte) 0));
    }

    @Test
    void aRefusedCallCommitsNothing() {
        expect("the message ends inside add.amount (needs 8 byte(s), 0 left)", "add", args -> args.writeI64(3));
        assertNull(harness.db.transact(0, tx -> tx.getBy(TallyTable.OWNER, 3L)), "the system never ran");
    }

    private void expect(String message, String system, Consumer<WireWriter> args) {
        expect(message, system, DispatchHarness.bytes(args));
    }

    private void expect(String message, String system, byte[] args) {
        WireFormatException e = assertThrows(WireFormatException.class, () -> harness.call(system, args));
        assertEquals(message, e.getMessage());
    }
}
