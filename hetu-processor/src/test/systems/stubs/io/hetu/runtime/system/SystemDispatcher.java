package io.hetu.runtime.system;

import io.hetu.runtime.wire.WireReader;
import io.hetu.runtime.wire.WireWriter;
import java.util.List;

/** Stub of the runtime's SystemDispatcher. */
public interface SystemDispatcher {

    List<SystemDef> systems();

    void dispatch(int index, SystemContext ctx, WireReader args, WireWriter result);
}
