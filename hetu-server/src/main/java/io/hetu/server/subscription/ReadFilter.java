package io.hetu.server.subscription;

import io.hetu.annotations.Comparison;
import io.hetu.schema.FieldLayout;
import io.hetu.schema.Key;
import io.hetu.schema.Layouts;
import io.hetu.schema.RlsRule;
import io.hetu.schema.RowCodec;
import io.hetu.schema.RowLayout;
import io.hetu.schema.TableDescriptor;
import java.lang.foreign.MemorySegment;

/**
 * Which rows of one component one viewer may read (DESIGN.md §4): all, none, those it owns, or
 * those that pass the component's RLS rule against the viewer's session value.
 */
final class ReadFilter {

    private enum Mode { ALL, NONE, OWNER, RLS }

    private static final ReadFilter ALL = new ReadFilter(Mode.ALL, null, null, 0, null, null);
    private static final ReadFilter NONE = new ReadFilter(Mode.NONE, null, null, 0, null, null);

    private final Mode mode;
    private final FieldLayout column;
    private final RowLayout layout;
    private final long caller;
    private final Comparison op;
    private final SortKey value;

    private ReadFilter(Mode mode, FieldLayout column, RowLayout layout, long caller, Comparison op,
            SortKey value) {
        this.mode = mode;
        this.column = column;
        this.layout = layout;
        this.caller = caller;
        this.op = op;
        this.value = value;
    }

    static ReadFilter of(TableDescriptor<?, ?> table, Viewer viewer) {
        if (viewer.operator()) {
            return ALL; // an operator inspects the whole database (hetu query)
        }
        return switch (table.permission()) {
            case EVERYBODY -> ALL;
            case USER -> viewer.caller() != 0 ? ALL : NONE;
            case ADMIN -> viewer.admin() ? ALL : NONE;
            case NONE -> NONE;
            // Not logged in is nobody: no row is owned by caller 0.
            case OWNER -> viewer.caller() == 0 ? NONE
                    : new ReadFilter(Mode.OWNER, table.layout().field("owner"), table.layout(), viewer.caller(), null,
                            null);
            case RLS -> rls(table, viewer);
        };
    }

    private static ReadFilter rls(TableDescriptor<?, ?> table, Viewer viewer) {
        RlsRule rule = table.rls();
        FieldLayout column = table.layout().field(rule.field());
        Object sessionValue = viewer.values().get(rule.sessionKey());
        if (sessionValue == null) {
            return NONE;
        }
        try {
            return new ReadFilter(Mode.RLS, column, table.layout(), 0, rule.op(),
                    SortKey.of(Key.of(column, sessionValue)));
        } catch (IllegalArgumentException wrongType) {
            // A session value of another type than the column matches no row.
            return NONE;
        }
    }

    /** Whether no row at all is readable (the component is closed to this viewer). */
    boolean none() {
        return mode == Mode.NONE;
    }

    boolean test(MemorySegment row, long rowOffset) {
        return switch (mode) {
            case ALL -> true;
            case NONE -> false;
            case OWNER -> row.get(Layouts.I64, rowOffset + column.offset()) == caller;
            case RLS -> present(row, rowOffset) && op.holds(SortKey.of(column, row, rowOffset).compareTo(value));
        };
    }

    /** A null column compares with nothing, as in SQL: the row is not readable. */
    private boolean present(MemorySegment row, long rowOffset) {
        return RowCodec.isPresent(row, rowOffset, layout, column);
    }
}
