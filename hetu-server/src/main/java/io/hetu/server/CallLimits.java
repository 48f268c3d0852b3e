package io.hetu.server;

import io.hetu.server.system.Session;
import io.hetu.system.CallLimit;
import io.hetu.system.SystemDef;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code @RateLimit}s of systems, as token buckets: one per connection and system (held by the
 * connection's call handler, used on its event loop), and one per user and system for limits
 * counted per user (shared by the server's connections). Buckets of users that are full again are
 * dropped now and then, so the shared map holds only users who called lately.
 */
final class CallLimits {

    /** A token bucket: {@code burst} tokens, refilled at {@code perSecond}; a call takes one. */
    static final class Bucket {
        private final double perNano;
        private final double burst;
        private double tokens;
        private long last;

        Bucket(CallLimit limit, long now) {
            this.perNano = limit.perSecond() / 1e9;
            this.burst = limit.burst();
            this.tokens = burst;
            this.last = now;
        }

        /** 0 when a call may run now (it took a token), else the nanoseconds until one may. */
        synchronized long take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / perNano);
        }

        synchronized boolean full(long now) {
            refill(now);
            return tokens >= burst;
        }

        private void refill(long now) {
            tokens = Math.min(burst, tokens + (now - last) * perNano);
            last = now;
        }
    }

    private record UserKey(int system, long user) {}

    private static final int SWEEP_EVERY = 4096;

    private final Map<UserKey, Bucket> users = new ConcurrentHashMap<>();
    private int untilSweep = SWEEP_EVERY;

    /** One connection's buckets; confined to its event loop. */
    final class ForConnection {
        private final Map<Integer, Bucket> buckets = new HashMap<>();

        /**
         * Takes a call of system {@code id} from the limit: 0 when it may run, else the
         * nanoseconds until it may. A per-user limit counts per connection until the caller logs in.
         */
        long take(int id, SystemDef def, Session session) {
            CallLimit limit = def.limit();
            long now = System.nanoTime();
            if (limit.perUser() && session.caller() != 0) {
                sweep(now);
                return users.computeIfAbsent(new UserKey(id, session.caller()), k -> new Bucket(limit, now)).take(now);
            }
            return buckets.computeIfAbsent(id, k -> new Bucket(limit, now)).take(now);
        }
    }

    ForConnection forConnection() {
        return new ForConnection();
    }

    private void sweep(long now) {
        boolean due;
        synchronized (this) {
            due = --untilSweep <= 0;
            if (due) {
                untilSweep = SWEEP_EVERY;
            }
        }
        if (due) {
            users.values().removeIf(bucket -> bucket.full(now));
        }
    }

    /** Users with a bucket now, for tests. */
    int userBuckets() {
        return users.size();
    }

    /** The REJECTED message: what the limit is and when to call again. */
    static String message(SystemDef def, long waitNanos) {
        CallLimit limit = def.limit();
        return def.name() + " allows " + format(limit.perSecond()) + " call(s) a second, " + limit.burst()
                + " at once, per " + (limit.perUser() ? "user" : "connection") + "; call again in "
                + Math.max(1, (waitNanos + 999_999) / 1_000_000) + " ms";
    }

    private static String format(double perSecond) {
        return perSecond == Math.rint(perSecond) ? Long.toString((long) perSecond) : Double.toString(perSecond);
    }
}
