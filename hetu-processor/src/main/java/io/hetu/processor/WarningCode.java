package io.hetu.processor;

/**
 * Every warning the processor reports, with a code that never changes meaning. Messages are prefixed
 * with {@code [HETU-Wnnn]}; {@code @SuppressWarnings("HETU-Wnnn")} on the element (or a class enclosing
 * it) silences one where it is intended.
 */
public enum WarningCode {
    NAMESPACE_WITHOUT_COMPONENTS(301),
    NAMESPACE_WITHOUT_SYSTEMS(302);

    private final int number;

    WarningCode(int number) {
        this.number = number;
    }

    /** The stable code, such as {@code HETU-W301}. */
    public String code() {
        return "HETU-W" + number;
    }

    /** The message as shown to the user: code first, then what looks wrong and what to do. */
    public String format(String message) {
        return "[" + code() + "] " + message;
    }
}
