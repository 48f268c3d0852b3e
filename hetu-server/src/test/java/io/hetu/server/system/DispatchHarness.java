package io.hetu.server.system;

import io.hetu.server.system.fixtures.HetuSystems;
import io.hetu.server.system.fixtures.TallyTable;
import io.hetu.storage.Database;
import io.hetu.storage.embedded.Embedded;
import io.hetu.system.Hook;
import io.hetu.system.SystemDef;
import io.hetu.wire.WireReader;
import io.hetu.wire.WireWriter;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Calls the generated fixture dispatcher the way the server does: arguments as bytes, one
 * connection's context, one transaction of an in-memory database per call.
 */
final class DispatchHarness implements AutoCloseable {

    /** Accepts every login; remembers the sessions that changed. */
    static final class Registry extends AcceptingRegistry {

        int changes;

        @Override
        public void sessionChanged(Session session) {
            changes++;
        }
    }

    final HetuSystems dispatcher = new HetuSystems();
    final Database db = Embedded.inMemory(List.of(TallyTable.TABLE));
    final Session session = new Session(7);
    final Registry registry = new Registry();
    final CallContext ctx = new CallContext(session, registry);

    /** The index of the system or hook {@code name} of kind {@code hook}. */
    int index(String name, Hook hook) {
        List<SystemDef> systems = dispatcher.systems();
        for (int i = 0; i < systems.size(); i++) {
            if (systems.get(i).name().equals(name) && systems.get(i).hook() == hook) {
                return i;
            }
        }
        throw new AssertionError("no " + hook + " " + name + " in " + systems);
    }

    /** Calls system {@code name} with the arguments {@code args} writes; returns a reader over the result. */
    WireReader call(String name, Consumer<WireWriter> args) {
        return run(index(name, Hook.CALL), bytes(args));
    }

    /** Calls system {@code name} with exactly these argument bytes. */
    WireReader call(String name, byte[] args) {
        return run(index(name, Hook.CALL), args);
    }

    /** Runs a hook, then applies its session effects as the server does after the commit. */
    void hook(String name, Hook hook) {
        run(index(name, hook), new byte[0]);
        ctx.commitEffects();
    }

    WireReader run(int index, byte[] args) {
        WireWriter result = new WireWriter();
        db.run(0, tx -> {
            ctx.begin(tx);
            result.clear();
            dispatcher.dispatch(index, ctx, reader(args), result);
        });
        return reader(Arrays.copyOf(result.array(), result.size()));
    }

    static byte[] bytes(Consumer<WireWriter> write) {
        WireWriter writer = new WireWriter();
        write.accept(writer);
        return Arrays.copyOf(writer.array(), writer.size());
    }

    static WireReader reader(byte[] bytes) {
        return new WireReader().reset(MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    @Override
    public void close() {
        db.close();
    }
}
