package io.hetu.annotations;

/** A comparison between a row column (left) and a session value (right). */
public enum Comparison {
    EQ,
    NE,
    LT,
    LE,
    GT,
    GE;

    /** Whether the comparison holds for an order, the sign of {@code compare(left, right)}. */
    public boolean holds(int order) {
        return switch (this) {
            case EQ -> order == 0;
            case NE -> order != 0;
            case LT -> order < 0;
            case LE -> order <= 0;
            case GT -> order > 0;
            case GE -> order >= 0;
        };
    }
}
