package io.hetu.server.subscription;

import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The range subscriptions of one index, in an interval tree: a treap ordered by low end, each node
 * augmented with the highest high end in its subtree. Finding the ranges that contain a key visits
 * O(k log n) nodes for k matches among n ranges, however many ranges miss it.
 */
final class RangeTree {

    private static final class Node {
        final RangeSubscription range;
        final int priority;
        Node left;
        Node right;
        SortKey maxHigh;
        boolean maxHighInclusive;

        Node(RangeSubscription range, int priority) {
            this.range = range;
            this.priority = priority;
            update();
        }

        void update() {
            KeyBounds bounds = range.bounds();
            maxHigh = bounds.high();
            maxHighInclusive = bounds.highInclusive();
            widen(left);
            widen(right);
        }

        private void widen(Node child) {
            if (child != null
                    && KeyBounds.compareHigh(child.maxHigh, child.maxHighInclusive, maxHigh, maxHighInclusive) > 0) {
                maxHigh = child.maxHigh;
                maxHighInclusive = child.maxHighInclusive;
            }
        }
    }

    private final RandomGenerator priorities = new SplittableRandom(0x5EED);
    private Node root;
    private int size;
    private long nodesVisited;

    int size() {
        return size;
    }

    /** How many nodes lookups have visited so far: the work done, for tests of matching cost. */
    long nodesVisited() {
        return nodesVisited;
    }

    void add(RangeSubscription range) {
        root = insert(root, new Node(range, priorities.nextInt()));
        size++;
    }

    void remove(RangeSubscription range) {
        root = delete(root, range);
        size--;
    }

    /** Passes every range that contains {@code key} to {@code out}. */
    void containing(SortKey key, Consumer<RangeSubscription> out) {
        visit(root, key, out);
    }

    private void visit(Node node, SortKey key, Consumer<RangeSubscription> out) {
        while (node != null) {
            nodesVisited++;
            if (!KeyBounds.admitsBelow(node.maxHigh, node.maxHighInclusive, key)) {
                return;
            }
            visit(node.left, key, out);
            KeyBounds bounds = node.range.bounds();
            if (!bounds.admitsFromLow(key)) {
                // Every range to the right starts at or after this one, so after the key too.
                return;
            }
            if (bounds.admitsFromHigh(key)) {
                out.accept(node.range);
            }
            node = node.right;
        }
    }

    private static int compare(RangeSubscription a, RangeSubscription b) {
        int order = a.bounds().compareLow(b.bounds());
        return order != 0 ? order : Long.compare(a.serial(), b.serial());
    }

    private static Node insert(Node node, Node fresh) {
        if (node == null) {
            return fresh;
        }
        if (compare(fresh.range, node.range) < 0) {
            node.left = insert(node.left, fresh);
            if (node.left.priority > node.priority) {
                node = rotateRight(node);
            }
        } else {
            node.right = insert(node.right, fresh);
            if (node.right.priority > node.priority) {
                node = rotateLeft(node);
            }
        }
        node.update();
        return node;
    }

    private static Node delete(Node node, RangeSubscription range) {
        if (node == null) {
            throw new IllegalStateException("range subscription " + range.serial() + " is not in the tree");
        }
        int order = compare(range, node.range);
        if (order < 0) {
            node.left = delete(node.left, range);
        } else if (order > 0) {
            node.right = delete(node.right, range);
        } else {
            return merge(node.left, node.right);
        }
        node.update();
        return node;
    }

    private static Node merge(Node a, Node b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        if (a.priority > b.priority) {
            a.right = merge(a.right, b);
            a.update();
            return a;
        }
        b.left = merge(a, b.left);
        b.update();
        return b;
    }

    private static Node rotateRight(Node node) {
        Node pivot = node.left;
        node.left = pivot.right;
        pivot.right = node;
        node.update();
        pivot.update();
        return pivot;
    }

    private static Node rotateLeft(Node node) {
        Node pivot = node.right;
        node.right = pivot.left;
        pivot.left = node;
        node.update();
        pivot.update();
        return pivot;
    }
}
