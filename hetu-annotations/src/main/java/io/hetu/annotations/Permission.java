package io.hetu.annotations;

/**
 * Who may read a component's rows, or call a system. Systems take {@code EVERYBODY}, {@code USER},
 * {@code ADMIN} or {@code NONE}.
 */
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
    ADMIN,
    /**
     * No client: a component only server code reads, or a system only server code calls (from
     * other systems or lifecycle hooks).
     */
    NONE
}
