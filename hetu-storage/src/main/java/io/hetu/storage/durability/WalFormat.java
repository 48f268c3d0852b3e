package io.hetu.storage.durability;

import static io.hetu.storage.durability.Binary.U32;
import static io.hetu.storage.durability.Binary.U64;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/** The byte layout of write-ahead log segments, as specified in docs/STORAGE.md. */
final class WalFormat {
    /** "HWAL" read as a little-endian u32. */
    static final int MAGIC = 0x4C415748;
    static final int VERSION = 1;

    /** magic u32, version u32, first seq u64, CRC32C of the previous 16 bytes u32, reserved u32. */
    static final int HEADER_SIZE = 24;

    /** length u32, CRC32C u32, seq u64; the payload follows. */
    static final int FRAME_HEADER_SIZE = 16;
    static final int FRAME_CRC_OFFSET = 4;
    static final int FRAME_SEQ_OFFSET = 8;

    /** The largest payload a record may carry; a longer length field can only be damage. */
    static final int MAX_PAYLOAD = 1 << 30;

    /**
     * The length field of the close marker: a frame header with no payload that a clean close
     * writes after the last record, its seq field naming that record and its CRC32C covering the
     * seq field. No record has this length.
     */
    static final int CLOSE_MARKER = 0xFFFFFFFF;

    private static final String PREFIX = "wal-";
    private static final String SUFFIX = ".log";

    private WalFormat() {
    }

    static String fileName(long firstSeq) {
        return PREFIX + String.format("%020d", firstSeq) + SUFFIX;
    }

    /** The first seq encoded in a segment's file name, or -1 when the name is not a segment's. */
    static long firstSeqOf(Path file) {
        String name = file.getFileName().toString();
        if (name.length() != PREFIX.length() + 20 + SUFFIX.length()
                || !name.startsWith(PREFIX) || !name.endsWith(SUFFIX)) {
            return -1;
        }
        String digits = name.substring(PREFIX.length(), PREFIX.length() + 20);
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                return -1;
            }
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException tooLarge) {
            return -1;
        }
    }

    static void writeCloseMarker(MemorySegment target, long lastSeq) {
        target.set(U32, 0, CLOSE_MARKER);
        target.set(U64, FRAME_SEQ_OFFSET, lastSeq);
        target.set(U32, FRAME_CRC_OFFSET, Binary.crc32c(target, FRAME_SEQ_OFFSET, 8));
    }

    /** Whether a valid close marker starts at {@code position} of {@code map}, which has {@code size} bytes. */
    static boolean isCloseMarker(MemorySegment map, long position, long size) {
        return position >= HEADER_SIZE && position + FRAME_HEADER_SIZE <= size
                && map.get(U32, position) == CLOSE_MARKER
                && map.get(U32, position + FRAME_CRC_OFFSET) == Binary.crc32c(map, position + FRAME_SEQ_OFFSET, 8);
    }

    static void writeHeader(MemorySegment target, long firstSeq) {
        target.set(U32, 0, MAGIC);
        target.set(U32, 4, VERSION);
        target.set(U64, 8, firstSeq);
        target.set(U32, 16, Binary.crc32c(target, 0, 16));
        target.set(U32, 20, 0);
    }
}
