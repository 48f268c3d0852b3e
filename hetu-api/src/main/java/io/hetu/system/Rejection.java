package io.hetu.system;

import java.util.regex.Pattern;

/**
 * A system's refusal of a call, with a code the client can act on: thrown by the system
 * ({@code throw ctx.reject("NOT_ENOUGH_GOLD", "...")}), it rolls the transaction back and reaches
 * the caller as a typed rejection; the connection stays open.
 */
public final class Rejection extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private static final Pattern CODE = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");

    private final String code;

    public Rejection(String code, String message) {
        super(message, null, false, false);
        if (code == null || !CODE.matcher(code).matches()) {
            throw new IllegalArgumentException("a rejection code is an upper-case word such as NOT_ENOUGH_GOLD "
                    + "(letters, digits, underscores, at most 64), not '" + code + "'");
        }
        this.code = code;
    }

    public String code() {
        return code;
    }
}
