package io.hetu.sdk.typescript;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hetu.sdk.TestManifests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real TypeScript compiler on the generated package, strict, and as a browser app would use it. */
class TypeScriptCompileTest {

    @TempDir
    Path dir;

    @Test
    void theGeneratedPackageIsStrictClean() throws Exception {
        String node = NodeTools.requireNodeAndTools();
        Path sdk = NodeTools.write(NodeTools.generate(), dir.resolve("sdk"));
        NodeTools.Result result = NodeTools.run(sdk, List.of(node, NodeTools.TSC.toString(), "-p", "tsconfig.json",
                "--strict", "--noEmit"));
        assertEquals(0, result.exitCode(), "tsc --strict --noEmit:\n" + result.describe());
        assertEquals("", result.stdout().strip(), "tsc reports nothing on a clean package");
    }

    /** The names that trip generators (TestManifests.edge), strict clean. */
    @Test
    void aSchemaOfAwkwardNamesIsStrictClean() throws Exception {
        String node = NodeTools.requireNodeAndTools();
        Path sdk = NodeTools.write(TypeScriptGenerator.generate(TestManifests.edge(), NodeTools.OPTIONS),
                dir.resolve("edge"));
        NodeTools.Result result = NodeTools.run(sdk, List.of(node, NodeTools.TSC.toString(), "-p", "tsconfig.json",
                "--strict", "--noEmit"));
        assertEquals(0, result.exitCode(), "tsc --strict --noEmit:\n" + result.describe());
        String item = Files.readString(sdk.resolve("src/components/shopItem.ts"));
        assertTrue(item.contains("selectByIdColumn(id: bigint)") && item.contains("queryByMaxHp(")
                && !item.contains("ByBlob"), "no lookup by bytes:\n" + item);
    }

    @Test
    void theGeneratedPackageBuildsWithItsOwnScriptAndPinsTheCompilerItIsTestedWith() throws Exception {
        NodeTools.requireNodeAndTools();
        Path sdk = NodeTools.write(NodeTools.generate(), dir.resolve("sdk"));
        ObjectMapper json = new ObjectMapper();
        String pinned = json.readTree(sdk.resolve("package.json").toFile()).at("/devDependencies/typescript").asText();
        String tested = json.readTree(NodeTools.NODE_MODULES.resolve("typescript/package.json").toFile())
                .get("version").asText();
        assertEquals(tested, pinned, "the package pins the TypeScript these tests compile with");

        // The README's build: its own script and tsconfig (noUnusedLocals included), with `tsc` from the PATH.
        NodeTools.Result result = NodeTools.npmRun(sdk, "build");
        assertEquals(0, result.exitCode(), "npm run build:\n" + result.describe());
        assertTrue(Files.isRegularFile(sdk.resolve("dist/index.js")) && Files.isRegularFile(sdk.resolve("dist/index.d.ts")),
                "the build wrote dist/index.js and its declarations");
        String systems = Files.readString(sdk.resolve("src/systems.ts"));
        assertTrue(systems.contains("import { readMedal, type Medal } from './types/medal.js';"),
                "a record that is only a result is imported without its writer:\n" + systems);
    }

    @Test
    void aBrowserAppPassesTheGlobalWebSocketAndUsesTheTypes() throws Exception {
        String node = NodeTools.requireNodeAndTools();
        Path sdk = NodeTools.write(NodeTools.generate(), dir.resolve("sdk"));
        // The SDK's own tsconfig has no DOM typings; an app that has them must be able to pass the DOM WebSocket.
        Files.writeString(sdk.resolve("src/browserApp.ts"), """
                import { connect, HetuRejection, type GadgetRow, type Mood, type Vec } from './index.js';

                export async function play(): Promise<string> {
                  const client = await connect({ url: 'ws://localhost:2466/hetu', WebSocket: WebSocket });
                  const sum: Vec = await client.systems.add({ x: 1, y: 2 }, { x: 3, y: 4 });
                  const mood: Mood = 'HAPPY';
                  const id: bigint = await client.systems.saveGadget(1n, 2, 'n', mood, new Uint8Array(0), 0n, 0n, null, null);
                  const gadgets = await client.gadget.queryByLevel({ low: 1, high: 10, limit: 5, descending: true });
                  gadgets.onInsert((rowId: bigint, row: GadgetRow) => console.log(rowId, row.name, row.note ?? 'none'));
                  const row: GadgetRow | undefined = gadgets.rows.get(id);
                  try {
                    await client.systems.refuse('NO');
                  } catch (e) {
                    if (e instanceof HetuRejection) {
                      return e.code + sum.x + (row?.mood ?? '');
                    }
                  }
                  return '';
                }
                """);
        NodeTools.Result result = NodeTools.run(sdk, List.of(node, NodeTools.TSC.toString(), "-p", "tsconfig.json",
                "--strict", "--noEmit", "--lib", "ES2022,DOM"));
        assertEquals(0, result.exitCode(), "tsc with the DOM typings:\n" + result.describe());

        Files.writeString(sdk.resolve("src/browserApp.ts"), """
                import { connect } from './index.js';

                export async function wrong(): Promise<void> {
                  const client = await connect({ url: 'ws://localhost:2466/hetu' });
                  await client.systems.saveGadget(1, 2, 'n', 'HAPPY', new Uint8Array(0), 0n, 0n, null, null);
                  await client.systems.saveGadget(1n, 2, 'n', 'SAD', new Uint8Array(0), 0n, 0n, null, null);
                }
                """);
        NodeTools.Result wrong = NodeTools.run(sdk, List.of(node, NodeTools.TSC.toString(), "-p", "tsconfig.json",
                "--noEmit"));
        assertTrue(wrong.stdout().contains("'number' is not assignable to parameter of type 'bigint'"),
                "a number where an i64 belongs is a compile error:\n" + wrong.describe());
        assertTrue(wrong.stdout().contains("'\"SAD\"' is not assignable to parameter of type 'Mood'"),
                "a string that is no constant is a compile error:\n" + wrong.describe());
    }
}
