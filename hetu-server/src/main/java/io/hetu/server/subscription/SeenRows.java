package io.hetu.server.subscription;

import java.util.Arrays;

/**
 * Where the open UPDATE frame holds each (subscription, row) pair: the part and offset of its
 * item and the item's kind, so that a row that changes again in the same frame can have its
 * bytes replaced in place instead of a second item. Open addressing over parallel arrays; no
 * allocation per item.
 */
final class SeenRows {

    static final int ABSENT = -1;

    /** Subscription ids start at 1, so 0 marks a free slot. */
    private static final int FREE = 0;

    private int[] subscriptions = new int[16];
    private long[] rows = new long[16];
    private int[] parts = new int[16];
    private int[] offsets = new int[16];
    private byte[] kinds = new byte[16];
    private int size;

    /** The slot of the pair, or {@link #ABSENT}. */
    int find(int subscription, long rowId) {
        int mask = subscriptions.length - 1;
        for (int slot = hash(subscription, rowId) & mask; subscriptions[slot] != FREE; slot = (slot + 1) & mask) {
            if (subscriptions[slot] == subscription && rows[slot] == rowId) {
                return slot;
            }
        }
        return ABSENT;
    }

    /** Records (or moves) the pair's item: in part {@code part}, starting at {@code offset}. */
    void put(int subscription, long rowId, int part, int offset, byte kind) {
        if (size * 2 >= subscriptions.length) {
            grow();
        }
        int mask = subscriptions.length - 1;
        int slot = hash(subscription, rowId) & mask;
        while (subscriptions[slot] != FREE && !(subscriptions[slot] == subscription && rows[slot] == rowId)) {
            slot = (slot + 1) & mask;
        }
        if (subscriptions[slot] == FREE) {
            subscriptions[slot] = subscription;
            rows[slot] = rowId;
            size++;
        }
        parts[slot] = part;
        offsets[slot] = offset;
        kinds[slot] = kind;
    }

    int part(int slot) {
        return parts[slot];
    }

    int offset(int slot) {
        return offsets[slot];
    }

    byte kind(int slot) {
        return kinds[slot];
    }

    void clear() {
        if (size == 0) {
            return;
        }
        if (subscriptions.length > 4096 && size < subscriptions.length / 16) {
            // A burst grew it: give the memory back.
            subscriptions = new int[16];
            rows = new long[16];
            parts = new int[16];
            offsets = new int[16];
            kinds = new byte[16];
        } else {
            Arrays.fill(subscriptions, FREE);
        }
        size = 0;
    }

    private void grow() {
        int[] oldSubscriptions = subscriptions;
        long[] oldRows = rows;
        int[] oldParts = parts;
        int[] oldOffsets = offsets;
        byte[] oldKinds = kinds;
        int capacity = oldSubscriptions.length * 2;
        subscriptions = new int[capacity];
        rows = new long[capacity];
        parts = new int[capacity];
        offsets = new int[capacity];
        kinds = new byte[capacity];
        size = 0;
        for (int i = 0; i < oldSubscriptions.length; i++) {
            if (oldSubscriptions[i] != FREE) {
                put(oldSubscriptions[i], oldRows[i], oldParts[i], oldOffsets[i], oldKinds[i]);
            }
        }
    }

    private static int hash(int subscription, long rowId) {
        long h = rowId * 0x9E3779B97F4A7C15L + subscription;
        return (int) (h ^ (h >>> 29));
    }
}
