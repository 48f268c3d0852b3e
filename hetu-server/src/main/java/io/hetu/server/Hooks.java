package io.hetu.server;

import io.hetu.server.app.App;
import io.hetu.server.system.CallContext;
import io.hetu.server.system.Session;
import io.hetu.server.system.SessionRegistry;
import io.hetu.storage.Database;
import io.hetu.system.Hook;
import io.hetu.system.Rejection;
import io.hetu.wire.WireReader;
import io.hetu.wire.WireWriter;
import java.lang.foreign.MemorySegment;

/**
 * Runs the app's lifecycle hooks, each as a transaction with no arguments and an ignored result:
 * {@link Hook#ON_SERVER_START} once before the server listens, {@link Hook#ON_CONNECT} after a
 * connection's WELCOME and {@link Hook#ON_DISCONNECT} after its socket closed, both with the
 * connection's {@link CallContext}.
 */
final class Hooks {

    private final App app;
    private final Database database;
    private final FailureLog failures;

    Hooks(App app, Database database, FailureLog failures) {
        this.app = app;
        this.database = database;
        this.failures = failures;
    }

    /**
     * Runs the server-start hooks with a session of their own (connection id 0), each waiting
     * until its commit is durable. A failure is the app's and stops the server from starting.
     */
    void serverStart(SessionRegistry sessions) {
        CallContext context = new CallContext(new Session(0), sessions);
        WireReader none = noArguments();
        for (App.Entry entry : app.hooks(Hook.ON_SERVER_START)) {
            WireWriter ignored = new WireWriter();
            database.transact(entry.def().retry(), tx -> {
                context.begin(tx);
                entry.dispatcher().dispatch(entry.index(), context, none.rewind(), ignored.clear());
                return null;
            });
        }
    }

    /**
     * Runs a connection's {@link Hook#ON_CONNECT} or {@link Hook#ON_DISCONNECT} hooks on its event
     * loop. Nobody waits for their commits; a session change an OnConnect hook makes takes effect
     * like a call's. A failing hook is logged and does not stop the others or the connection, except
     * that an OnConnect hook that throws a {@link Rejection} refuses the connection: the hooks after
     * it do not run, and the rejection is returned (else null).
     */
    Rejection run(Hook hook, CallContext context) {
        WireReader none = noArguments();
        for (App.Entry entry : app.hooks(hook)) {
            WireWriter ignored = new WireWriter();
            try {
                long seq = database.commit(entry.def().retry(), tx -> {
                    context.begin(tx);
                    entry.dispatcher().dispatch(entry.index(), context, none.rewind(), ignored.clear());
                    context.attachEffects();
                });
                if (seq != 0) {
                    // Nobody waits for it, but asking lets a log that writes on the asking thread
                    // write it now, so that subscribers see it without delay.
                    database.durable(seq);
                }
                if (hook != Hook.ON_DISCONNECT) {
                    context.commitEffects();
                }
            } catch (Rejection refused) {
                if (hook == Hook.ON_CONNECT) {
                    return refused;
                }
                failures.report(hook + " hook " + entry.def().namespace() + "." + entry.def().name(), refused);
            } catch (RuntimeException e) {
                failures.report(hook + " hook " + entry.def().namespace() + "." + entry.def().name(), e);
            }
        }
        return null;
    }

    private static WireReader noArguments() {
        return new WireReader().reset(MemorySegment.ofArray(new byte[0]), 0, 0);
    }
}
