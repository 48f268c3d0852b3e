package io.hetu.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record as a component: a table with a fixed schema whose rows live off-heap.
 *
 * <p>Each record component becomes a column. Rows get an engine-assigned {@code long id} and a
 * version, so no column may be called {@code id}. At compile time the HeTu processor generates
 * a zero-copy row flyweight ({@code <Name>Row}), a table descriptor ({@code <Name>Table}) and an
 * entry in {@code META-INF/hetu/schema.json}.
 *
 * <pre>{@code
 * @Component(namespace = "ssw", permission = Permission.OWNER)
 * public record Position(float x, float y, @Unique long owner) {}
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Component {

    /**
     * The namespace that owns this component: a letter followed by letters, digits or
     * underscores, at most 64 characters. Component names are unique within a namespace.
     */
    String namespace();

    /** Who may read rows of this component through subscriptions. */
    Permission permission() default Permission.USER;

    /**
     * Whether committed changes to this component survive a restart. A component with
     * {@code durable = false} (a volatile component) is never written to the log or to
     * snapshots: use it for data that is cheap to rebuild, such as presence or cooldowns.
     */
    boolean durable() default true;

    /** How rows are organised; see {@link TableKind}. */
    TableKind kind() default TableKind.GENERIC;

    /**
     * For a {@link TableKind#LIST LIST} or {@link TableKind#SORTED_LIST SORTED_LIST}: the most rows
     * one list (one value of the {@link ListKey} column) holds, from 1 to 10,000. Required for
     * those kinds, not allowed on others.
     */
    int capacity() default 0;

    /**
     * For a {@link TableKind#LIST LIST} or {@link TableKind#SORTED_LIST SORTED_LIST}: which end of a
     * full list loses a row when another is appended. Not allowed on other kinds.
     */
    Eviction evict() default Eviction.DEFAULT;
}
