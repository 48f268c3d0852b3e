package io.hetu.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.processor.fixtures.Board;
import io.hetu.processor.fixtures.Board_CellRow;
import io.hetu.processor.fixtures.Color;
import io.hetu.processor.fixtures.Everything;
import io.hetu.processor.fixtures.EverythingRow;
import io.hetu.processor.fixtures.Species;
import io.hetu.schema.FieldValueException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Writes and reads every column type through a generated flyweight over real off-heap memory. */
class FlyweightTest {

    private Arena arena;
    private MemorySegment rows;
    private EverythingRow row;

    @BeforeEach
    void allocate() {
        arena = Arena.ofConfined();
        rows = arena.allocate(EverythingRow.SIZE * 4L, 8);
        row = new EverythingRow().wrap(rows, EverythingRow.SIZE);
    }

    @AfterEach
    void free() {
        arena.close();
    }

    @Test
    void zeroedRowReadsAsDefaultsAndNulls() {
        assertFalse(row.flag());
        assertEquals(0, row.count());
        assertEquals("", row.name());
        assertEquals(0, row.data().length);
        assertEquals(Instant.EPOCH, row.at());
        assertEquals(Duration.ZERO, row.span());
        assertEquals(Color.RED, row.color());
        assertNull(row.maybeCount());
        assertFalse(row.hasMaybeCount());
        assertEquals(-7, row.maybeCountOr(-7));
        assertNull(row.maybeName());
        assertNull(row.maybeColor());
        assertNull(row.maybeAt());
    }

    @Test
    void extremesOfEveryNumericTypeRoundTrip() {
        for (boolean extreme : new boolean[] {true, false}) {
            row.flag(extreme)
                    .tiny(extreme ? Byte.MIN_VALUE : Byte.MAX_VALUE)
                    .small(extreme ? Short.MIN_VALUE : Short.MAX_VALUE)
                    .count(extreme ? Integer.MIN_VALUE : Integer.MAX_VALUE)
                    .owner(extreme ? Long.MIN_VALUE : Long.MAX_VALUE)
                    .ratio(extreme ? Float.MIN_VALUE : Float.MAX_VALUE)
                    .precise(extreme ? -Double.MAX_VALUE : Double.MIN_VALUE)
                    .letter(extreme ? '\u0000' : '\uffff');
            assertEquals(extreme, row.flag());
            assertEquals(extreme ? Byte.MIN_VALUE : Byte.MAX_VALUE, row.tiny());
            assertEquals(extreme ? Short.MIN_VALUE : Short.MAX_VALUE, row.small());
            assertEquals(extreme ? Integer.MIN_VALUE : Integer.MAX_VALUE, row.count());
            assertEquals(extreme ? Long.MIN_VALUE : Long.MAX_VALUE, row.owner());
            assertEquals(extreme ? Float.MIN_VALUE : Float.MAX_VALUE, row.ratio());
            assertEquals(extreme ? -Double.MAX_VALUE : Double.MIN_VALUE, row.precise());
            assertEquals(extreme ? '\u0000' : '\uffff', row.letter());
        }
        row.ratio(Float.NaN).precise(Double.NEGATIVE_INFINITY);
        assertTrue(Float.isNaN(row.ratio()));
        assertEquals(Double.NEGATIVE_INFINITY, row.precise());
        row.precise(-0.0);
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(row.precise()));
    }

    @Test
    void columnsAreLittleEndianAtTheirOffsets() {
        row.count(0x01020304).owner(0x0102030405060708L);
        long base = row.offset();
        assertEquals(0x04, rows.get(ValueLayout.JAVA_BYTE, base + EverythingRow.COUNT_OFFSET));
        assertEquals(0x01, rows.get(ValueLayout.JAVA_BYTE, base + EverythingRow.COUNT_OFFSET + 3));
        assertEquals(0x0102030405060708L,
                rows.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN),
                        base + EverythingRow.OWNER_OFFSET));
        assertEquals(0, rows.get(ValueLayout.JAVA_BYTE, 0), "the row before must be untouched");
    }

    @Test
    void enumsStoreOrdinalsInOneOrTwoBytes() {
        row.color(Color.BLUE).species(Species.S299);
        assertEquals(Color.BLUE, row.color());
        assertEquals(Species.S299, row.species());
        assertEquals(299, Short.toUnsignedInt(rows.get(ValueLayout.JAVA_SHORT_UNALIGNED, row.offset()
                + EverythingRow.SPECIES_OFFSET)));
        FieldValueException e = assertThrows(FieldValueException.class, () -> row.color(null));
        assertTrue(e.getMessage().contains("Everything.color is not nullable"), e.getMessage());
        assertEquals(Color.BLUE, row.color());

        rows.set(ValueLayout.JAVA_BYTE, row.offset() + EverythingRow.COLOR_OFFSET, (byte) 9);
        IllegalStateException corrupt = assertThrows(IllegalStateException.class, row::color);
        assertTrue(corrupt.getMessage().contains("Everything.color holds enum ordinal 9"), corrupt.getMessage());
    }

    @Test
    void stringsUpToTheirMaximumInUtf8Bytes() {
        String ascii = "abcdefghijklmnop";
        row.name(ascii);
        assertEquals(ascii, row.name());
        assertEquals(16, row.nameLength());

        String multiByte = "河图🌌é!"; // 3 + 3 + 4 + 2 + 1 = 13 bytes
        row.name(multiByte);
        assertEquals(multiByte, row.name());
        assertEquals(multiByte.getBytes(StandardCharsets.UTF_8).length, row.nameLength());

        String exactlyFull = "河图河图河"; // 15 bytes
        row.name(exactlyFull + "x");
        assertEquals(exactlyFull + "x", row.name());

        row.name("short");
        assertEquals("short", row.name());
        long tail = row.offset() + EverythingRow.NAME_OFFSET + 2 + 5;
        for (long at = tail; at < tail + 11; at++) {
            assertEquals(0, rows.get(ValueLayout.JAVA_BYTE, at), "bytes after a shorter string are zeroed");
        }
    }

    @Test
    void overLongStringIsRejectedAndTheRowKeepsItsValue() {
        row.name("kept");
        FieldValueException e = assertThrows(FieldValueException.class, () -> row.name("河图河图河图")); // 18 bytes
        assertTrue(e.getMessage().contains("Everything.name"), e.getMessage());
        assertTrue(e.getMessage().contains("18 UTF-8 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("maximum of 16"), e.getMessage());
        assertEquals("kept", row.name());

        FieldValueException surrogate = assertThrows(FieldValueException.class, () -> row.name("a\ud800b"));
        assertTrue(surrogate.getMessage().contains("unpaired surrogate at index 1"), surrogate.getMessage());
        assertThrows(FieldValueException.class, () -> row.name(null));
        assertEquals("kept", row.name());
    }

    @Test
    void byteArraysUpToTheirMaximum() {
        byte[] full = {1, 2, 3, 4, 5, 6, 7, (byte) 0xFF};
        row.data(full);
        assertArrayEquals(full, row.data());
        assertEquals(8, row.dataLength());
        FieldValueException e = assertThrows(FieldValueException.class, () -> row.data(new byte[9]));
        assertTrue(e.getMessage().contains("Everything.data: the array is 9 bytes long"), e.getMessage());
        assertArrayEquals(full, row.data());
        row.data(new byte[0]);
        assertEquals(0, row.data().length);
    }

    @Test
    void timeValuesAsNanosecondsWithTheirRangeChecked() {
        Instant precise = Instant.parse("2026-11-21T10:15:30.123456789Z");
        row.at(precise).span(Duration.ofNanos(-1));
        assertEquals(precise, row.at());
        assertEquals(Duration.ofNanos(-1), row.span());
        assertEquals(-1, row.spanNanos());

        Instant earliest = Instant.parse("1677-09-21T00:12:43.145224192Z");
        row.at(earliest);
        assertEquals(earliest, row.at());
        assertEquals(Long.MIN_VALUE, row.atNanos());
        Instant latest = Instant.parse("2262-04-11T23:47:16.854775807Z");
        row.at(latest);
        assertEquals(latest, row.at());

        FieldValueException tooLate = assertThrows(FieldValueException.class, () -> row.at(latest.plusNanos(1)));
        assertTrue(tooLate.getMessage().contains("outside the storable range"), tooLate.getMessage());
        assertEquals(latest, row.at());
        assertThrows(FieldValueException.class, () -> row.span(Duration.ofDays(365L * 300)));
        row.span(Duration.ofDays(365L * 290));
        assertEquals(Duration.ofDays(365L * 290), row.span());
    }

    @Test
    void nullableColumnsUseTheBitmap() {
        row.maybeCount(42).maybeFlag(false).maybeLetter('x').maybeName("ok").maybeColor(Color.GREEN)
                .maybeData(new byte[] {9}).maybeAt(Instant.EPOCH).maybeSpan(Duration.ZERO);
        assertEquals(42, row.maybeCount());
        assertEquals(42, row.maybeCountOr(-1));
        assertEquals(Boolean.FALSE, row.maybeFlag());
        assertTrue(row.hasMaybeFlag());
        assertEquals('x', row.maybeLetter());
        assertEquals("ok", row.maybeName());
        assertEquals(Color.GREEN, row.maybeColor());
        assertArrayEquals(new byte[] {9}, row.maybeData());
        assertEquals(Instant.EPOCH, row.maybeAt());
        assertEquals(Duration.ZERO, row.maybeSpan());

        row.maybeCount((Integer) null).maybeName(null).maybeColor(null).maybeAt(null);
        assertNull(row.maybeCount());
        assertFalse(row.hasMaybeCount());
        assertNull(row.maybeName());
        assertNull(row.maybeColor());
        assertNull(row.maybeAt());
        assertEquals(Boolean.FALSE, row.maybeFlag(), "clearing one column leaves the others");
        assertEquals(0, rows.get(ValueLayout.JAVA_INT_UNALIGNED, row.offset() + EverythingRow.MAYBE_COUNT_OFFSET),
                "a cleared column is zeroed");

        FieldValueException e = assertThrows(FieldValueException.class, () -> row.maybeName("fives"));
        assertTrue(e.getMessage().contains("Everything.maybeName"), e.getMessage());
        assertNull(row.maybeName(), "a rejected value leaves the column null");
    }

    @Test
    void recordsRoundTrip() {
        Everything full = new Everything(true, (byte) -1, (short) 300, 7, 99L, 1.5f, Math.PI, 'Z', Color.GREEN,
                Species.S123, "名前", new byte[] {1, 2}, Instant.ofEpochSecond(1, 2), Duration.ofSeconds(3),
                true, (byte) 1, (short) 2, 3, 4L, 5f, 6d, 'q', Color.BLUE, "abcd", new byte[] {4, 3, 2, 1},
                Instant.ofEpochMilli(-5), Duration.ofMillis(-5), -0.25);
        row.set(full);
        assertSameValues(full, row.toRecord());

        Everything sparse = new Everything(false, (byte) 0, (short) 0, 0, 0L, 0f, 0d, 'a', Color.RED, Species.S000,
                "", new byte[0], Instant.EPOCH, Duration.ZERO, null, null, null, null, null, null, null, null, null,
                null, null, null, null, 1e300);
        row.set(sparse);
        assertSameValues(sparse, row.toRecord());
    }

    @Test
    void aRejectedRecordLeavesTheWholeRowUnchanged() {
        Everything good = new Everything(true, (byte) 1, (short) 1, 1, 1L, 1f, 1d, 'a', Color.RED, Species.S001,
                "good", new byte[] {1}, Instant.EPOCH, Duration.ZERO, null, null, null, null, null, null, null, null,
                null, null, null, null, null, 1);
        row.set(good);
        byte[] before = row.segment().asSlice(row.offset(), EverythingRow.SIZE).toArray(ValueLayout.JAVA_BYTE);

        Everything badTail = new Everything(false, (byte) 2, (short) 2, 2, 2L, 2f, 2d, 'b', Color.BLUE, Species.S002,
                "fine", new byte[] {2}, Instant.EPOCH, Duration.ZERO, null, null, null, null, null, null, null, null,
                null, "too long", null, null, null, 2);
        FieldValueException e = assertThrows(FieldValueException.class, () -> row.set(badTail));
        assertTrue(e.getMessage().contains("Everything.maybeName"), e.getMessage());
        Everything nullEnum = new Everything(false, (byte) 2, (short) 2, 2, 2L, 2f, 2d, 'b', null, Species.S002,
                "fine", new byte[] {2}, Instant.EPOCH, Duration.ZERO, null, null, null, null, null, null, null, null,
                null, null, null, null, null, 2);
        assertThrows(FieldValueException.class, () -> row.set(nullEnum));

        byte[] after = row.segment().asSlice(row.offset(), EverythingRow.SIZE).toArray(ValueLayout.JAVA_BYTE);
        assertArrayEquals(before, after);
    }

    @Test
    void wrapChecksBoundsAndWorksOverHeapMemoryAtAnyOffset() {
        assertThrows(IndexOutOfBoundsException.class, () -> row.wrap(rows, rows.byteSize() - EverythingRow.SIZE + 1));
        MemorySegment heap = MemorySegment.ofArray(new byte[EverythingRow.SIZE + 3]);
        EverythingRow onHeap = new EverythingRow().wrap(heap, 3);
        onHeap.owner(Long.MAX_VALUE).precise(2.5).name("heap");
        assertEquals(Long.MAX_VALUE, onHeap.owner());
        assertEquals(2.5, onHeap.precise());
        assertEquals("heap", onHeap.name());
        assertTrue(new EverythingRow().toString().contains("unwrapped"));
        assertTrue(onHeap.toString().contains("name=heap"), onHeap.toString());
    }

    @Test
    void nestedRecordsGetFlyweightsNamedAfterTheirPath() {
        MemorySegment one = arena.allocate(Board_CellRow.SIZE);
        Board_CellRow cell = new Board_CellRow().wrap(one, 0).column((byte) 3).piece(-9).row((byte) 4);
        assertEquals(new Board.Cell((byte) 3, -9, (byte) 4), cell.toRecord());
        assertEquals(24, Board_CellRow.SIZE, "byte, padding to 8, long, byte, padding to a multiple of 8");
    }

    private static void assertSameValues(Everything expected, Everything actual) {
        for (var component : Everything.class.getRecordComponents()) {
            try {
                Object want = component.getAccessor().invoke(expected);
                Object got = component.getAccessor().invoke(actual);
                if (want instanceof byte[] bytes) {
                    assertArrayEquals(bytes, (byte[]) got, component.getName());
                } else {
                    assertEquals(want, got, component.getName());
                }
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
    }
}
