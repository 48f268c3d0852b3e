package io.hetu.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds web clients with the real TypeScript compiler, as hetu:web does. */
class WebBuilderTest {

    private static TypeScriptCompiler compiler;

    @TempDir
    Path dir;

    private static synchronized TypeScriptCompiler compiler() {
        if (compiler == null) {
            compiler = TypeScriptCompiler.load();
        }
        return compiler;
    }

    @AfterAll
    static void close() {
        if (compiler != null) {
            compiler.close();
        }
    }

    private Path web() throws IOException {
        Path web = Files.createDirectories(dir.resolve("web"));
        Files.writeString(web.resolve("index.html"), "<script type=\"module\" src=\"main.js\"></script>\n");
        Files.createDirectories(web.resolve("css"));
        Files.writeString(web.resolve("css/game.css"), "body { margin: 0 }\n");
        Files.writeString(web.resolve("main.ts"), """
                import { greet, type Player } from './sdk/index.js';
                const me: Player = { id: 7n, name: 'Ann' };
                document.title = greet(me);
                """);
        return web;
    }

    private Path sdk() throws IOException {
        Path sdk = Files.createDirectories(dir.resolve("sdk/src"));
        Files.createDirectories(sdk.resolve("runtime"));
        Files.writeString(sdk.resolve("runtime/text.ts"), "export function upper(text: string): string {\n"
                + "  return text.toUpperCase();\n}\n");
        Files.writeString(sdk.resolve("index.ts"), """
                import { upper } from './runtime/text.js';
                export interface Player { id: bigint; name: string }
                export function greet(player: Player): string {
                  return upper(player.name) + '#' + player.id;
                }
                """);
        return sdk;
    }

    @Test
    void compilesTheClientWithTheSdkAndCopiesTheRest() throws Exception {
        Path out = dir.resolve("out");
        List<String> warnings = new ArrayList<>();
        WebBuilder.Outcome outcome = new WebBuilder(WebBuilderTest::compiler)
                .build(web(), sdk(), out, dir.resolve("fingerprint"), warnings::add);

        assertFalse(outcome.upToDate());
        assertEquals(2, outcome.copied());
        assertEquals(List.of(), warnings);
        String main = Files.readString(out.resolve("main.js"));
        assertTrue(main.contains("from './sdk/index.js'"), main);
        assertTrue(main.contains("const me = { id: 7n, name: 'Ann' };"), main);
        assertFalse(main.contains("Player"), "types are erased: " + main);
        String index = Files.readString(out.resolve("sdk/index.js"));
        assertTrue(index.contains("export function greet(player) {"), index);
        assertTrue(Files.readString(out.resolve("sdk/runtime/text.js")).contains("text.toUpperCase()"));
        assertTrue(Files.readString(out.resolve("main.js.map")).contains("\"sourcesContent\""));
        assertEquals("body { margin: 0 }\n", Files.readString(out.resolve("css/game.css")));
        assertTrue(Files.exists(out.resolve("index.html")));
        assertFalse(Files.exists(out.resolve("main.ts")));
    }

    @Test
    void anUnchangedClientIsNotCompiledAgainAndAChangedOneIs() throws Exception {
        Path web = web();
        Path sdk = sdk();
        Path out = dir.resolve("out");
        Path fingerprint = dir.resolve("fingerprint");
        new WebBuilder(WebBuilderTest::compiler).build(web, sdk, out, fingerprint, w -> {});

        Supplier<TypeScriptCompiler> none = () -> {
            throw new AssertionError("the compiler was loaded for an unchanged client");
        };
        assertTrue(new WebBuilder(none).build(web, sdk, out, fingerprint, w -> {}).upToDate());

        Files.writeString(web.resolve("extra.ts"), "export const answer: number = 42;\n");
        WebBuilder.Outcome again = new WebBuilder(WebBuilderTest::compiler).build(web, sdk, out, fingerprint, w -> {});
        assertFalse(again.upToDate());
        assertTrue(Files.readString(out.resolve("extra.js")).contains("export const answer = 42;"));
    }

    @Test
    void aTypeErrorFailsTheBuildNamingTheFileLineAndColumnAndWritesNothing() throws Exception {
        Path web = web();
        Files.writeString(web.resolve("main.ts"), """
                import { greet } from './sdk/index.js';
                const count: number = greet({ id: 1n, name: 'x' });
                console.log(count);
                """);
        Path out = dir.resolve("out");
        WebBuilder.WebBuildException e = assertThrows(WebBuilder.WebBuildException.class,
                () -> new WebBuilder(WebBuilderTest::compiler).build(web, sdk(), out, dir.resolve("fp"), w -> {}));
        assertTrue(e.getMessage().contains("does not compile (1 error)"), e.getMessage());
        assertTrue(e.getMessage().contains(web.resolve("main.ts") + "(2,7): error TS2322: Type 'string' is not "
                + "assignable to type 'number'."), e.getMessage());
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(dir.resolve("fp")));
    }

    @Test
    void aMissingImportIsAnError() throws Exception {
        Path web = web();
        Files.writeString(web.resolve("main.ts"), "import { nothing } from './sdk/nowhere.js';\nnothing();\n");
        WebBuilder.WebBuildException e = assertThrows(WebBuilder.WebBuildException.class,
                () -> new WebBuilder(WebBuilderTest::compiler).build(web, sdk(), dir.resolve("out"), dir.resolve("fp"),
                        w -> {}));
        assertTrue(e.getMessage().contains("error TS2307: Cannot find module './sdk/nowhere.js'"), e.getMessage());
    }

    @Test
    void foldersInTheWrongStateAreNamed() throws Exception {
        Path web = web();
        WebBuilder builder = new WebBuilder(WebBuilderTest::compiler);
        WebBuilder.WebBuildException missingSdk = assertThrows(WebBuilder.WebBuildException.class,
                () -> builder.build(web, dir.resolve("no-sdk"), dir.resolve("out"), dir.resolve("fp"), w -> {}));
        assertTrue(missingSdk.getMessage().contains("run hetu:generate"), missingSdk.getMessage());

        Files.createDirectories(web.resolve("sdk"));
        Files.writeString(web.resolve("sdk/mine.ts"), "export {};\n");
        WebBuilder.WebBuildException clash = assertThrows(WebBuilder.WebBuildException.class,
                () -> builder.build(web, sdk(), dir.resolve("out"), dir.resolve("fp"), w -> {}));
        assertTrue(clash.getMessage().contains("is where the generated SDK is mounted"), clash.getMessage());

        WebBuilder.WebBuildException noWeb = assertThrows(WebBuilder.WebBuildException.class,
                () -> builder.build(dir.resolve("nothing"), null, dir.resolve("out"), dir.resolve("fp"), w -> {}));
        assertTrue(noWeb.getMessage().contains("does not exist"), noWeb.getMessage());
    }

    @Test
    void aClientWithoutIndexHtmlIsBuiltWithAWarning() throws Exception {
        Path web = web();
        Files.delete(web.resolve("index.html"));
        List<String> warnings = new ArrayList<>();
        new WebBuilder(WebBuilderTest::compiler).build(web, sdk(), dir.resolve("out"), dir.resolve("fp"),
                warnings::add);
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("has no index.html"), warnings.get(0));
    }
}
