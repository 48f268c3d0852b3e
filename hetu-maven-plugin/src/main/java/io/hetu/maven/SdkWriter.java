package io.hetu.maven;

import io.hetu.sdk.GeneratedFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Keeps one SDK output folder in step with what a generator produces, without Maven.
 *
 * <p>A listing file in the folder ({@value #LISTING}) records the fingerprint of the inputs of the
 * last run (manifest, target, options, generator) and every file written with its SHA-256. With it
 * a run is skipped when nothing changed, files are rewritten only when their content differs, and
 * files generated before but no longer generated are removed. A file this class did not write is
 * never removed, nor is a generated file edited by hand since it was written.
 */
public final class SdkWriter {

    /** The listing's name: a dot file, which npm (package.json {@code files}) and Unity both leave out. */
    public static final String LISTING = ".hetu-generated";

    private static final String HEADER = "# Written by hetu:generate: the files it generated in this folder, "
            + "to update or remove them on the next run. Do not edit.";

    private final Path folder;

    public SdkWriter(Path folder) {
        this.folder = folder.toAbsolutePath().normalize();
    }

    /**
     * What a run did.
     *
     * @param upToDate the inputs and the files were as the last run left them, so nothing was generated
     * @param written files created or rewritten
     * @param unchanged files generated with the content they already had
     * @param removed files of the last run that are no longer generated, deleted
     * @param kept files of the last run that are no longer generated but were edited since, left alone
     */
    public record Result(boolean upToDate, int written, int unchanged, int removed, List<Path> kept) {}

    /**
     * Brings the folder up to date: generates (calling {@code generator}) only when {@code fingerprint}
     * differs from the last run's or a file that run wrote is missing or changed.
     */
    public Result update(String fingerprint, Supplier<List<GeneratedFile>> generator) throws IOException {
        Listing previous = Listing.read(folder.resolve(LISTING));
        if (previous.fingerprint().equals(fingerprint) && intact(previous.files())) {
            return new Result(true, 0, 0, 0, List.of());
        }
        List<GeneratedFile> files = generator.get();
        Map<String, String> hashes = new LinkedHashMap<>();
        int written = 0;
        for (GeneratedFile file : files) {
            Path target = resolve(file.path());
            byte[] content = file.content().getBytes(StandardCharsets.UTF_8);
            if (hashes.put(file.path(), sha256(content)) != null) {
                throw new IllegalArgumentException("the generator produced " + file.path() + " twice");
            }
            if (!Arrays.equals(content, readIfExists(target))) {
                Files.createDirectories(target.getParent());
                Files.write(target, content);
                written++;
            }
        }
        int removed = 0;
        List<Path> kept = new ArrayList<>();
        for (Map.Entry<String, String> old : previous.files().entrySet()) {
            if (hashes.containsKey(old.getKey())) {
                continue;
            }
            Path stale = resolve(old.getKey());
            byte[] content = readIfExists(stale);
            if (content == null) {
                continue;
            }
            if (sha256(content).equals(old.getValue())) {
                Files.delete(stale);
                removeEmptyFolders(stale.getParent());
                removed++;
            } else {
                kept.add(stale);
            }
        }
        // Last, so that a run cut short is redone in full next time.
        new Listing(fingerprint, hashes).write(folder.resolve(LISTING));
        return new Result(false, written, files.size() - written, removed, List.copyOf(kept));
    }

    private boolean intact(Map<String, String> files) throws IOException {
        for (Map.Entry<String, String> file : files.entrySet()) {
            byte[] content = readIfExists(resolve(file.getKey()));
            if (content == null || !sha256(content).equals(file.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** The file a relative path names, which must stay inside the folder. */
    private Path resolve(String relative) {
        Path path = folder.resolve(relative).normalize();
        if (relative.isEmpty() || !path.startsWith(folder) || path.equals(folder)) {
            throw new IllegalArgumentException("generated file path '" + relative + "' is not inside " + folder);
        }
        return path;
    }

    /** Removes folders left empty by a removal, up to but not including the output folder. */
    private void removeEmptyFolders(Path dir) throws IOException {
        while (dir != null && !dir.equals(folder) && dir.startsWith(folder)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                if (entries.iterator().hasNext()) {
                    return;
                }
            }
            Files.delete(dir);
            dir = dir.getParent();
        }
    }

    private static byte[] readIfExists(Path path) throws IOException {
        try {
            return Files.isRegularFile(path) ? Files.readAllBytes(path) : null;
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * The fingerprint of a run's inputs: the manifest's bytes and each further input (target,
     * options, generator version), so any change to one of them shows.
     */
    public static String fingerprint(byte[] manifest, List<String> inputs) {
        StringBuilder text = new StringBuilder();
        inputs.forEach(input -> text.append(input.length()).append(':').append(input).append('\n'));
        text.append(sha256(manifest));
        return sha256(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The listing file: the fingerprint line, then a line per file: its hash, a space, its path. */
    private record Listing(String fingerprint, Map<String, String> files) {

        static Listing read(Path path) throws IOException {
            Map<String, String> files = new LinkedHashMap<>();
            String fingerprint = "";
            if (!Files.isRegularFile(path)) {
                return new Listing(fingerprint, files);
            }
            for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
                if (line.startsWith("fingerprint ")) {
                    fingerprint = line.substring("fingerprint ".length());
                } else if (line.startsWith("file ")) {
                    String[] parts = line.split(" ", 3);
                    if (parts.length == 3) {
                        files.put(parts[2], parts[1]);
                    }
                }
            }
            return new Listing(fingerprint, files);
        }

        void write(Path path) throws IOException {
            StringBuilder text = new StringBuilder(HEADER).append('\n');
            text.append("fingerprint ").append(fingerprint).append('\n');
            files.forEach((file, hash) -> text.append("file ").append(hash).append(' ').append(file).append('\n'));
            Files.createDirectories(path.getParent());
            Files.writeString(path, text, StandardCharsets.UTF_8);
        }
    }
}
