package io.hetu.storage.durability;

/** The byte layout of snapshot files, as specified in docs/STORAGE.md. All integers little-endian. */
final class SnapshotFormat {
    /** "HSNP" read as a little-endian u32. */
    static final int MAGIC = 0x504E5348;
    static final int VERSION = 1;
    /** magic u32, version u32. */
    static final int HEADER_SIZE = 8;

    /** "TABL": tag u32, name length u32, name, layout hash length u32, layout hash, row size u32, row count u64, CRC32C u32. */
    static final int TABLE_TAG = 0x4C424154;
    /** "ROWS": tag u32, row count u32, rows of (id u64, version u64, row bytes), CRC32C u32. */
    static final int ROWS_TAG = 0x53574F52;
    static final int ROWS_BLOCK_OVERHEAD = 12;
    static final int ROW_PREFIX = 16;
    /** "END!": tag u32, seq u64, table count u32, row count u64, meta length u32, meta, CRC32C u32. */
    static final int END_TAG = 0x21444E45;
    static final int END_FIXED_SIZE = 32;
    /** end block offset u64, "TAIL" u32, CRC32C u32 of the previous 12 bytes. */
    static final int TRAILER_TAG = 0x4C494154;
    static final int TRAILER_SIZE = 16;

    /** Row blocks hold up to this many bytes of rows (always at least one row). */
    static final int TARGET_BLOCK_BYTES = 64 << 10;
    static final int MAX_ROW_SIZE = 16 << 20;
    static final int MAX_NAME_BYTES = 64 << 10;
    static final int MAX_META_BYTES = 256 << 20;

    private SnapshotFormat() {
    }

    static int rowsPerBlock(int rowSize) {
        return Math.max(1, TARGET_BLOCK_BYTES / (ROW_PREFIX + rowSize));
    }

    static String fileName(long seq) {
        return "snap-" + String.format("%020d", seq) + ".snap";
    }
}
