package io.hetu.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.sdk.GeneratedFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SdkWriterTest {

    @TempDir
    Path dir;

    private final AtomicInteger generations = new AtomicInteger();

    private Supplier<List<GeneratedFile>> generator(GeneratedFile... files) {
        return () -> {
            generations.incrementAndGet();
            return List.of(files);
        };
    }

    private SdkWriter.Result update(String fingerprint, GeneratedFile... files) throws IOException {
        return new SdkWriter(dir).update(fingerprint, generator(files));
    }

    @Test
    void writesEveryFileIntoNestedFoldersAndListsThem() throws IOException {
        SdkWriter.Result result = update("f1", new GeneratedFile("package.json", "{}\n"),
                new GeneratedFile("src/components/position.ts", "export {};\n"));

        assertEquals(new SdkWriter.Result(false, 2, 0, 0, List.of()), result);
        assertEquals("{}\n", Files.readString(dir.resolve("package.json")));
        assertEquals("export {};\n", Files.readString(dir.resolve("src/components/position.ts")));
        String listing = Files.readString(dir.resolve(SdkWriter.LISTING));
        assertTrue(listing.contains("fingerprint f1\n"), listing);
        assertTrue(listing.contains(" src/components/position.ts\n"), listing);
    }

    @Test
    void skipsGenerationWhenTheFingerprintAndTheFilesAreUnchanged() throws IOException {
        update("f1", new GeneratedFile("a.ts", "a"));
        long written = Files.getLastModifiedTime(dir.resolve("a.ts")).toMillis();

        SdkWriter.Result result = update("f1", new GeneratedFile("a.ts", "a"));

        assertTrue(result.upToDate());
        assertEquals(1, generations.get(), "the generator ran again");
        assertEquals(written, Files.getLastModifiedTime(dir.resolve("a.ts")).toMillis());
    }

    @Test
    void rewritesOnlyTheFilesWhoseContentChanged() throws IOException {
        update("f1", new GeneratedFile("a.ts", "a"), new GeneratedFile("b.ts", "b"));
        Files.setLastModifiedTime(dir.resolve("a.ts"), java.nio.file.attribute.FileTime.fromMillis(0));

        SdkWriter.Result result = update("f2", new GeneratedFile("a.ts", "a"), new GeneratedFile("b.ts", "b2"));

        assertEquals(new SdkWriter.Result(false, 1, 1, 0, List.of()), result);
        assertEquals(0, Files.getLastModifiedTime(dir.resolve("a.ts")).toMillis(), "an unchanged file was rewritten");
        assertEquals("b2", Files.readString(dir.resolve("b.ts")));
    }

    @Test
    void regeneratesWhenAGeneratedFileWasDeletedOrEdited() throws IOException {
        update("f1", new GeneratedFile("a.ts", "a"), new GeneratedFile("b.ts", "b"));
        Files.delete(dir.resolve("a.ts"));
        Files.writeString(dir.resolve("b.ts"), "edited");

        SdkWriter.Result result = update("f1", new GeneratedFile("a.ts", "a"), new GeneratedFile("b.ts", "b"));

        assertEquals(new SdkWriter.Result(false, 2, 0, 0, List.of()), result);
        assertEquals("a", Files.readString(dir.resolve("a.ts")));
        assertEquals("b", Files.readString(dir.resolve("b.ts")));
    }

    @Test
    void removesFilesItGeneratedBeforeButNoLongerGeneratesWithTheirEmptyFolders() throws IOException {
        update("f1", new GeneratedFile("index.ts", "i"), new GeneratedFile("src/types/old/vec.ts", "v"));

        SdkWriter.Result result = update("f2", new GeneratedFile("index.ts", "i"));

        assertEquals(new SdkWriter.Result(false, 0, 1, 1, List.of()), result);
        assertFalse(Files.exists(dir.resolve("src")), "the emptied folders are left behind");
        assertFalse(Files.readString(dir.resolve(SdkWriter.LISTING)).contains("vec.ts"));
    }

    @Test
    void neverTouchesFilesItDidNotGenerate() throws IOException {
        Files.createDirectories(dir.resolve("src/types"));
        Files.writeString(dir.resolve("README.local.md"), "mine");
        Files.writeString(dir.resolve("src/types/extra.ts"), "mine too");
        update("f1", new GeneratedFile("src/types/vec.ts", "v"));

        SdkWriter.Result result = update("f2", new GeneratedFile("index.ts", "i"));

        assertEquals(1, result.removed());
        assertEquals("mine", Files.readString(dir.resolve("README.local.md")));
        assertEquals("mine too", Files.readString(dir.resolve("src/types/extra.ts")));
        assertTrue(Files.isDirectory(dir.resolve("src/types")), "a folder holding a foreign file was removed");
    }

    @Test
    void keepsAStaleGeneratedFileThatWasEditedSince() throws IOException {
        update("f1", new GeneratedFile("old.ts", "generated"));
        Files.writeString(dir.resolve("old.ts"), "hand-edited");

        SdkWriter.Result result = update("f2", new GeneratedFile("new.ts", "n"));

        assertEquals(List.of(dir.resolve("old.ts")), result.kept());
        assertEquals(0, result.removed());
        assertEquals("hand-edited", Files.readString(dir.resolve("old.ts")));
    }

    @Test
    void refusesPathsOutsideTheFolderIncludingFromATamperedListing() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> update("f1", new GeneratedFile("../escape.ts", "x")));
        assertFalse(Files.exists(dir.resolveSibling("escape.ts")));

        Path outside = Files.writeString(dir.resolveSibling(dir.getFileName() + "-victim.txt"), "keep");
        Files.writeString(dir.resolve(SdkWriter.LISTING), "fingerprint f0\nfile "
                + SdkWriter.sha256("keep".getBytes()) + " ../" + outside.getFileName() + "\n");
        assertThrows(IllegalArgumentException.class, () -> update("f1", new GeneratedFile("a.ts", "a")));
        assertEquals("keep", Files.readString(outside));
        Files.delete(outside);
    }

    @Test
    void aFingerprintChangesWithTheManifestAndWithEveryInput() {
        byte[] manifest = "{\"format\":1}".getBytes();
        String base = SdkWriter.fingerprint(manifest, List.of("TypeScript", "options"));

        assertEquals(base, SdkWriter.fingerprint(manifest.clone(), List.of("TypeScript", "options")));
        assertFalse(base.equals(SdkWriter.fingerprint("{\"format\":1 }".getBytes(), List.of("TypeScript", "options"))));
        assertFalse(base.equals(SdkWriter.fingerprint(manifest, List.of("TypeScript", "options2"))));
        assertFalse(base.equals(SdkWriter.fingerprint(manifest, List.of("TypeScrip", "toptions"))));
    }
}
