package io.hetu.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The row-level security rule of a component declared with {@link Permission#RLS}: a row is
 * visible to a caller when {@code row.<field> <op> session.<session>} holds.
 *
 * <pre>{@code
 * @Component(namespace = "guilds", permission = Permission.RLS)
 * @Rls(field = "guild", op = Comparison.EQ, session = "guild")
 * public record GuildNote(long guild, @MaxLength(200) String text) {}
 * }</pre>
 *
 * <p>A caller whose session has no value under {@link #session()} sees no rows.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Rls {

    /** The row column on the left of the comparison. */
    String field();

    /** The comparison. */
    Comparison op() default Comparison.EQ;

    /** The key of the session value on the right of the comparison. */
    String session();
}
