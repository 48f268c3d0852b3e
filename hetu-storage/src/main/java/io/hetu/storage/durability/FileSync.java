package io.hetu.storage.durability;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** fsync for directory entries, which Java has no direct call for. */
final class FileSync {
    /** Windows cannot open a directory as a channel; NTFS journals directory changes itself. */
    private static final boolean CAN_SYNC_DIRECTORIES = File.separatorChar == '/';

    private FileSync() {
    }

    /**
     * Makes file creations, renames and deletions in {@code dir} durable. Without it a file that was
     * fsynced can still vanish in a power loss, because its directory entry was not.
     */
    static void directory(Path dir) throws IOException {
        if (CAN_SYNC_DIRECTORIES) {
            try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
                channel.force(true);
            }
        }
    }
}
