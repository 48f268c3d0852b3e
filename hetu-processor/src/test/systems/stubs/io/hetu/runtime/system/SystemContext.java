package io.hetu.runtime.system;

/** Stub: the context a system receives. */
public final class SystemContext {

    public long caller() {
        throw new UnsupportedOperationException("stub");
    }
}
