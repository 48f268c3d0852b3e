package io.hetu.server.system;

/**
 * A {@link SessionRegistry} for tests that drive a {@link CallContext} without a server: every
 * login succeeds, no user is logged in elsewhere; {@link #sessionChanged} does nothing unless
 * overridden.
 */
public class AcceptingRegistry implements SessionRegistry {

    @Override
    public boolean loggedInElsewhere(Session session, long userId) {
        return false;
    }

    @Override
    public boolean login(Session session, long userId, boolean kickOthers) {
        return true;
    }
}
