package io.hetu.server.system;

import java.util.Map;

/**
 * What a connection's session is after a committed call changed it. It is attached to the call's
 * transaction, so subscribers see the change at exactly that commit's seq, in order with every
 * other commit.
 */
public record SessionState(Session session, long caller, boolean admin, Map<String, Object> values) {}
