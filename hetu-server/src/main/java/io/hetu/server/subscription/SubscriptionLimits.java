package io.hetu.server.subscription;

/**
 * Per-connection limits of the subscription engine (docs/PROTOCOL.md, "Limits and closing").
 *
 * @param maxSubscriptions subscriptions one connection may hold at once
 * @param maxRows rows across all of one connection's subscription results
 */
public record SubscriptionLimits(int maxSubscriptions, int maxRows) {

    /** 256 subscriptions and 10,000 rows per connection. */
    public static final SubscriptionLimits DEFAULTS = new SubscriptionLimits(256, 10_000);

    public SubscriptionLimits {
        if (maxSubscriptions <= 0 || maxRows <= 0) {
            throw new IllegalArgumentException("subscription limits must be positive, were " + maxSubscriptions
                    + " subscriptions and " + maxRows + " rows");
        }
    }
}
