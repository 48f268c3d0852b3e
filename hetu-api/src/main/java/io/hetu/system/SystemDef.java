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
 */
public record SystemDef(String namespace, String name, Permission permission, int retry, Hook hook) {}
