package io.hetu.server.subscription;

import io.hetu.server.system.Session;
import io.hetu.server.system.AcceptingRegistry;
import io.hetu.server.system.CallContext;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Changes sessions the way a committed system call does (through {@link CallContext}) and
 * passes the registry's notice on to the engine, as the server does.
 */
final class SessionEdits extends AcceptingRegistry {

    private final Subscriptions engine;
    private final Map<Session, Subscriber> subscribers = new IdentityHashMap<>();

    SessionEdits(Subscriptions engine) {
        this.engine = engine;
    }

    /** Applies {@code edit} to the client's session as a committed call would. */
    synchronized void edit(TestClient client, Consumer<CallContext> edit) {
        subscribers.put(client.session(), client);
        CallContext context = new CallContext(client.session(), this);
        context.begin(null);
        edit.accept(context);
        client.sessionEdited();
        if (!context.commitEffects()) {
            throw new IllegalStateException("the session edit was refused");
        }
    }

    @Override
    public void sessionChanged(Session session) {
        engine.sessionChanged(subscribers.get(session));
    }
}
