package io.hetu.schema;

import io.hetu.annotations.Comparison;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A condition on a row's columns, for filtering a range or a scan of a table: {@code Eq},
 * {@code NotEq}, {@code Lt}, {@code Lte}, {@code Gt}, {@code Gte}, {@code Between}, {@code In},
 * {@code NotIn}, {@code StartsWith}, {@code EndsWith}, {@code Contains}, {@code IsNull},
 * {@code NotNull}, combined with {@link #and}, {@link #or} and {@link #not}.
 *
 * <p>Comparisons use the index order ({@link KeyCodec}): numbers by value, floats like
 * {@link Double#compare}, strings by UTF-8 bytes, enums by ordinal. A comparison with a null
 * column is false (only {@code IsNull} matches it). Text operators apply to {@code String}
 * columns and match UTF-8 bytes. A filter is checked against the table's layout when it is used,
 * so a misspelt column or a value of the wrong type fails at once with the column named.
 */
public abstract sealed class Filter {

    /** A filter bound to one table's layout, tested against rows in place. */
    @FunctionalInterface
    public interface Bound {
        boolean test(MemorySegment segment, long rowOffset);
    }

    private Filter() {}

    public static Filter eq(String column, Object value) {
        return new Compare(column, Op.EQ, value, null);
    }

    public static Filter notEq(String column, Object value) {
        return new Compare(column, Op.NE, value, null);
    }

    public static Filter lt(String column, Object value) {
        return new Compare(column, Op.LT, value, null);
    }

    public static Filter lte(String column, Object value) {
        return new Compare(column, Op.LE, value, null);
    }

    public static Filter gt(String column, Object value) {
        return new Compare(column, Op.GT, value, null);
    }

    public static Filter gte(String column, Object value) {
        return new Compare(column, Op.GE, value, null);
    }

    /** {@code low <= column <= high}. */
    public static Filter between(String column, Object low, Object high) {
        return new Compare(column, Op.BETWEEN, low, high);
    }

    public static Filter in(String column, Object... values) {
        return new Membership(column, List.of(values), true);
    }

    public static Filter notIn(String column, Object... values) {
        return new Membership(column, List.of(values), false);
    }

    public static Filter startsWith(String column, String text) {
        return new Text(column, TextOp.STARTS, text);
    }

    public static Filter endsWith(String column, String text) {
        return new Text(column, TextOp.ENDS, text);
    }

    public static Filter contains(String column, String text) {
        return new Text(column, TextOp.CONTAINS, text);
    }

    public static Filter isNull(String column) {
        return new Nullness(column, true);
    }

    public static Filter notNull(String column) {
        return new Nullness(column, false);
    }

    public Filter and(Filter other) {
        return new Junction(this, other, true);
    }

    public Filter or(Filter other) {
        return new Junction(this, other, false);
    }

    public static Filter not(Filter filter) {
        return new Negation(filter);
    }

    /** Binds the filter to a table's layout, checking columns and value types. */
    public abstract Bound bind(RowLayout layout);

    private enum Op {
        EQ(Comparison.EQ), NE(Comparison.NE), LT(Comparison.LT), LE(Comparison.LE), GT(Comparison.GT),
        GE(Comparison.GE), BETWEEN(null);

        /** The comparison of a one-sided op; null for BETWEEN. */
        final Comparison comparison;

        Op(Comparison comparison) {
            this.comparison = comparison;
        }
    }

    private enum TextOp {
        STARTS, ENDS, CONTAINS
    }

    private static FieldLayout column(RowLayout layout, String name) {
        for (FieldLayout field : layout.fields()) {
            if (field.name().equals(name)) {
                return field;
            }
        }
        throw new IllegalArgumentException("a filter names column '" + name + "', which is not one of "
                + layout.fields().stream().map(FieldLayout::name).toList());
    }

    private static boolean present(FieldLayout column, RowLayout layout, MemorySegment segment, long rowOffset) {
        return RowCodec.isPresent(segment, rowOffset, layout, column);
    }

    private static Key key(FieldLayout column, Object value) {
        if (column.type() == FieldType.BYTES) {
            throw new IllegalArgumentException("column " + column.name() + " is byte[], which has no order or "
                    + "equality filter; filter on another column");
        }
        return Key.of(column, value);
    }

    private static final class Compare extends Filter {
        private final String name;
        private final Op op;
        private final Object value;
        private final Object high;

        Compare(String name, Op op, Object value, Object high) {
            this.name = name;
            this.op = op;
            this.value = value;
            this.high = high;
        }

        @Override
        public Bound bind(RowLayout layout) {
            FieldLayout column = column(layout, name);
            Key key = key(column, value);
            Key upper = op == Op.BETWEEN ? key(column, high) : null;
            return (segment, rowOffset) -> {
                if (!present(column, layout, segment, rowOffset)) {
                    return false;
                }
                int order = RowKeys.compare(column, segment, rowOffset, key);
                return op == Op.BETWEEN ? order >= 0 && RowKeys.compare(column, segment, rowOffset, upper) <= 0
                        : op.comparison.holds(order);
            };
        }
    }

    private static final class Membership extends Filter {
        private final String name;
        private final List<Object> values;
        private final boolean in;

        Membership(String name, List<Object> values, boolean in) {
            this.name = name;
            this.values = values;
            this.in = in;
        }

        @Override
        public Bound bind(RowLayout layout) {
            FieldLayout column = column(layout, name);
            Key[] keys = values.stream().map(v -> key(column, v)).toArray(Key[]::new);
            return (segment, rowOffset) -> {
                if (!present(column, layout, segment, rowOffset)) {
                    return false;
                }
                for (Key key : keys) {
                    if (RowKeys.compare(column, segment, rowOffset, key) == 0) {
                        return in;
                    }
                }
                return !in;
            };
        }
    }

    private static final class Text extends Filter {
        private final String name;
        private final TextOp op;
        private final byte[] text;

        Text(String name, TextOp op, String text) {
            this.name = name;
            this.op = op;
            this.text = text.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public Bound bind(RowLayout layout) {
            FieldLayout column = column(layout, name);
            if (column.type() != FieldType.STRING) {
                throw new IllegalArgumentException("column " + name + " is " + column.type().wireName()
                        + "; text filters apply to String columns");
            }
            MemorySegment needle = MemorySegment.ofArray(text);
            return (segment, rowOffset) -> {
                if (!present(column, layout, segment, rowOffset)) {
                    return false;
                }
                long at = rowOffset + column.offset();
                int length = Short.toUnsignedInt(segment.get(Layouts.I16, at));
                if (text.length > length) {
                    return false;
                }
                long start = at + 2;
                return switch (op) {
                    case STARTS -> matches(segment, start, needle);
                    case ENDS -> matches(segment, start + length - text.length, needle);
                    case CONTAINS -> {
                        for (long from = start; from <= start + length - text.length; from++) {
                            if (matches(segment, from, needle)) {
                                yield true;
                            }
                        }
                        yield false;
                    }
                };
            };
        }

        private static boolean matches(MemorySegment segment, long at, MemorySegment needle) {
            long size = needle.byteSize();
            return size == 0 || MemorySegment.mismatch(segment, at, at + size, needle, 0, size) == -1;
        }
    }

    private static final class Nullness extends Filter {
        private final String name;
        private final boolean wantNull;

        Nullness(String name, boolean wantNull) {
            this.name = name;
            this.wantNull = wantNull;
        }

        @Override
        public Bound bind(RowLayout layout) {
            FieldLayout column = column(layout, name);
            return (segment, rowOffset) -> present(column, layout, segment, rowOffset) != wantNull;
        }
    }

    private static final class Junction extends Filter {
        private final Filter left;
        private final Filter right;
        private final boolean and;

        Junction(Filter left, Filter right, boolean and) {
            this.left = left;
            this.right = right;
            this.and = and;
        }

        @Override
        public Bound bind(RowLayout layout) {
            Bound a = left.bind(layout);
            Bound b = right.bind(layout);
            return and ? (s, o) -> a.test(s, o) && b.test(s, o) : (s, o) -> a.test(s, o) || b.test(s, o);
        }
    }

    private static final class Negation extends Filter {
        private final Filter inner;

        Negation(Filter inner) {
            this.inner = inner;
        }

        @Override
        public Bound bind(RowLayout layout) {
            Bound bound = inner.bind(layout);
            return (s, o) -> !bound.test(s, o);
        }
    }
}
