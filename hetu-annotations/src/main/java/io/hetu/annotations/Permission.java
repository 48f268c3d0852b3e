package io.hetu.annotations;

/** Who may read a component's rows, or call a system. */
public enum Permission {
    /** Anyone, logged in or not. */
    EVERYBODY,
    /** Any logged-in caller. */
    USER,
    /** Only rows whose {@code long owner} column equals the caller's user id. */
    OWNER,
    /** Only rows that pass the component's {@link Rls} rule for the caller's session. */
    RLS,
    /** Only administrators. */
    ADMIN
}
