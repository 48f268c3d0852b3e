package io.hetu.sdk.typescript;

import java.util.Locale;
import java.util.Set;

/** How manifest names become TypeScript identifiers: camelCase members, PascalCase types. */
final class TsNames {

    /** Words a binding (a parameter or variable) may not be named in strict-mode TypeScript. */
    private static final Set<String> RESERVED = Set.of("arguments", "await", "break", "case", "catch", "class",
            "const", "continue", "debugger", "default", "delete", "do", "else", "enum", "eval", "export", "extends",
            "false", "finally", "for", "function", "if", "implements", "import", "in", "instanceof", "interface",
            "let", "new", "null", "package", "private", "protected", "public", "return", "static", "super", "switch",
            "this", "throw", "true", "try", "typeof", "undefined", "var", "void", "while", "with", "yield");

    private TsNames() {}

    /** {@code move_to}, {@code MoveTo}, {@code moveTo} → {@code moveTo}. */
    static String camel(String name) {
        String pascal = pascal(name);
        int upper = 0;
        while (upper < pascal.length() && Character.isUpperCase(pascal.charAt(upper))) {
            upper++;
        }
        // An acronym at the start (HTTPServer, ID) lower-cases all but the letter that begins the next word.
        int lower = upper > 1 && upper < pascal.length() ? upper - 1 : Math.max(upper, 1);
        return pascal.substring(0, Math.min(lower, pascal.length())).toLowerCase(Locale.ROOT)
                + pascal.substring(Math.min(lower, pascal.length()));
    }

    /** {@code move_to}, {@code moveTo}, {@code Shop.Item} → {@code MoveTo}, {@code ShopItem}. */
    static String pascal(String name) {
        StringBuilder out = new StringBuilder();
        boolean capitalize = true;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '_' || c == '.' || c == '-' || c == ' ') {
                capitalize = true;
            } else if (capitalize) {
                out.append(Character.toUpperCase(c));
                capitalize = false;
            } else {
                out.append(c);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("the name '" + name + "' has no letters to make an identifier of");
        }
        return out.toString();
    }

    /** {@code maxHp} → {@code MAX_HP}. */
    static String constant(String name) {
        String pascal = pascal(name);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < pascal.length(); i++) {
            char c = pascal.charAt(i);
            if (i > 0 && Character.isUpperCase(c) && !Character.isUpperCase(pascal.charAt(i - 1))) {
                out.append('_');
            }
            out.append(Character.toUpperCase(c));
        }
        return out.toString();
    }

    /** A parameter name that is no reserved word and none of the generator's own names in {@code taken}. */
    static String binding(String name, Set<String> taken) {
        String camel = camel(name);
        while (RESERVED.contains(camel) || taken.contains(camel)) {
            camel = camel + "_";
        }
        return camel;
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
