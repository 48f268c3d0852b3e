package io.hetu.schema;

import io.hetu.annotations.Permission;
import io.hetu.annotations.TableKind;
import java.util.List;

/**
 * What the engine knows of a component: its identity, permissions, row layout and indexes. The
 * HeTu processor generates one implementation per component ({@code <Name>Table}).
 *
 * @param <R> the component record
 * @param <V> the generated row flyweight
 */
public interface TableDescriptor<R extends Record, V extends RowView<R>> {

    String name();

    String namespace();

    Permission permission();

    /** The row-level security rule, or null unless {@link #permission()} is {@code RLS}. */
    RlsRule rls();

    TableKind kind();

    /** False for a volatile component, whose changes are never logged. */
    boolean durable();

    RowLayout layout();

    List<IndexDef> indexes();

    /** How a {@code LIST} or {@code SORTED_LIST} component keeps its lists; null for {@code GENERIC}. */
    default ListDef list() {
        return null;
    }

    /** A hash of everything that decides how rows are stored: names, types and layout. */
    String layoutHash();

    Class<R> recordType();

    /** A new, unwrapped flyweight. */
    V newRow();
}
