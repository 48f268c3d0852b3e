package io.hetu.sdk;

/**
 * One file of a generated SDK.
 *
 * @param path where it goes, relative to the SDK's output folder, with {@code /} separators
 * @param content its text
 * @param runtime whether it is a file of the SDK's hand-written client runtime, copied from the generator's
 *     resources with only its header (and in C# its namespace) filled in, rather than written from the schema
 */
public record GeneratedFile(String path, String content, boolean runtime) {

    /** A file written from the schema. */
    public GeneratedFile(String path, String content) {
        this(path, content, false);
    }
}
