package io.hetu.server.once;

import io.hetu.annotations.Component;
import io.hetu.annotations.Index;
import io.hetu.annotations.MaxLength;
import io.hetu.annotations.Permission;
import io.hetu.annotations.Unique;

/**
 * The outcome of a committed CALL_ONCE, kept so that the same call sent again (after a lost
 * connection, to this server or another on the same store) is answered without running again
 * (docs/PROTOCOL.md, calls that run once). The server's own component, which no client reads. A
 * user has {@link OnceCalls#SLOTS} slots; a call takes the slot of its id's low bits, replacing what
 * the slot held, and its row is written in the same commit as the call's own writes.
 *
 * @param slot the user and slot mixed into one key
 * @param user the caller
 * @param callId the client's call id
 * @param minute the minute the call committed in (minutes since the epoch, by the server's clock):
 *     rows older than the retention go. A minute, not an instant, so that a slot reused within the
 *     same minute keeps its place in the index
 * @param kept whether {@code result} holds the call's result (else it was longer than {@link #MAX_RESULT_BYTES})
 * @param result the RESULT's value bytes
 */
@Component(namespace = "hetu", permission = Permission.NONE)
public record CallOutcome(
        @Unique long slot,
        long user,
        long callId,
        @Index long minute,
        boolean kept,
        @MaxLength(CallOutcome.MAX_RESULT_BYTES) byte[] result) {

    /** The longest result kept; a retried call with a longer one is told it ran, without its result. */
    public static final int MAX_RESULT_BYTES = 128;
}
