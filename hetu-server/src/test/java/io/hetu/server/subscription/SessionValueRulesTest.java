package io.hetu.server.subscription;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.server.system.AcceptingRegistry;
import io.hetu.server.system.CallContext;
import io.hetu.server.system.Session;
import io.hetu.server.system.SessionValueRules;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A session value of a type its @Rls rule cannot compare is refused when a system stores it. */
class SessionValueRulesTest {

    private final SessionValueRules rules = SessionValueRules.of(List.of(NoteTable.TABLE, SecretTable.TABLE));

    @Test
    void valuesTheRulesCanCompareAreAccepted() {
        rules.check("guild", 7L);
        rules.check("clearance", 3);
        rules.check("guild", null);
        rules.check("nickname", "any value: no rule reads it");
    }

    @Test
    void aValueOfTheWrongTypeIsRefusedNamingTheRule() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rules.check("guild", "red"));
        assertTrue(e.getMessage().contains("session value 'guild' is a String"), e.getMessage());
        assertTrue(e.getMessage().contains("subtest.Note"), e.getMessage());
        assertTrue(e.getMessage().contains("column guild (i64)"), e.getMessage());
    }

    @Test
    void aSystemStoringTheWrongTypeFailsInsteadOfSeeingNothing() {
        CallContext context = new CallContext(new Session(1), new AcceptingRegistry() {
            @Override
            public void checkValue(String key, Object value) {
                rules.check(key, value);
            }
        });
        context.begin(null);
        context.session("guild", 42L);
        assertThrows(IllegalArgumentException.class, () -> context.session("guild", 4.5));
        assertEquals(42L, context.session("guild"), "the refused value was not stored");
    }
}
