package io.hetu.sdk;

import io.hetu.manifest.SchemaManifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The manifests the SDK tests generate from. */
public final class TestManifests {

    private TestManifests() {}

    /** The test app's (the {@code fixtures} package), as the annotation processor wrote it at test-compile. */
    public static SchemaManifest testApp() {
        return parse("META-INF/hetu/schema.json", "run mvn -pl sdk-generators test-compile");
    }

    /**
     * A schema of the names that trip generators: components of one name in two namespaces, lower-case ones, one
     * named Systems, a unique column named id, an index on bytes, a list, an enum column with no enum of its own,
     * and arguments named after keywords and the codecs' own parameters.
     */
    public static SchemaManifest edge() {
        return parse("io/hetu/sdk/edge-schema.json", "it belongs in src/test/resources");
    }

    private static SchemaManifest parse(String resource, String fix) {
        try (InputStream in = TestManifests.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the manifest " + resource + " is not on the test classpath; " + fix);
            }
            return SchemaManifest.parse(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
