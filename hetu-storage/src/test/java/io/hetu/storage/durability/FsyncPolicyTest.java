package io.hetu.storage.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FsyncPolicyTest {
    @Test
    void parsesTheNamesRedisUsersKnow() {
        assertEquals(FsyncPolicy.ALWAYS, FsyncPolicy.parse("always"));
        assertEquals(FsyncPolicy.EVERYSEC, FsyncPolicy.parse("everysec"));
        assertEquals(FsyncPolicy.NO, FsyncPolicy.parse("no"));
        assertEquals(FsyncPolicy.EVERYSEC, FsyncPolicy.parse(" EverySec "));
        for (FsyncPolicy policy : FsyncPolicy.values()) {
            assertEquals(policy, FsyncPolicy.parse(policy.toString()));
        }
    }

    @Test
    void anUnknownNameIsRejectedWithTheChoices() {
        for (String bad : new String[] {"sometimes", "", "every-sec", null}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FsyncPolicy.parse(bad));
            assertTrue(e.getMessage().contains("'always'") && e.getMessage().contains("'everysec'")
                    && e.getMessage().contains("'no'"), e.getMessage());
        }
    }
}
