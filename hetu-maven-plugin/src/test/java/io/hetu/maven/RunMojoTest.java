package io.hetu.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunMojoTest {

    @Test
    void passesOnlyTheOptionsThatHaveAValueSoTheRuntimeDefaultsAndTheConfigFileApply() {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("--app", "target/classes");
        options.put("--db", null);
        options.put("--port", 2467);
        options.put("--host", null);
        assertEquals(List.of("start", "--app", "target/classes", "--port", "2467"), RunMojo.startArguments(options));
    }
}
