package io.hetu.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A column that orders the rows of a {@link TableKind#SORTED_LIST SORTED_LIST} component. Up to four
 * columns carry it; they sort by {@link #order()}, then by declaration order, and rows equal in all
 * of them keep their append order (the earlier row first).
 *
 * <pre>{@code
 * @Component(namespace = "lb", kind = TableKind.SORTED_LIST, capacity = 1000)
 * public record Score(@ListKey int season, long player, @SortBy(desc = true) long points) {}
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.RECORD_COMPONENT)
public @interface SortBy {

    /**
     * The column's rank among the sort columns, lowest first (1 = primary). Columns without an
     * order come after those with one; columns of equal rank keep declaration order.
     */
    int order() default 0;

    /** Whether larger values come first. */
    boolean desc() default false;
}
