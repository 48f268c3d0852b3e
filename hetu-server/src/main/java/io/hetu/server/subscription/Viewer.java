package io.hetu.server.subscription;

import io.hetu.server.system.Session;
import java.util.Map;

/**
 * What read permissions depend on, copied from a connection's {@link Session} at one moment. The
 * engine filters with this copy, not with the live session, so that a connection's rows change
 * visibility only at {@link Subscriptions#sessionChanged}, together, at one seq.
 */
record Viewer(long caller, boolean admin, boolean operator, Map<String, Object> values) {

    static Viewer of(Session session) {
        return new Viewer(session.caller(), session.isAdmin(), session.isOperator(), Map.copyOf(session.values()));
    }
}
