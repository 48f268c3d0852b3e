package io.hetu.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a static method as a system: a transactional RPC that clients call over the WebSocket.
 * The first parameter is the {@code SystemContext}; the others, and the result, use component
 * column types, records of them, and arrays or lists of them. Each call runs in one serializable
 * transaction, retried on conflict.
 *
 * <pre>{@code
 * @GameSystem(namespace = "ssw", permission = Permission.USER, retry = 999)
 * static void moveTo(SystemContext ctx, float x, float y) {
 *     ctx.upsert(PositionTable.OWNER, ctx.caller()).x(x).y(y);
 * }
 * }</pre>
 *
 * <p>Another system is called inside the same transaction by calling its method.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface GameSystem {

    /** The namespace that owns this system; system names are unique within a namespace. */
    String namespace();

    /** Who may call it: {@code EVERYBODY}, {@code USER}, {@code ADMIN}, or {@code NONE} (server code only). */
    Permission permission() default Permission.USER;

    /** How many more times to run the call when its transaction conflicts; 0 runs it once. */
    int retry() default 10;

    /**
     * Whether running a call twice leaves what running it once does (it sets a position, it does
     * not add to a balance). The server then does not remember its outcome for a call the SDK sends
     * again after a lost connection (docs/SYSTEMS.md): it runs again, and the write that remembering
     * costs is saved. Leave it false for anything that adds, spends or creates.
     */
    boolean idempotent() default false;
}
