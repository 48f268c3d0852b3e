package io.hetu.sdk.csharp;

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
     * A PascalCase identifier: the parts between non-alphanumeric characters, each with a capital
     * first letter ({@code moveTo} → {@code MoveTo}, {@code user_id} → {@code UserId}). With
     * {@code shouting} an all-capitals part is lower-cased after its first letter, for enum
     * constants ({@code VERY_ANGRY} → {@code VeryAngry}).
     */
    static String pascal(String name, boolean shouting) {
        StringBuilder out = new StringBuilder();
        for (String part : name.split("[^A-Za-z0-9]+")) {
            if (part.isEmpty()) {
                continue;
            }
            String rest = part.substring(1);
            if (shouting && part.equals(part.toUpperCase(java.util.Locale.ROOT))) {
                rest = rest.toLowerCase(java.util.Locale.ROOT);
            }
            out.append(Character.toUpperCase(part.charAt(0))).append(rest);
        }
        if (out.isEmpty() || Character.isDigit(out.charAt(0))) {
            out.insert(0, '_');
        }
        return out.toString();
    }

    static String pascal(String name) {
        return pascal(name, false);
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
