package io.hetu.server.subscription;

import java.util.Arrays;

/**
 * The (subscription, row) pairs of one open UPDATE frame, so that the frame is rewritten as its net
 * effect only when a row really appears in it twice. Open addressing over two parallel arrays; no
 * allocation per item.
 */
final class SeenRows {

    private static final int EMPTY = 0;

    /** Subscription ids start at 1, so 0 marks a free slot. */
    private int[] subscriptions = new int[16];
    private long[] rows = new long[16];
    private int size;

    /** Adds the pair; returns false when it was already there. */
    boolean add(int subscription, long rowId) {
        if (size * 2 >= subscriptions.length) {
            grow();
        }
        int mask = subscriptions.length - 1;
        int slot = hash(subscription, rowId) & mask;
        while (subscriptions[slot] != EMPTY) {
            if (subscriptions[slot] == subscription && rows[slot] == rowId) {
                return false;
            }
            slot = (slot + 1) & mask;
        }
        subscriptions[slot] = subscription;
        rows[slot] = rowId;
        size++;
        return true;
    }

    void clear() {
        if (size > 0) {
            if (subscriptions.length > 4096 && size < subscriptions.length / 16) {
                // A burst grew it: give the memory back.
                subscriptions = new int[16];
                rows = new long[16];
            } else {
                Arrays.fill(subscriptions, EMPTY);
            }
            size = 0;
        }
    }

    private void grow() {
        int[] oldSubscriptions = subscriptions;
        long[] oldRows = rows;
        subscriptions = new int[oldSubscriptions.length * 2];
        rows = new long[oldRows.length * 2];
        size = 0;
        for (int i = 0; i < oldSubscriptions.length; i++) {
            if (oldSubscriptions[i] != EMPTY) {
                add(oldSubscriptions[i], oldRows[i]);
            }
        }
    }

    private static int hash(int subscription, long rowId) {
        long h = rowId * 0x9E3779B97F4A7C15L + subscription;
        return (int) (h ^ (h >>> 29));
    }
}
