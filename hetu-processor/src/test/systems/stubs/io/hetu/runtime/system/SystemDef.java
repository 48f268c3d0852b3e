package io.hetu.runtime.system;

import io.hetu.annotations.Permission;

/** Stub of the runtime's SystemDef. */
public record SystemDef(String namespace, String name, Permission permission, int retry, Hook hook) {}
