package io.hetu.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The column that groups the rows of a {@link TableKind#LIST LIST} or
 * {@link TableKind#SORTED_LIST SORTED_LIST} component into lists: all rows with the same value form
 * one list, capped at {@link Component#capacity()} rows. Exactly one column of a list component
 * carries it; it must be a non-null column with an order (not {@code byte[]}).
 *
 * <pre>{@code
 * @Component(namespace = "chat", kind = TableKind.LIST, capacity = 100)
 * public record Message(@ListKey long room, long sender, @MaxLength(200) String text) {}
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.RECORD_COMPONENT)
public @interface ListKey {}
