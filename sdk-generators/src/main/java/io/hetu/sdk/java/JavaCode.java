package io.hetu.sdk.java;

import java.util.Set;

/** Java source text: an indenting line writer, identifiers that are no keyword, and string literals. */
final class JavaCode {

    /** Keywords and literals, and the restricted identifiers a variable or member is better not named. */
    private static final Set<String> RESERVED = Set.of("abstract", "assert", "boolean", "break", "byte", "case",
            "catch", "char", "class", "const", "continue", "default", "do", "double", "else", "enum", "extends",
            "final", "finally", "float", "for", "goto", "if", "implements", "import", "instanceof", "int",
            "interface", "long", "native", "new", "package", "private", "protected", "public", "return", "short",
            "static", "strictfp", "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try",
            "void", "volatile", "while", "true", "false", "null", "_", "var", "yield", "record", "sealed", "permits");

    /** The methods of {@code Object}, which no generated member may be named: they would override or clash. */
    static final Set<String> OBJECT_METHODS = Set.of("getClass", "hashCode", "equals", "clone", "toString", "notify",
            "notifyAll", "wait", "finalize");

    private final StringBuilder text = new StringBuilder();
    private int depth;

    JavaCode line(String line) {
        if (!line.isEmpty()) {
            text.append("    ".repeat(depth)).append(line);
        }
        text.append('\n');
        return this;
    }

    JavaCode blank() {
        return line("");
    }

    /** Writes {@code header} followed by an opening brace, and indents. */
    JavaCode open(String header) {
        line(header + " {");
        depth++;
        return this;
    }

    JavaCode close() {
        return close("}");
    }

    JavaCode close(String closing) {
        depth--;
        return line(closing);
    }

    /** Indents after a line that both closes a block and opens the next, as an else does. */
    JavaCode depthIn() {
        depth++;
        return this;
    }

    /** Lines of Javadoc. */
    JavaCode doc(String text) {
        return line("/** " + text + " */");
    }

    @Override
    public String toString() {
        return text.toString();
    }

    static boolean isReserved(String name) {
        return RESERVED.contains(name);
    }

    /** A camelCase name as a variable or member that is no keyword, nor any of {@code taken}: {@code default_}. */
    static String identifier(String name, Set<String> taken) {
        String identifier = name;
        while (RESERVED.contains(identifier) || taken.contains(identifier)) {
            identifier += "_";
        }
        return identifier;
    }

    /** A Java string literal. */
    static String literal(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
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
