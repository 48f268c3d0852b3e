package io.hetu.sdk.csharp;

import io.hetu.sdk.Names;
import java.util.Locale;
import java.util.Set;

/** C# source text: an indenting line writer and the naming rules of the generated code. */
final class CSharpCode {

    private static final Set<String> KEYWORDS = Set.of("abstract", "as", "base", "bool", "break", "byte", "case",
            "catch", "char", "checked", "class", "const", "continue", "decimal", "default", "delegate", "do", "double",
            "else", "enum", "event", "explicit", "extern", "false", "finally", "fixed", "float", "for", "foreach",
            "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock", "long", "namespace", "new",
            "null", "object", "operator", "out", "override", "params", "private", "protected", "public", "readonly",
            "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string", "struct",
            "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort",
            "using", "virtual", "void", "volatile", "while");

    private final StringBuilder text = new StringBuilder();
    private int depth;

    CSharpCode line(String line) {
        if (!line.isEmpty()) {
            text.append("    ".repeat(depth)).append(line);
        }
        text.append('\n');
        return this;
    }

    CSharpCode blank() {
        return line("");
    }

    /** Writes {@code header} then an opening brace, and indents. */
    CSharpCode open(String header) {
        line(header);
        line("{");
        depth++;
        return this;
    }

    CSharpCode close() {
        return close("}");
    }

    CSharpCode close(String closing) {
        depth--;
        return line(closing);
    }

    @Override
    public String toString() {
        return text.toString();
    }

    /**
     * A PascalCase identifier ({@code moveTo} → {@code MoveTo}, {@code user_id} → {@code UserId}), by
     * {@link Names#pascal}. With {@code shouting} an all-capitals word is lower-cased after its first letter, for
     * enum and protocol constants ({@code VERY_ANGRY} → {@code VeryAngry}).
     */
    static String pascal(String name, boolean shouting) {
        if (!shouting) {
            return Names.pascal(name);
        }
        StringBuilder words = new StringBuilder();
        for (String word : Names.words(name)) {
            words.append(word.equals(word.toUpperCase(Locale.ROOT)) ? word.charAt(0)
                    + word.substring(1).toLowerCase(Locale.ROOT) : word).append('_');
        }
        return Names.pascal(words.toString());
    }

    static String pascal(String name) {
        return Names.pascal(name);
    }

    /**
     * A parameter name: the manifest's name, {@code @}-escaped when it is a C# keyword; a leading
     * {@code __} is reserved for the generated code's own locals.
     */
    static String parameter(String name) {
        String safe = name.replaceAll("[^A-Za-z0-9_]", "_");
        if (safe.startsWith("__")) {
            safe = "p" + safe;
        }
        return KEYWORDS.contains(safe) ? "@" + safe : safe;
    }

    /** A C# string literal. */
    static String literal(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
