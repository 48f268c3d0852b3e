package io.hetu.annotations;

/** A comparison between a row column (left) and a session value (right). */
public enum Comparison {
    EQ,
    NE,
    LT,
    LE,
    GT,
    GE
}
