package io.hetu.sdk;

/**
 * One file of a generated SDK.
 *
 * @param path where it goes, relative to the SDK's output folder, with {@code /} separators
 * @param content its text
 */
public record GeneratedFile(String path, String content) {}
