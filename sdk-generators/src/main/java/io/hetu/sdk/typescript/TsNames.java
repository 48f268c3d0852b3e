package io.hetu.sdk.typescript;

import java.util.Set;

/**
 * TypeScript spellings: bindings that are no reserved word, and string literals. The names themselves come from the
 * {@link io.hetu.sdk.SdkModel} and {@link io.hetu.sdk.Names}.
 */
final class TsNames {

    /** Words a binding (a parameter or variable) may not be named in strict-mode TypeScript. */
    private static final Set<String> RESERVED = Set.of("arguments", "await", "break", "case", "catch", "class",
            "const", "continue", "debugger", "default", "delete", "do", "else", "enum", "eval", "export", "extends",
            "false", "finally", "for", "function", "if", "implements", "import", "in", "instanceof", "interface",
            "let", "new", "null", "package", "private", "protected", "public", "return", "static", "super", "switch",
            "this", "throw", "true", "try", "typeof", "undefined", "var", "void", "while", "with", "yield");

    private TsNames() {}

    /** A camelCase name as a binding that is no reserved word and none of the generator's own names in {@code taken}. */
    static String binding(String name, Set<String> taken) {
        String binding = name;
        while (RESERVED.contains(binding) || taken.contains(binding)) {
            binding = binding + "_";
        }
        return binding;
    }

    /** A single-quoted TypeScript string literal. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder("'");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\'' -> out.append("\\'");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('\'').toString();
    }
}
