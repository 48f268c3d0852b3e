package io.hetu.server.subscription;

import java.util.Arrays;

/**
 * A map from row ids to values without boxing: open addressing with linear probing and
 * backward-shift deletion. The fan-out thread looks rows up several times per change and
 * subscription, so this is on the hottest path of the engine.
 */
final class LongMap<V> {

    private long[] keys = new long[16];
    private Object[] values = new Object[16];
    private int size;

    @SuppressWarnings("unchecked")
    V get(long key) {
        int mask = keys.length - 1;
        for (int slot = hash(key) & mask; values[slot] != null; slot = (slot + 1) & mask) {
            if (keys[slot] == key) {
                return (V) values[slot];
            }
        }
        return null;
    }

    /** Maps {@code key} to {@code value}, which must not be null. */
    void put(long key, V value) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int slot = hash(key) & mask;
        while (values[slot] != null) {
            if (keys[slot] == key) {
                values[slot] = value;
                return;
            }
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        values[slot] = value;
        size++;
    }

    /** Removes the key; returns its value, or null when it was absent. */
    @SuppressWarnings("unchecked")
    V remove(long key) {
        int mask = keys.length - 1;
        int slot = hash(key) & mask;
        while (values[slot] != null && keys[slot] != key) {
            slot = (slot + 1) & mask;
        }
        Object removed = values[slot];
        if (removed == null) {
            return null;
        }
        // Shift later entries of the probe run back, so that no lookup stops early at the hole.
        int hole = slot;
        for (int next = (hole + 1) & mask; values[next] != null; next = (next + 1) & mask) {
            int home = hash(keys[next]) & mask;
            boolean movable = hole <= next ? home <= hole || home > next : home <= hole && home > next;
            if (movable) {
                keys[hole] = keys[next];
                values[hole] = values[next];
                hole = next;
            }
        }
        values[hole] = null;
        size--;
        return (V) removed;
    }

    int size() {
        return size;
    }

    void clear() {
        if (size > 0) {
            Arrays.fill(values, null);
            size = 0;
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new Object[oldValues.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != null) {
                @SuppressWarnings("unchecked")
                V value = (V) oldValues[i];
                put(oldKeys[i], value);
            }
        }
    }

    private static int hash(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
