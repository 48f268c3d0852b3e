package io.hetu.maven;

import io.hetu.sdk.csharp.CSharpOptions;
import io.hetu.sdk.java.JavaOptions;
import io.hetu.sdk.typescript.TypeScriptOptions;
import java.math.BigInteger;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The generators' options as the plugin's parameters give them: defaults derived from the
 * project's coordinates, and validation errors that name the parameter at fault. The generators'
 * own option records stay the one place that decides what is valid.
 */
public final class SdkOptions {

    private static final String VALID_VERSION = "1.0.0";
    private static final Pattern LEADING_NUMBERS = Pattern.compile("(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?(.*)");

    private SdkOptions() {}

    /** A parameter whose value the generators refuse. */
    public static final class InvalidOption extends Exception {
        private final String parameter;

        InvalidOption(String parameter, String message) {
            super(message);
            this.parameter = parameter;
        }

        /** The plugin parameter at fault, such as {@code typescriptPackage}. */
        public String parameter() {
            return parameter;
        }
    }

    public static TypeScriptOptions typescript(String packageName, String version) throws InvalidOption {
        check("typescriptPackage", () -> new TypeScriptOptions(packageName, VALID_VERSION));
        check("version", () -> new TypeScriptOptions("hetu", version));
        return new TypeScriptOptions(packageName, version);
    }

    public static CSharpOptions csharp(String namespace, String unityPackage, String version) throws InvalidOption {
        check("csharpNamespace", () -> new CSharpOptions(namespace, "com.hetu.client", VALID_VERSION));
        check("unityPackage", () -> new CSharpOptions("Hetu", unityPackage, VALID_VERSION));
        check("version", () -> new CSharpOptions("Hetu", "com.hetu.client", version));
        return new CSharpOptions(namespace, unityPackage, version);
    }

    public static JavaOptions java(String packageName) throws InvalidOption {
        check("javaPackage", () -> new JavaOptions(packageName));
        return new JavaOptions(packageName);
    }

    /** Builds options with only {@code parameter} under test, so a refusal is that parameter's. */
    private static void check(String parameter, Runnable build) throws InvalidOption {
        try {
            build.run();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidOption(parameter, e.getMessage());
        }
    }

    /** The npm package name for an artifact: {@code my-game} gives {@code my-game-client}. */
    public static String npmName(String artifactId) {
        return lowerCaseName(artifactId) + "-client";
    }

    /** The C# namespace for an artifact: {@code my-game} gives {@code MyGame.Client}. */
    public static String csharpNamespace(String artifactId) {
        StringBuilder pascal = new StringBuilder();
        for (String word : artifactId.split("[^A-Za-z0-9]+")) {
            if (!word.isEmpty()) {
                pascal.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
            }
        }
        if (pascal.isEmpty() || Character.isDigit(pascal.charAt(0))) {
            pascal.insert(0, "App");
        }
        return pascal + ".Client";
    }

    /** The Unity package name: the group's reverse domain, then the artifact, as in {@code com.studio.my-game-client}. */
    public static String unityPackage(String groupId, String artifactId) {
        StringBuilder name = new StringBuilder();
        for (String segment : groupId.split("\\.")) {
            if (!segment.isEmpty()) {
                name.append(lowerCaseName(segment)).append('.');
            }
        }
        if (name.isEmpty()) {
            name.append("com.");
        }
        return name.append(npmName(artifactId)).toString();
    }

    /**
     * The Java package for an artifact: the group's segments, then the artifact's letters and digits, then
     * {@code client}, as in {@code com.studio.mygame.client}. A segment that no Java package may hold (a keyword, a
     * leading digit) gets a {@code _}.
     */
    public static String javaPackage(String groupId, String artifactId) {
        StringBuilder name = new StringBuilder();
        for (String segment : (groupId + "." + artifactId.replaceAll("[^A-Za-z0-9]", "")).split("\\.")) {
            String identifier = segment.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
            if (identifier.isEmpty()) {
                continue;
            }
            if (Character.isDigit(identifier.charAt(0))) {
                identifier = "_" + identifier;
            }
            if (JavaOptions.reserved(identifier)) {
                identifier += "_";
            }
            name.append(identifier).append('.');
        }
        return name.append("client").toString();
    }

    /**
     * A Maven version as a semantic version: missing minor and patch numbers become 0 and the
     * qualifier a pre-release, so {@code 1.2-SNAPSHOT} gives {@code 1.2.0-SNAPSHOT}. A version that
     * does not start with a number is returned as it is, for validation to name.
     */
    public static String semanticVersion(String mavenVersion) {
        Matcher m = LEADING_NUMBERS.matcher(mavenVersion);
        if (!m.matches()) {
            return mavenVersion;
        }
        String core = number(m.group(1)) + "." + number(m.group(2)) + "." + number(m.group(3));
        String qualifier = m.group(4).replaceFirst("^[-.+_]+", "").replaceAll("[^0-9A-Za-z.-]", "-");
        return qualifier.isEmpty() ? core : core + "-" + qualifier;
    }

    private static String number(String digits) {
        return digits == null ? "0" : new BigInteger(digits).toString();
    }

    /** Lower-case letters, digits and single hyphens, starting with a letter or digit. */
    private static String lowerCaseName(String text) {
        String name = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        return name.isEmpty() ? "app" : name;
    }
}
