package io.hetu.system;

import io.hetu.annotations.Permission;

/**
 * One system as its generated dispatcher declares it.
 *
 * @param namespace the owning namespace
 * @param name the system's name (the method name)
 * @param permission who may call it
 * @param retry how many more times a conflicting call runs
 * @param hook when it runs
 * @param tickNanos for a {@link Hook#TICK}, the time between runs in nanoseconds; 0 for others
 * @param limit how often clients may call it ({@code @RateLimit}), or null for no limit
 * @param idempotent whether it is safe to run twice ({@code @GameSystem(idempotent = true)}): its calls are
 *     not remembered as calls that run once
 */
public record SystemDef(String namespace, String name, Permission permission, int retry, Hook hook,
        long tickNanos, CallLimit limit, boolean idempotent) {

    public SystemDef(String namespace, String name, Permission permission, int retry, Hook hook, long tickNanos,
            CallLimit limit) {
        this(namespace, name, permission, retry, hook, tickNanos, limit, false);
    }

    public SystemDef(String namespace, String name, Permission permission, int retry, Hook hook) {
        this(namespace, name, permission, retry, hook, 0, null);
    }

    public SystemDef(String namespace, String name, Permission permission, int retry, Hook hook, long tickNanos) {
        this(namespace, name, permission, retry, hook, tickNanos, null);
    }
}
