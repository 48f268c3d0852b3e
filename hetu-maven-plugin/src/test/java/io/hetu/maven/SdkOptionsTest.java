package io.hetu.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.sdk.csharp.CSharpOptions;
import io.hetu.sdk.java.JavaOptions;
import io.hetu.sdk.typescript.TypeScriptOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SdkOptionsTest {

    @Test
    void derivesValidNamesFromTheMavenCoordinates() throws SdkOptions.InvalidOption {
        assertEquals("first-game-client", SdkOptions.npmName("first-game"));
        assertEquals("my-game-client", SdkOptions.npmName("My_Game"));
        assertEquals("FirstGame.Client", SdkOptions.csharpNamespace("first-game"));
        assertEquals("App2dShooter.Client", SdkOptions.csharpNamespace("2d-shooter"));
        assertEquals("io.hetu.samples.first-game-client", SdkOptions.unityPackage("io.hetu.samples", "first-game"));
        assertEquals("io.hetu.samples.firstgame.client", SdkOptions.javaPackage("io.hetu.samples", "first-game"));
        assertEquals("com.new_.my_studio._2dshooter.client", SdkOptions.javaPackage("Com.new.My-Studio", "2d-shooter"));

        // The derived names pass the generators' own validation.
        SdkOptions.typescript(SdkOptions.npmName("My_Game"), "1.0.0");
        SdkOptions.csharp(SdkOptions.csharpNamespace("2d-shooter"), SdkOptions.unityPackage("Com.Studio", "2d"),
                "1.0.0");
        SdkOptions.java(SdkOptions.javaPackage("Com.new.My-Studio", "2d-shooter"));
    }

    @Test
    void adaptsMavenVersionsToSemanticVersions() {
        assertEquals("1.2.3", SdkOptions.semanticVersion("1.2.3"));
        assertEquals("1.0.0", SdkOptions.semanticVersion("1"));
        assertEquals("1.2.0-SNAPSHOT", SdkOptions.semanticVersion("1.2-SNAPSHOT"));
        assertEquals("0.1.0-SNAPSHOT", SdkOptions.semanticVersion("0.1.0-SNAPSHOT"));
        assertEquals("1.2.3-4", SdkOptions.semanticVersion("1.2.3.4"));
        assertEquals("1.0.0-RC1", SdkOptions.semanticVersion("01.0.RC1"));
        assertEquals("next", SdkOptions.semanticVersion("next"));
    }

    @Test
    void namesTheParameterARefusedValueCameFrom() throws SdkOptions.InvalidOption {
        assertEquals(new TypeScriptOptions("game", "1.0.0"), SdkOptions.typescript("game", "1.0.0"));
        assertEquals(new CSharpOptions("Game.Net", "com.game.client", "1.0.0"),
                SdkOptions.csharp("Game.Net", "com.game.client", "1.0.0"));
        assertEquals(new JavaOptions("com.game.client"), SdkOptions.java("com.game.client"));

        List<Map.Entry<String, SdkOptions.InvalidOption>> refused = new ArrayList<>();
        refused.add(Map.entry("typescriptPackage", assertThrows(SdkOptions.InvalidOption.class,
                () -> SdkOptions.typescript("Bad Name", "1.0.0"))));
        refused.add(Map.entry("version", assertThrows(SdkOptions.InvalidOption.class,
                () -> SdkOptions.typescript("game", "next"))));
        refused.add(Map.entry("csharpNamespace", assertThrows(SdkOptions.InvalidOption.class,
                () -> SdkOptions.csharp("9Game", "com.game.client", "1.0.0"))));
        refused.add(Map.entry("unityPackage", assertThrows(SdkOptions.InvalidOption.class,
                () -> SdkOptions.csharp("Game", "game", "1.0.0"))));
        refused.add(Map.entry("version", assertThrows(SdkOptions.InvalidOption.class,
                () -> SdkOptions.csharp("Game", "com.game.client", null))));
        refused.add(Map.entry("javaPackage", assertThrows(SdkOptions.InvalidOption.class,
                () -> SdkOptions.java("com.game-client"))));

        for (Map.Entry<String, SdkOptions.InvalidOption> r : refused) {
            assertEquals(r.getKey(), r.getValue().parameter());
            assertTrue(r.getValue().getMessage() != null && !r.getValue().getMessage().isBlank(), r.getKey());
        }
    }
}
