package io.hetu.system;

/**
 * A system's {@code @RateLimit}, as its generated dispatcher declares it.
 *
 * @param perSecond calls a second in the long run
 * @param burst calls at once after a quiet spell
 * @param perUser whether calls are counted per user rather than per connection
 */
public record CallLimit(double perSecond, int burst, boolean perUser) {

    public CallLimit {
        if (!(perSecond > 0) || perSecond > 10_000 || burst < 1) {
            throw new IllegalArgumentException("a rate limit needs 0 < perSecond <= 10000 and burst >= 1, was "
                    + perSecond + " and " + burst);
        }
    }
}
