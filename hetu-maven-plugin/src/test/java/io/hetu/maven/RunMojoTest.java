package io.hetu.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

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

    /**
     * docs/CONFIGURATION.md's table of hetu:run's parameters names exactly the parameters and properties of the
     * goal, as the plugin descriptor the build generated lists them.
     */
    @Test
    void theDocumentedParametersAreTheGoalsParameters() throws Exception {
        Map<String, String> goal = new TreeMap<>();
        try (InputStream descriptor = getClass().getResourceAsStream("/META-INF/maven/plugin.xml")) {
            assertNotNull(descriptor, "the plugin descriptor is built before the tests");
            Document plugin = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(descriptor);
            NodeList mojos = plugin.getElementsByTagName("mojo");
            for (int i = 0; i < mojos.getLength(); i++) {
                Element mojo = (Element) mojos.item(i);
                if (!mojo.getElementsByTagName("goal").item(0).getTextContent().equals("run")) {
                    continue;
                }
                NodeList configured = ((Element) mojo.getElementsByTagName("configuration").item(0)).getChildNodes();
                for (int j = 0; j < configured.getLength(); j++) {
                    if (configured.item(j) instanceof Element parameter
                            && parameter.getTextContent().matches("\\$\\{hetu\\.[a-zA-Z.]+}")) {
                        String text = parameter.getTextContent();
                        goal.put(parameter.getTagName(), text.substring(2, text.length() - 1));
                    }
                }
            }
        }
        String docs = Files.readString(Path.of("..", "docs", "CONFIGURATION.md"));
        String section = docs.substring(docs.indexOf("## `mvn hetu:run`"));
        section = section.substring(0, section.indexOf("\n## ", 5));
        Map<String, String> documented = new TreeMap<>();
        Matcher row = Pattern.compile("(?m)^\\| `(\\w+)` \\| `(hetu\\.[a-zA-Z.]+)` \\|").matcher(section);
        while (row.find()) {
            documented.put(row.group(1), row.group(2));
        }
        assertEquals(7, goal.size(), "the goal's parameters: " + goal);
        assertEquals(goal, documented, "docs/CONFIGURATION.md, section mvn hetu:run");
    }
}
