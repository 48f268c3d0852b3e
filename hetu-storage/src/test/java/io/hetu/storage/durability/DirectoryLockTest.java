package io.hetu.storage.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.storage.durability.TestData.RecordingReplay;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryLockTest {
    @TempDir
    Path tmp;

    @Test
    void aSecondOpenInTheSameProcessFails() throws Exception {
        Path dir = tmp.resolve("data");
        try (Durability first = TestData.open(dir, DurabilityConfig.defaults(), new RecordingReplay())) {
            IOException e = assertThrows(IOException.class,
                    () -> TestData.open(dir, DurabilityConfig.defaults(), new RecordingReplay()));
            assertTrue(e.getMessage().contains("data directory " + dir + " is already in use"), e.getMessage());
            assertTrue(e.getMessage().contains("process " + ProcessHandle.current().pid()), e.getMessage());
            first.wal().append(1, new byte[] {1});
        }
        try (Durability again = TestData.open(dir, DurabilityConfig.defaults(), new RecordingReplay())) {
            assertEquals(1, again.recovery().lastSeq(), "the failed open did not disturb the directory");
        }
    }

    @Test
    void anotherServerProcessHoldsTheDirectoryUntilItDies() throws Exception {
        Path dir = tmp.resolve("data");
        ChildServer child = ChildServer.start(dir, FsyncPolicy.ALWAYS, 1, tmp.resolve("child.log"));
        try {
            child.awaitReady();
            IOException e = assertThrows(IOException.class,
                    () -> TestData.open(dir, CrashChild.config(FsyncPolicy.ALWAYS), new RecordingReplay()));
            assertTrue(e.getMessage().contains("already in use by another server (process " + child.pid() + " holds"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("Stop that server first"), e.getMessage());
        } finally {
            child.kill();
        }
        CrashChild.Verifier verifier = new CrashChild.Verifier();
        try (Durability durability = Durability.open(dir, CrashChild.config(FsyncPolicy.ALWAYS), verifier, verifier)) {
            verifier.assertComplete(durability.recovery().lastSeq());
        }
    }
}
