package io.hetu.server.system;

import io.hetu.schema.FieldLayout;
import io.hetu.schema.Key;
import io.hetu.schema.RlsRule;
import io.hetu.schema.TableDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which session values the app's {@code @Rls} rules compare with which columns, so that a system
 * storing a value of the wrong type learns it when it stores it. Without the check such a value
 * matches no row, and the component looks empty to that client with nothing said anywhere.
 */
public final class SessionValueRules {

    private record Reader(TableDescriptor<?, ?> table, FieldLayout column) {}

    private static final SessionValueRules NONE = new SessionValueRules(Map.of());

    private final Map<String, List<Reader>> byKey;

    private SessionValueRules(Map<String, List<Reader>> byKey) {
        this.byKey = byKey;
    }

    /** No rules: every value is accepted. */
    public static SessionValueRules none() {
        return NONE;
    }

    public static SessionValueRules of(List<? extends TableDescriptor<?, ?>> tables) {
        Map<String, List<Reader>> byKey = new HashMap<>();
        for (TableDescriptor<?, ?> table : tables) {
            RlsRule rule = table.rls();
            if (rule != null) {
                byKey.computeIfAbsent(rule.sessionKey(), k -> new ArrayList<>())
                        .add(new Reader(table, table.layout().field(rule.field())));
            }
        }
        return new SessionValueRules(Map.copyOf(byKey));
    }

    /**
     * Checks a value about to be stored under {@code key} (null removes it and is always fine).
     *
     * @throws IllegalArgumentException naming the component, the column and the type it needs when
     *     a rule could never match the value
     */
    public void check(String key, Object value) {
        if (value == null) {
            return;
        }
        for (Reader reader : byKey.getOrDefault(key, List.of())) {
            try {
                Key.of(reader.column(), value);
            } catch (IllegalArgumentException wrongType) {
                throw new IllegalArgumentException("session value '" + key + "' is a "
                        + value.getClass().getSimpleName() + " (" + value + "), but the @Rls rule of component "
                        + reader.table().namespace() + "." + reader.table().name() + " compares it with column "
                        + reader.column().name() + " (" + reader.column().type().wireName() + "): store a value of "
                        + "that type, or no row of " + reader.table().name() + " would ever be visible ("
                        + wrongType.getMessage() + ")", wrongType);
            }
        }
    }
}
