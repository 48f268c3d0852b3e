package io.hetu.sdk;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How manifest names become the names of an SDK, the same in every language: PascalCase for types and for the
 * parts of method names, camelCase for members and parameters. A name's words are its runs of letters and digits
 * ({@code move_to} and {@code moveTo} alike give {@code MoveTo}).
 */
public final class Names {

    private Names() {}

    /** The runs of letters and digits of {@code name}, as written. */
    public static List<String> words(String name) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        name.codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c)) {
                word.appendCodePoint(c);
            } else if (!word.isEmpty()) {
                words.add(word.toString());
                word.setLength(0);
            }
        });
        if (!word.isEmpty()) {
            words.add(word.toString());
        }
        if (words.isEmpty()) {
            throw new IllegalArgumentException("the name '" + name + "' has no letters to make an identifier of");
        }
        return words;
    }

    /** {@code move_to}, {@code moveTo}, {@code Shop.Item} → {@code MoveTo}, {@code MoveTo}, {@code ShopItem}. */
    public static String pascal(String name) {
        StringBuilder out = new StringBuilder();
        for (String word : words(name)) {
            out.appendCodePoint(Character.toUpperCase(word.codePointAt(0))).append(word, word.offsetByCodePoints(0, 1),
                    word.length());
        }
        if (Character.isDigit(out.charAt(0))) {
            out.insert(0, '_');
        }
        return out.toString();
    }

    /** {@code move_to}, {@code MoveTo}, {@code moveTo} → {@code moveTo}; a leading acronym: {@code HTTPServer} → {@code httpServer}. */
    public static String camel(String name) {
        String pascal = pascal(name);
        int upper = 0;
        while (upper < pascal.length() && Character.isUpperCase(pascal.charAt(upper))) {
            upper++;
        }
        // An acronym at the start (HTTPServer, ID) lower-cases all but the letter that begins the next word.
        int lower = upper > 1 && upper < pascal.length() ? upper - 1 : Math.max(upper, 1);
        lower = Math.min(lower, pascal.length());
        return pascal.substring(0, lower).toLowerCase(Locale.ROOT) + pascal.substring(lower);
    }

    /** {@code maxHp} → {@code MAX_HP}. */
    public static String constant(String name) {
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
}
