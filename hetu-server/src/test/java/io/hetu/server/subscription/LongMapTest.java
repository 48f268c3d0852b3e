package io.hetu.server.subscription;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hetu.storage.TestSeeds;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** LongMap against HashMap under random puts, removes and clears over clustered keys. */
class LongMapTest {

    @Test
    void behavesAsAHashMap() {
        Random random = new Random(TestSeeds.seed("LongMapTest"));
        LongMap<String> map = new LongMap<>();
        Map<Long, String> model = new HashMap<>();
        for (int step = 0; step < 200_000; step++) {
            // Row ids are clustered (table number in the high bits), so probe runs collide and wrap.
            long key = (random.nextInt(3) * (1L << 32)) + random.nextInt(300);
            int roll = random.nextInt(100);
            if (roll < 50) {
                String value = "v" + step;
                map.put(key, value);
                model.put(key, value);
            } else if (roll < 95) {
                assertEquals(model.remove(key), map.remove(key), "remove " + key + " at step " + step);
            } else if (roll == 99 && random.nextInt(20) == 0) {
                map.clear();
                model.clear();
            }
            long probe = (random.nextInt(3) * (1L << 32)) + random.nextInt(300);
            assertEquals(model.get(probe), map.get(probe), "get " + probe + " at step " + step);
            assertEquals(model.size(), map.size());
        }
        for (Map.Entry<Long, String> entry : model.entrySet()) {
            assertEquals(entry.getValue(), map.get(entry.getKey()));
        }
    }
}
