package io.hetu.storage.durability;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The MANIFEST file: names the snapshot in force. It is only ever replaced by an atomic rename of a
 * fully written and fsynced temporary file, so after a crash it names either the old or the new
 * snapshot, never a half-written one.
 *
 * <p>Format (ASCII, each line ending in {@code \n}):
 * <pre>
 * hetu-manifest 1
 * snapshot snap-00000000000000000042.snap
 * seq 42
 * size 1234
 * crc32c 0a1b2c3d
 * </pre>
 * where {@code crc32c} is the CRC32C of all bytes before that line, in 8 lower-case hex digits.
 *
 * @param snapshotFile the snapshot file's name, in the data directory
 * @param seq the commit seq the snapshot is at
 * @param size the snapshot file's size in bytes
 */
record Manifest(String snapshotFile, long seq, long size) {
    static final String FILE = "MANIFEST";
    static final String TEMP_FILE = "MANIFEST.tmp";
    private static final String FIRST_LINE = "hetu-manifest 1";
    private static final int MAX_BYTES = 4096;
    private static final String REMEDY = "MANIFEST is only ever replaced whole, so this is damage to the disk or an edit"
            + " by hand. Restore the data directory from a backup.";

    /** The manifest of {@code dir}, or null when there is none (no snapshot was published yet). */
    static Manifest read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new CorruptSnapshotException(file, MAX_BYTES, "the file is larger than " + MAX_BYTES + " bytes",
                        REMEDY);
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException none) {
            return null;
        }
        String text = new String(bytes, StandardCharsets.US_ASCII);
        String[] lines = text.split("\n", -1);
        if (lines.length != 6 || !lines[5].isEmpty()) {
            throw new CorruptSnapshotException(file, 0, "expected 5 lines ending in a newline, found " + (lines.length - 1)
                    + " newlines", REMEDY);
        }
        long[] offsets = new long[6];
        for (int i = 1; i < 6; i++) {
            offsets[i] = offsets[i - 1] + lines[i - 1].length() + 1;
        }
        if (!lines[0].equals(FIRST_LINE)) {
            throw new CorruptSnapshotException(file, 0, "the first line is not '" + FIRST_LINE + "'", REMEDY);
        }
        String crcText = value(file, lines[4], "crc32c", offsets[4]);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, (int) offsets[4]);
        if (!crcText.equals(hex(crc))) {
            throw new CorruptSnapshotException(file, offsets[4], "CRC32C mismatch (stored " + crcText + ", computed "
                    + hex(crc) + ")", REMEDY);
        }
        String snapshot = value(file, lines[1], "snapshot", offsets[1]);
        long seq = number(file, value(file, lines[2], "seq", offsets[2]), offsets[2]);
        long size = number(file, value(file, lines[3], "size", offsets[3]), offsets[3]);
        if (!snapshot.equals(SnapshotFormat.fileName(seq))) {
            throw new CorruptSnapshotException(file, offsets[1], "names snapshot file " + snapshot + " for seq " + seq
                    + ", expected " + SnapshotFormat.fileName(seq), REMEDY);
        }
        return new Manifest(snapshot, seq, size);
    }

    /** Replaces the manifest of {@code dir} atomically and durably. */
    void write(Path dir) throws IOException {
        String body = FIRST_LINE + "\nsnapshot " + snapshotFile + "\nseq " + seq + "\nsize " + size + "\n";
        byte[] prefix = body.getBytes(StandardCharsets.US_ASCII);
        CRC32C crc = new CRC32C();
        crc.update(prefix);
        byte[] bytes = (body + "crc32c " + hex(crc) + "\n").getBytes(StandardCharsets.US_ASCII);
        Path temp = dir.resolve(TEMP_FILE);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(temp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        FileSync.directory(dir);
    }

    private static String value(Path file, String line, String key, long offset) throws CorruptSnapshotException {
        if (!line.startsWith(key + " ")) {
            throw new CorruptSnapshotException(file, offset, "expected a line '" + key + " ...', found '" + line + "'",
                    REMEDY);
        }
        return line.substring(key.length() + 1);
    }

    private static long number(Path file, String text, long offset) throws CorruptSnapshotException {
        try {
            long value = Long.parseLong(text);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CorruptSnapshotException(file, offset, "'" + text + "' is not a valid number", REMEDY);
    }

    private static String hex(CRC32C crc) {
        return String.format("%08x", crc.getValue());
    }
}
