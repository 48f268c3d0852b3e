package io.hetu.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.manifest.SchemaManifest.ComponentDef;
import io.hetu.manifest.SchemaManifest.EnumDef;
import io.hetu.manifest.SchemaManifest.FieldDef;
import io.hetu.manifest.SchemaManifest.IndexDef;
import io.hetu.manifest.SchemaManifest.ListInfo;
import io.hetu.manifest.SchemaManifest.ParamDef;
import io.hetu.manifest.SchemaManifest.RecordDef;
import io.hetu.manifest.SchemaManifest.SortDef;
import io.hetu.manifest.SchemaManifest.SystemDef;
import io.hetu.manifest.SchemaManifest.TypeRef;
import io.hetu.manifest.SchemaManifest;
import io.hetu.sdk.SdkModel.Component;
import io.hetu.sdk.SdkModel.ListView;
import io.hetu.sdk.SdkModel.Lookup;
import io.hetu.sdk.SdkModel.Window;
import io.hetu.sdk.csharp.CSharpGenerator;
import io.hetu.sdk.csharp.CSharpOptions;
import io.hetu.sdk.java.JavaGenerator;
import io.hetu.sdk.java.JavaOptions;
import io.hetu.sdk.typescript.TypeScriptGenerator;
import io.hetu.sdk.typescript.TypeScriptOptions;
import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The one model of what a client gets, which both SDK generators render. */
class SdkModelTest {

    private static final TypeRef VOID = new TypeRef("void", false, null, null);

    private static FieldDef column(String name, String type) {
        return new FieldDef(name, type, 0, 8, -1, 0, List.of());
    }

    private static ComponentDef component(String name, String namespace, List<FieldDef> fields,
            List<IndexDef> indexes, ListInfo list) {
        return new ComponentDef(name, namespace, "EVERYBODY", 64, 64, fields, indexes, list);
    }

    private static SchemaManifest manifest(List<ComponentDef> components, List<SystemDef> systems) {
        return new SchemaManifest("00000000000000aa", components, systems, List.of(), List.of());
    }

    private static SdkModel model(ComponentDef... components) {
        return SdkModel.of(manifest(List.of(components), List.of()));
    }

    @Test
    void lookupsAreDecidedOncePerIndex() {
        Component item = model(component("Item", "shop", List.of(column("owner", "i64"), column("level", "i32"),
                column("blob", "bytes"), column("id", "i64")), List.of(new IndexDef("owner", true),
                new IndexDef("level", false), new IndexDef("blob", true), new IndexDef("id", true)), null))
                .components().get(0);
        assertEquals(List.of("0 SelectByOwner QueryByOwner", "1 QueryByLevel", "3 SelectByIdColumn QueryByIdColumn"),
                item.lookups().stream().map(SdkModelTest::describe).toList(),
                "a unique index gives a lookup and a query, any other a query; bytes keys none; a column named id "
                        + "does not take the name of the subscription by row id");
    }

    private static String describe(Lookup lookup) {
        return lookup.index() + (lookup.unique() ? " " + lookup.selectName() : "") + " " + lookup.queryName();
    }

    @Test
    void aListOffersItsWindowsInsteadOfAQueryOnItsListIndex() {
        List<FieldDef> fields = List.of(column("season", "i32"), column("points", "i32"), column("name", "string"),
                column("seq", "i64"));
        ListInfo sorted = new ListInfo("SORTED_LIST", "season", List.of(new SortDef("points", true),
                new SortDef("name", false)), 10, "LAST", 1);
        Component board = model(component("Board", "game", fields, List.of(new IndexDef("name", false),
                new IndexDef("season", false)), sorted)).components().get(0);
        assertEquals(List.of("QueryByName"), board.lookups().stream().map(Lookup::queryName).toList());
        ListView list = board.list();
        assertTrue(list.sorted());
        assertEquals("season", list.key().name());
        assertEquals("seq", list.seq().name());
        assertEquals(1, list.index());
        assertEquals(List.of("points desc", "name"), list.sort().stream()
                .map(s -> s.column().name() + (s.descending() ? " desc" : "")).toList());
        assertEquals(List.of(new Window("SubscribeList", false, false, null), new Window("SubscribeTop", true, false,
                "top"), new Window("SubscribeLast", true, true, "bottom")), list.windows());

        ListInfo log = new ListInfo("LIST", "season", List.of(), 10, "FIRST", 1);
        ListView plain = model(component("Log", "game", fields, List.of(new IndexDef("name", false),
                new IndexDef("season", false)), log)).components().get(0).list();
        assertEquals(List.of("oldest", "newest"), plain.windows().stream().skip(1).map(Window::part).toList());
    }

    @Test
    void namesAreQualifiedWithTheirNamespaceOnlyWhereTwoNamespacesShareThem() {
        SdkModel model = SdkModel.of(manifest(List.of(component("item", "shop", List.of(), List.of(), null),
                        component("Item", "bag", List.of(), List.of(), null),
                        component("Gold", "bag", List.of(), List.of(), null)),
                List.of(new SystemDef("buy", "shop", "USER", List.of(), VOID),
                        new SystemDef("buy", "bag", "USER", List.of(), VOID),
                        new SystemDef("sell_all", "bag", "USER", List.of(), VOID))));
        assertEquals(List.of("ShopItem", "BagItem", "Gold"), model.components().stream().map(Component::typeName)
                .toList());
        assertEquals(List.of("ShopBuy", "BagBuy", "SellAll"), model.systems().stream()
                .map(SdkModel.SystemCall::flatName).toList());
        assertEquals(List.of("Buy", "Buy", "SellAll"), model.systems().stream().map(SdkModel.SystemCall::typeName)
                .toList(), "within a namespace no prefix is needed");
        assertEquals("bag: Item, Gold; buy, sell_all | shop: item; buy", model.namespaces().stream()
                .map(ns -> ns.name() + ": " + ns.components().stream().map(Component::name)
                        .collect(Collectors.joining(", ")) + "; " + ns.systems().stream()
                        .map(SdkModel.SystemCall::name).collect(Collectors.joining(", ")))
                .collect(Collectors.joining(" | ")), "namespaces come sorted, their members in wire order");
    }

    @Test
    void serverOnlyComponentsAndSystemsGetNoApiAndTheOthersKeepTheirWireIds() {
        ComponentDef secret = new ComponentDef("Secret", "ops", "NONE", 64, 64, List.of(), List.of(), null);
        SdkModel model = SdkModel.of(manifest(List.of(secret, component("Gold", "bag", List.of(), List.of(), null)),
                List.of(new SystemDef("tidy", "ops", "NONE", List.of(), VOID),
                        new SystemDef("buy", "bag", "USER", List.of(), VOID))));
        assertEquals(List.of("1 Gold"), model.components().stream().map(c -> c.id() + " " + c.typeName()).toList());
        assertEquals(List.of("1 Buy"), model.systems().stream().map(s -> s.id() + " " + s.flatName()).toList());
        assertEquals(List.of("bag"), model.namespaces().stream().map(SdkModel.Namespace::name).toList(),
                "a namespace of server-only members only is no group of any SDK");
        assertEquals(List.of("ops.Secret", "bag.Gold"), model.wire().componentNames());
        assertEquals(List.of("ops.tidy", "bag.buy"), model.wire().systemNames());
    }

    @Test
    void argumentsAvoidTheCodecsOwnNamesAndEachOther() {
        TypeRef i32 = new TypeRef("i32", false, null, null);
        SdkModel model = SdkModel.of(manifest(List.of(), List.of(new SystemDef("move", "game", "USER",
                List.of(new ParamDef("writer", i32), new ParamDef("reader", i32), new ParamDef("user_id", i32),
                        new ParamDef("userId", i32)), VOID))));
        assertEquals(List.of("writer_", "reader_", "userId", "userId_"), model.systems().get(0).params().stream()
                .map(SdkModel.Param::binding).toList());
    }

    @Test
    void anEnumColumnUsesTheManifestEnumWithItsConstantsOrGetsItsOwn() {
        FieldDef mood = new FieldDef("mood", "enum8", 0, 1, -1, 0, List.of("CALM", "ANGRY"));
        FieldDef size = new FieldDef("size", "enum8", 1, 1, 0, 0, List.of("S", "M"));
        SchemaManifest manifest = new SchemaManifest("00000000000000aa", List.of(component("Pet", "zoo",
                List.of(mood, size), List.of(), null)), List.of(), List.of(),
                List.of(new EnumDef("Mood", List.of("CALM", "ANGRY"))));
        Component pet = SdkModel.of(manifest).components().get(0);
        assertEquals("Mood", pet.column("mood").enumName());
        assertNull(pet.column("mood").ownEnumType());
        assertNull(pet.column("size").enumName());
        assertEquals("PetSize", pet.column("size").ownEnumType());
        assertEquals(new TypeRef("enum8", true, "PetSize", null), pet.column("size").valueType());
        assertEquals(new TypeRef("enum8", false, "PetSize", null), pet.column("size").keyType(),
                "a key has no presence flag");
    }

    @Test
    void anInconsistentManifestIsAClearError() {
        IllegalArgumentException index = assertThrows(IllegalArgumentException.class, () -> model(component("Item",
                "shop", List.of(column("owner", "i64")), List.of(new IndexDef("ownr", true)), null)));
        assertTrue(index.getMessage().contains("shop.Item") && index.getMessage().contains("'ownr'"),
                index.getMessage());

        IllegalArgumentException seq = assertThrows(IllegalArgumentException.class, () -> model(component("Log",
                "game", List.of(column("season", "i32")), List.of(new IndexDef("season", false)),
                new ListInfo("LIST", "season", List.of(), 10, "FIRST", 0))));
        assertTrue(seq.getMessage().contains("'seq'"), seq.getMessage());

        IllegalArgumentException record = assertThrows(IllegalArgumentException.class, () -> SdkModel.of(manifest(
                List.of(), List.of(new SystemDef("add", "math", "USER", List.of(new ParamDef("a",
                        new TypeRef("list", false, null, new TypeRef("record", false, "Vec", null)))), VOID)))));
        assertTrue(record.getMessage().contains("argument a of system math.add")
                && record.getMessage().contains("'Vec'"), record.getMessage());

        IllegalArgumentException type = assertThrows(IllegalArgumentException.class, () -> model(component("Item",
                "shop", List.of(column("when", "date")), List.of(), null)));
        assertTrue(type.getMessage().contains("shop.Item.when") && type.getMessage().contains("'date'")
                && type.getMessage().contains("format 1"), type.getMessage());
    }

    @Test
    void recordsAndEnumsArePascalCaseByManifestName() {
        SchemaManifest manifest = new SchemaManifest("00000000000000aa", List.of(), List.of(),
                List.of(new RecordDef("vec_2", List.of())), List.of(new EnumDef("mood", List.of("CALM"))));
        assertEquals(java.util.Map.of("vec_2", "Vec2", "mood", "Mood"), SdkModel.of(manifest).typeNames());
    }

    @Test
    void namesBecomePascalCamelAndConstantCase() {
        assertEquals("MoveTo", Names.pascal("move_to"));
        assertEquals("MoveTo", Names.pascal("moveTo"));
        assertEquals("ShopItem", Names.pascal("Shop.Item"));
        assertEquals("moveTo", Names.camel("MoveTo"));
        assertEquals("httpServer", Names.camel("HTTPServer"));
        assertEquals("id", Names.camel("ID"));
        assertEquals("größe", Names.camel("Größe"), "letters beyond ASCII are letters");
        assertEquals("MAX_HP", Names.constant("maxHp"));
        assertThrows(IllegalArgumentException.class, () -> Names.pascal("__"));
    }

    /**
     * Every SDK of the test app offers what the model offers, each under the model's name in its own spelling:
     * camelCase in TypeScript and Java, PascalCase with {@code Async} in C#.
     */
    @Test
    void everySdkOffersEveryLookupWindowAndSystemOfTheModelUnderItsName() throws IOException {
        SchemaManifest manifest = TestManifests.testApp();
        SdkModel model = SdkModel.of(manifest);
        String ts = TypeScriptGenerator.generate(manifest, new TypeScriptOptions("model-test", "1.0.0")).stream()
                .map(GeneratedFile::content).collect(Collectors.joining());
        List<GeneratedFile> csFiles = CSharpGenerator.generate(manifest, new CSharpOptions("Model.Test",
                "io.hetu.model-test", "1.0.0"));
        String cs = csFiles.stream().map(GeneratedFile::content).collect(Collectors.joining());
        String java = JavaGenerator.generate(manifest, new JavaOptions("model.test")).stream()
                .map(GeneratedFile::content).collect(Collectors.joining());
        int offered = 0;
        for (Component component : model.components()) {
            List<String> names = new java.util.ArrayList<>(List.of(SdkModel.SELECT_BY_ID));
            for (Lookup lookup : component.lookups()) {
                if (lookup.unique()) {
                    names.add(lookup.selectName());
                }
                names.add(lookup.queryName());
            }
            if (component.list() != null) {
                component.list().windows().forEach(w -> names.add(w.name()));
            }
            for (String name : names) {
                assertTrue(ts.contains("  " + Names.camel(name) + "("), "TypeScript " + component.name() + "." + name);
                assertTrue(cs.contains(" " + name + "Async("), "C# " + component.name() + "." + name);
                assertTrue(java.contains(" " + Names.camel(name) + "("), "Java " + component.name() + "." + name);
                offered++;
            }
        }
        for (SdkModel.SystemCall system : model.systems()) {
            assertTrue(ts.contains("  " + Names.camel(system.flatName()) + "("), "TypeScript " + system.name());
            assertTrue(cs.contains(" " + system.typeName() + "Async("), "C# " + system.name());
            assertTrue(java.contains("> " + Names.camel(system.flatName()) + "("), "Java " + system.name());
            offered++;
        }
        assertTrue(offered > 20, "the test app offers lookups, windows and systems: " + offered);
        // The test app's server-only Ledger and audit: no row type, table or method anywhere.
        for (String sdk : List.of(ts, cs, java)) {
            assertFalse(sdk.contains("LedgerRow") || sdk.contains("LedgerTable") || sdk.contains("ledger()"),
                    "no API for the NONE component Ledger");
            assertFalse(sdk.contains("audit(") || sdk.contains("AuditAsync("), "no method for the NONE system audit");
        }
        for (GeneratedFile file : csFiles) {
            if (!file.runtime() && file.path().endsWith(".cs")) {
                assertFalse(file.content().matches("(?s).*public (sealed |static )?class .*"),
                        "every class generated from the schema is partial: " + file.path());
            }
        }
    }
}
