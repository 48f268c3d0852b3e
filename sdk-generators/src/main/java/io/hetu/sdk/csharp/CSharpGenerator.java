package io.hetu.sdk.csharp;

import static io.hetu.sdk.csharp.CSharpCode.literal;
import static io.hetu.sdk.csharp.CSharpCode.parameter;
import static io.hetu.sdk.csharp.CSharpCode.pascal;

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
import io.hetu.sdk.GeneratedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a schema manifest into a C# client SDK: a Unity package (UPM {@code package.json},
 * an assembly definition, {@code .meta} files) whose {@code Runtime} folder also compiles for
 * plain .NET and Mono within C# 7.2.
 *
 * <p>The package holds the hand-written client runtime (the {@code Hetu*.cs} resources next to
 * this class: connection, reconnects, subscriptions, wire reader and writer) and, generated from
 * the manifest, one file per component (row class, decoder, typed select/query helpers), one per
 * record and enum, the typed client with a method per system, and the {@code HetuSchema}
 * registry. A pure function: the same manifest and options always give the same files.
 */
public final class CSharpGenerator {

    private static final List<String> RUNTIME = List.of("HetuConnection.cs", "HetuDispatchers.cs",
            "HetuErrors.cs", "HetuSubscription.cs", "HetuTransport.cs", "HetuWebGLTransport.cs", "HetuWire.cs");
    /** The browser half of the WebGL transport; Unity links it into WebGL players only (see its .meta). */
    private static final String JSLIB = "Runtime/Plugins/WebGL/HetuWebSocket.jslib";
    private static final String NAMESPACE_TOKEN = "__HETU_NAMESPACE__";
    private static final Set<String> CLIENT_MEMBERS = Set.of("Connection", "ConnectAsync", "LoginAsync", "CloseAsync",
            "Dispose", "HetuClient");

    private final SchemaManifest manifest;
    private final CSharpOptions options;
    private final Map<String, String> recordClasses = new LinkedHashMap<>();
    private final Map<String, String> enumClasses = new LinkedHashMap<>();
    /** Enum columns without a manifest enum of the same constants get their own C# enum. */
    private final Map<FieldDef, String> columnEnums = new HashMap<>();
    private final CSharpTypes types;

    private CSharpGenerator(SchemaManifest manifest, CSharpOptions options) {
        this.manifest = manifest;
        this.options = options;
        Set<String> typeNames = new HashSet<>(Set.of("HetuClient", "HetuSchema"));
        for (RecordDef record : manifest.records()) {
            recordClasses.put(record.name(), unique(typeNames, pascal(record.name()), "record " + record.name()));
        }
        for (EnumDef e : manifest.enums()) {
            enumClasses.put(e.name(), unique(typeNames, pascal(e.name()), "enum " + e.name()));
        }
        for (String ns : namespaces(manifest)) {
            unique(typeNames, groupClass(ns), "namespace " + ns);
            unique(typeNames, codecClass(ns), "namespace " + ns);
        }
        for (ComponentDef component : manifest.components()) {
            unique(typeNames, rowClass(component), "component " + component.name());
            unique(typeNames, tableClass(component), "component " + component.name());
            for (FieldDef field : component.fields()) {
                if (!field.enumConstants().isEmpty() && matchingEnum(field) == null) {
                    String name = unique(typeNames, component.name() + pascal(field.name()),
                            "the enum of column " + component.name() + "." + field.name());
                    columnEnums.put(field, name);
                    enumClasses.put(name, name);
                }
            }
        }
        this.types = new CSharpTypes(recordClasses, enumClasses);
    }

    private static Set<String> namespaces(SchemaManifest manifest) {
        Set<String> namespaces = new TreeSet<>();
        manifest.components().forEach(c -> namespaces.add(c.namespace()));
        manifest.systems().forEach(s -> namespaces.add(s.namespace()));
        return namespaces;
    }

    /** Generates the package; files are sorted by path. */
    public static List<GeneratedFile> generate(SchemaManifest manifest, CSharpOptions options) {
        return new CSharpGenerator(manifest, options).files();
    }

    private List<GeneratedFile> files() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("package.json", packageJson());
        files.put("README.md", readme());
        files.put("Runtime/" + options.namespace() + ".asmdef", asmdef());
        for (String name : RUNTIME) {
            files.put("Runtime/Hetu/" + name, header() + resource(name).replace(NAMESPACE_TOKEN, options.namespace()));
        }
        files.put(JSLIB, "// Generated by HeTu's C# SDK generator (" + options.packageName() + " " + options.version()
                + "). Do not edit: regenerate the SDK.\n" + resource("HetuWebSocket.jslib"));
        files.put("Runtime/HetuSchema.cs", registry());
        files.put("Runtime/HetuClient.cs", client());
        for (ComponentDef component : manifest.components()) {
            files.put("Runtime/Components/" + pascal(component.name()) + ".cs",
                    component(component));
        }
        for (RecordDef record : manifest.records()) {
            files.put("Runtime/Types/" + recordClasses.get(record.name()) + ".cs", record(record));
        }
        for (EnumDef e : manifest.enums()) {
            files.put("Runtime/Types/" + enumClasses.get(e.name()) + ".cs",
                    wrap(List.of(), enumBody(enumClasses.get(e.name()), e.constants(), "the enum " + e.name())));
        }
        addMetaFiles(files);
        List<GeneratedFile> out = new ArrayList<>();
        files.forEach((path, content) -> out.add(new GeneratedFile(path, content)));
        out.sort(Comparator.comparing(GeneratedFile::path));
        return out;
    }

    // ----- package files -----

    private String packageJson() {
        return "{\n"
                + "  \"name\": " + literal(options.packageName()) + ",\n"
                + "  \"version\": " + literal(options.version()) + ",\n"
                + "  \"displayName\": " + literal("HeTu client " + options.namespace()) + ",\n"
                + "  \"description\": " + literal("Generated HeTu client SDK for schema " + manifest.schemaHash()
                        + ". Do not edit: regenerate it from the app's schema manifest.") + ",\n"
                + "  \"unity\": \"2018.3\",\n"
                + "  \"license\": \"Apache-2.0\",\n"
                + "  \"keywords\": [\"hetu\", \"networking\"]\n"
                + "}\n";
    }

    private String asmdef() {
        return "{\n"
                + "  \"name\": " + literal(options.namespace()) + ",\n"
                + "  \"references\": [],\n"
                + "  \"includePlatforms\": [],\n"
                + "  \"excludePlatforms\": [],\n"
                + "  \"allowUnsafeCode\": false,\n"
                + "  \"autoReferenced\": true\n"
                + "}\n";
    }

    private String readme() {
        String group = manifest.systems().isEmpty() ? "Game" : pascal(manifest.systems().get(0).namespace());
        return "# " + options.packageName() + "\n\n"
                + "Generated by HeTu's C# SDK generator from schema `" + manifest.schemaHash() + "`. Do not edit.\n\n"
                + "A Unity package (2018.3 and later, .NET 4.x scripting runtime) whose `Runtime` folder also compiles\n"
                + "for plain .NET and Mono (C# 7.2, `System.Net.WebSockets.ClientWebSocket`). In WebGL players (Unity\n"
                + "2021.2 and later) it talks through the browser's WebSocket instead (`Runtime/Plugins/WebGL`).\n\n"
                + "Install it from git: Package Manager, Add package from git URL, with the folder that holds this file\n"
                + "as `?path=` and a tag or commit as `#revision`, e.g.\n"
                + "`https://github.com/you/game.git?path=/Packages/" + options.packageName() + "#v" + options.version()
                + "`.\n\n"
                + "```csharp\n"
                + "using " + options.namespace() + ";  // this package's namespace\n\n"
                + "var client = new HetuClient(\"ws://127.0.0.1:2466/hetu\");\n"
                + "await client.ConnectAsync();\n"
                + "// await client.LoginAsync(c => c." + group + ".Login(...));  // and again after every reconnect\n"
                + "// await client." + group + ".SomeSystem(...);  // Task<T>; fails with HetuRejectionException\n"
                + "```\n\n"
                + "- Calls: one method per system, grouped by namespace, returning `Task<T>`; a rejection is a\n"
                + "  `HetuRejectionException` with `Code` and `Message`; a call cut off by a lost connection fails with\n"
                + "  `HetuConnectionException` (it may or may not have run).\n"
                + "- Subscriptions: `Select`, `SelectBy<Column>` (unique indexes) and `QueryBy<Column>` (index ranges,\n"
                + "  limit, descending) return a `HetuSubscription<TRow>` with a `Rows` cache by row id and\n"
                + "  `OnInsert`/`OnUpdate`/`OnDelete` events. List components add `SubscribeList(key)`,\n"
                + "  `SubscribeTop(key, n)` and `SubscribeLast(key, n)`; sort their rows with `<Row>.CompareListOrder`.\n"
                + "- Logins: `LoginAsync` runs the login, re-subscribes and reconciles every cache under the new\n"
                + "  session before it completes, and becomes the `SessionStart` of later reconnects.\n"
                + "- Reconnects: after a lost connection the client reconnects with exponential backoff, runs\n"
                + "  `SessionStart` (the login), re-subscribes and reconciles every cache, raising the events for what\n"
                + "  changed while it was away. PROTOCOL, SCHEMA, VERSION, KICKED and the limits a reconnect would\n"
                + "  break again end the connection for good.\n"
                + "- Threads: caches change and events run through `HetuOptions.Dispatcher`: immediately on the\n"
                + "  receive thread (default), on a `SynchronizationContext` (`HetuUnity.MainThreadDispatcher()` in\n"
                + "  Unity), or queued until `HetuQueueDispatcher.Drain()`.\n\n"
                + "Types: `i8` `sbyte`, `i16` `short`, `i32` `int`, `i64` `long`, `f32` `float`, `f64` `double`,\n"
                + "`char` `char`, enums as C# enums, `string` `string` (UTF-8 on the wire), `bytes` `byte[]`, lists\n"
                + "and arrays `List<T>`, nullable value types `T?`. Instants and durations are `long` nanoseconds\n"
                + "(exact; properties and parameters end in `Nanos`); rows and records also offer a `DateTime` (UTC)\n"
                + "or `TimeSpan` view, which keeps 100 ns ticks, and `HetuTime` converts both ways.\n";
    }

    private String header() {
        return "// <auto-generated>\n"
                + "// Generated by HeTu's C# SDK generator (" + options.packageName() + " " + options.version()
                + ", schema " + manifest.schemaHash() + ").\n"
                + "// Do not edit: regenerate it from the app's schema manifest.\n"
                + "// </auto-generated>\n";
    }

    private String wrap(List<String> usings, String body) {
        StringBuilder out = new StringBuilder(header());
        for (String using : usings) {
            out.append("using ").append(using).append(";\n");
        }
        if (!usings.isEmpty()) {
            out.append('\n');
        }
        out.append("namespace ").append(options.namespace()).append("\n{\n");
        for (String line : body.split("\n", -1)) {
            if (!line.isEmpty()) {
                out.append("    ").append(line);
            }
            out.append('\n');
        }
        // The split above leaves one empty string after the body's last line break.
        out.setLength(out.length() - 1);
        return out.append("}\n").toString();
    }

    private static String resource(String name) {
        try (InputStream in = CSharpGenerator.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the C# runtime file " + name + " is missing from the generator's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Unity wants a .meta file with a stable GUID beside every file and folder of an immutable package. */
    private void addMetaFiles(Map<String, String> files) {
        Set<String> entries = new TreeSet<>();
        for (String path : files.keySet()) {
            entries.add(path);
            for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
                entries.add(path.substring(0, slash) + "/");
            }
        }
        for (String entry : entries) {
            boolean folder = entry.endsWith("/");
            String path = folder ? entry.substring(0, entry.length() - 1) : entry;
            files.put(path + ".meta", "fileFormatVersion: 2\nguid: " + guid(path) + "\n"
                    + (folder ? "folderAsset: yes\nDefaultImporter:\n  externalObjects: {}\n  userData: \n"
                            + "  assetBundleName: \n  assetBundleVariant: \n"
                            : path.equals(JSLIB) ? WEBGL_ONLY_PLUGIN : ""));
        }
    }

    /** A plugin importer that includes the file in WebGL players and nowhere else (not even the editor). */
    private static final String WEBGL_ONLY_PLUGIN = """
            PluginImporter:
              externalObjects: {}
              serializedVersion: 2
              iconMap: {}
              executionOrder: {}
              defineConstraints: []
              isPreloaded: 0
              isOverridable: 0
              isExplicitlyReferenced: 0
              validateReferences: 1
              platformData:
              - first:
                  Any: 
                second:
                  enabled: 0
                  settings: {}
              - first:
                  Editor: Editor
                second:
                  enabled: 0
                  settings:
                    DefaultValueInitialized: true
              - first:
                  WebGL: WebGL
                second:
                  enabled: 1
                  settings: {}
              userData: 
              assetBundleName: 
              assetBundleVariant: 
            """;

    private String guid(String path) {
        try {
            byte[] digest = MessageDigest.getInstance("MD5")
                    .digest((options.packageName() + "/" + path).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }

    // ----- registry and client -----

    private String registry() {
        CSharpCode code = new CSharpCode();
        code.line("/// <summary>The schema this SDK was generated from: its hash and the wire ids.</summary>");
        code.open("public static class HetuSchema");
        code.line("public const string SchemaHash = " + literal(manifest.schemaHash()) + ";");
        code.blank();
        code.line("/// <summary>Component ids: positions in the manifest's components.</summary>");
        code.open("public static class Components");
        Set<String> names = new HashSet<>();
        for (int id = 0; id < manifest.components().size(); id++) {
            ComponentDef c = manifest.components().get(id);
            code.line("public const int " + unique(names, qualified(c.namespace(), c.name()), "component " + c.name())
                    + " = " + id + ";");
        }
        code.close();
        code.blank();
        code.line("/// <summary>System ids: positions in the manifest's systems.</summary>");
        code.open("public static class Systems");
        names.clear();
        for (int id = 0; id < manifest.systems().size(); id++) {
            SystemDef s = manifest.systems().get(id);
            code.line("public const int " + unique(names, qualified(s.namespace(), s.name()), "system " + s.name())
                    + " = " + id + ";");
        }
        code.close();
        code.blank();
        code.line("/// <summary>Wire names (namespace.name) by component id.</summary>");
        code.line("public static readonly string[] ComponentNames = { " + String.join(", ", manifest.components()
                .stream().map(c -> literal(c.namespace() + "." + c.name())).toList()) + " };");
        code.blank();
        code.line("/// <summary>Wire names (namespace.name) by system id.</summary>");
        code.line("public static readonly string[] SystemNames = { " + String.join(", ", manifest.systems().stream()
                .map(s -> literal(s.namespace() + "." + s.name())).toList()) + " };");
        code.blank();
        code.line("/// <summary>Row sizes in bytes by component id.</summary>");
        code.line("public static readonly int[] RowSizes = { " + String.join(", ", manifest.components().stream()
                .map(c -> String.valueOf(c.rowSize())).toList()) + " };");
        code.close();
        return wrap(List.of(), code.toString());
    }

    private String client() {
        Map<String, List<Integer>> systemsByNamespace = new LinkedHashMap<>();
        Map<String, List<ComponentDef>> componentsByNamespace = new LinkedHashMap<>();
        for (ComponentDef c : manifest.components()) {
            componentsByNamespace.computeIfAbsent(c.namespace(), n -> new ArrayList<>()).add(c);
            systemsByNamespace.computeIfAbsent(c.namespace(), n -> new ArrayList<>());
        }
        for (int id = 0; id < manifest.systems().size(); id++) {
            systemsByNamespace.computeIfAbsent(manifest.systems().get(id).namespace(), n -> new ArrayList<>()).add(id);
        }
        List<String> namespaces = new ArrayList<>(namespaces(manifest));

        CSharpCode code = new CSharpCode();
        code.line("/// <summary>The typed client: one property per namespace of the app, holding its systems and tables.</summary>");
        code.open("public sealed class HetuClient : IDisposable");
        code.open("public HetuClient(string url, HetuOptions options = null) : this(new Uri(url), options)");
        code.close();
        code.blank();
        code.open("public HetuClient(Uri url, HetuOptions options = null)");
        code.line("Connection = new HetuConnection(url, HetuSchema.SchemaHash, options);");
        for (String ns : namespaces) {
            code.line(pascal(ns) + " = new " + groupClass(ns) + "(Connection);");
        }
        code.close();
        code.blank();
        code.line("public HetuConnection Connection { get; private set; }");
        Set<String> members = new HashSet<>(CLIENT_MEMBERS);
        for (String ns : namespaces) {
            code.blank();
            code.line("/// <summary>The systems and tables of namespace <c>" + ns + "</c>.</summary>");
            code.line("public " + groupClass(ns) + " " + unique(members, pascal(ns), "namespace " + ns)
                    + " { get; private set; }");
        }
        code.blank();
        code.line("/// <summary>Connects and completes after the handshake and <see cref=\"HetuConnection.SessionStart\"/>.</summary>");
        code.line("public Task ConnectAsync(CancellationToken cancel = default(CancellationToken)) { return Connection.ConnectAsync(cancel); }");
        code.blank();
        code.line("/// <summary>Logs in (and again after every reconnect); see <see cref=\"HetuConnection.LoginAsync\"/>.</summary>");
        code.line("public Task LoginAsync(Func<HetuClient, Task> login) { return Connection.LoginAsync(c => login(this)); }");
        code.blank();
        code.line("public Task CloseAsync() { return Connection.CloseAsync(); }");
        code.blank();
        code.line("public void Dispose() { Connection.Dispose(); }");
        code.close();
        for (String ns : namespaces) {
            code.blank();
            namespaceGroup(code, ns, systemsByNamespace.get(ns), componentsByNamespace.getOrDefault(ns, List.of()));
            code.blank();
            codec(code, ns, systemsByNamespace.get(ns));
        }
        return wrap(List.of("System", "System.Collections.Generic", "System.Threading", "System.Threading.Tasks"),
                code.toString());
    }

    private void namespaceGroup(CSharpCode code, String ns, List<Integer> systemIds, List<ComponentDef> components) {
        String group = groupClass(ns);
        code.line("/// <summary>Namespace <c>" + ns + "</c>: typed calls and tables.</summary>");
        code.open("public sealed class " + group);
        code.line("private readonly HetuConnection connection;");
        code.blank();
        code.open("internal " + group + "(HetuConnection connection)");
        code.line("this.connection = connection;");
        for (ComponentDef c : components) {
            code.line(c.name() + " = new " + tableClass(c) + "(connection);");
        }
        code.close();
        Set<String> members = new HashSet<>(Set.of(group));
        for (ComponentDef c : components) {
            code.blank();
            code.line("/// <summary>Subscriptions to component <c>" + c.namespace() + "." + c.name() + "</c>.</summary>");
            code.line("public " + tableClass(c) + " " + unique(members, pascal(c.name()), "component " + c.name())
                    + " { get; private set; }");
        }
        for (int id : systemIds) {
            SystemDef s = manifest.systems().get(id);
            code.blank();
            systemMethod(code, id, s, unique(members, pascal(s.name()), "system " + ns + "." + s.name()));
        }
        code.close();
    }

    private void systemMethod(CSharpCode code, int id, SystemDef s, String method) {
        boolean isVoid = s.returns().type().equals("void");
        List<String> params = new ArrayList<>();
        List<String> args = new ArrayList<>(List.of("__w"));
        for (ParamDef p : s.params()) {
            params.add(types.type(p.type()) + " " + valueParameter(p));
            args.add(valueParameter(p));
        }
        code.line("/// <summary>Calls <c>" + s.namespace() + "." + s.name() + "</c> (system " + id + ", permission "
                + s.permission() + ")" + (isVoid ? "" : "; the result as " + describe(s.returns())) + ".</summary>");
        for (ParamDef p : s.params()) {
            if (CSharpTypes.timeView(p.type().type()) != null) {
                code.line("/// <param name=\"" + valueParameter(p) + "\">" + p.type().type()
                        + " in nanoseconds (see HetuTime)</param>");
            }
        }
        code.open("public " + (isVoid ? "Task" : "Task<" + types.type(s.returns()) + ">") + " " + method + "("
                + String.join(", ", params) + ")");
        String codec = codecClass(s.namespace());
        code.line("return connection.CallAsync<" + types.type(s.returns()) + ">(HetuSchema.Systems."
                + qualified(s.namespace(), s.name()) + ", __w => " + codec + ".Write" + method + "("
                + String.join(", ", args) + "), " + (isVoid ? "null" : codec + ".Read" + method) + ");");
        code.close();
    }

    /** The argument encoders and result decoders of a namespace's systems, usable without a connection. */
    private void codec(CSharpCode code, String ns, List<Integer> systemIds) {
        String codec = codecClass(ns);
        code.line("/// <summary>Namespace <c>" + ns + "</c>: the CALL arguments and RESULT values of its systems.</summary>");
        code.open("public static class " + codec);
        Set<String> members = new HashSet<>(Set.of(codec));
        for (int id : systemIds) {
            SystemDef s = manifest.systems().get(id);
            String method = pascal(s.name());
            List<String> params = new ArrayList<>(List.of("HetuWriter __w"));
            for (ParamDef p : s.params()) {
                params.add(types.type(p.type()) + " " + valueParameter(p));
            }
            if (id != systemIds.get(0)) {
                code.blank();
            }
            code.line("/// <summary>Writes the arguments of <c>" + s.namespace() + "." + s.name() + "</c>.</summary>");
            code.open("public static void " + unique(members, "Write" + method, "system " + s.name()) + "("
                    + String.join(", ", params) + ")");
            for (ParamDef p : s.params()) {
                code.line(types.write(p.type(), "__w", valueParameter(p), 0) + ";");
            }
            code.close();
            if (!s.returns().type().equals("void")) {
                code.blank();
                code.line("/// <summary>Reads the result of <c>" + s.namespace() + "." + s.name() + "</c>.</summary>");
                code.open("public static " + types.type(s.returns()) + " " + unique(members, "Read" + method,
                        "system " + s.name()) + "(HetuReader __r)");
                code.line("return " + types.read(s.returns(), "__r", 0) + ";");
                code.close();
            }
        }
        code.close();
    }

    private static String describe(TypeRef type) {
        String base = switch (type.type()) {
            case "list" -> "a list of " + describe(type.element());
            case "instant", "duration" -> type.type() + " nanoseconds";
            case "record", "enum8", "enum16" -> type.name();
            default -> type.type();
        };
        return type.nullable() ? "nullable " + base : base;
    }

    // ----- components -----

    private String component(ComponentDef c) {
        String row = rowClass(c);
        String table = tableClass(c);
        CSharpCode code = new CSharpCode();
        code.line("/// <summary>A row of <c>" + c.namespace() + "." + c.name() + "</c> (permission " + c.permission()
                + "), decoded from its " + c.rowSize() + " layout bytes.</summary>");
        code.open("public sealed class " + row);
        code.line("public const int Size = " + c.rowSize() + ";");
        Set<String> members = new HashSet<>(Set.of(row, "Size", "Decode", "ToString", "Equals", "GetHashCode",
                "GetType"));
        Map<FieldDef, String> properties = new LinkedHashMap<>();
        for (FieldDef f : c.fields()) {
            String name = pascal(f.name());
            String view = CSharpTypes.timeView(f.type());
            TypeRef type = columnType(f);
            code.blank();
            if (view != null) {
                String nanos = unique(members, name + "Nanos", "column " + c.name() + "." + f.name());
                properties.put(f, nanos);
                code.line("/// <summary>Column <c>" + f.name() + "</c>: " + f.type() + " in nanoseconds"
                        + (f.type().equals("instant") ? " since the epoch" : "") + ".</summary>");
                code.line("public " + types.type(type) + " " + nanos + " { get; set; }");
                code.blank();
                timeView(code, unique(members, name, "column " + c.name() + "." + f.name()), nanos, view,
                        f.nullable(), f.name());
            } else {
                properties.put(f, unique(members, name, "column " + c.name() + "." + f.name()));
                code.line("/// <summary>Column <c>" + f.name() + "</c> (" + f.type() + ").</summary>");
                code.line("public " + types.type(type) + " " + properties.get(f) + " { get; set; }");
            }
        }
        code.blank();
        code.line("/// <summary>Decodes a row from its layout bytes at <paramref name=\"offset\"/>.</summary>");
        code.open("public static " + row + " Decode(byte[] row, int offset)");
        code.line("var value = new " + row + "();");
        for (FieldDef f : c.fields()) {
            String read = columnRead(f);
            if (f.nullable()) {
                String absent = CSharpTypes.isValueType(columnType(f)) ? "(" + types.type(columnType(f)) + ")null"
                        : "null";
                read = "HetuRow.Present(row, offset + " + c.nullBitmapOffset() + ", " + f.nullBit() + ") ? " + read
                        + " : " + absent;
            }
            code.line("value." + properties.get(f) + " = " + read + ";");
        }
        code.line("return value;");
        code.close();
        if (c.list() != null) {
            listOrder(code, c, row, properties);
        }
        code.close();
        for (FieldDef f : c.fields()) {
            if (columnEnums.containsKey(f)) {
                code.blank();
                code.line(enumBody(columnEnums.get(f), f.enumConstants(), "column " + c.name() + "." + f.name()).strip());
            }
        }
        code.blank();
        table(code, c, table, row);
        return wrap(List.of("System", "System.Threading.Tasks"), code.toString());
    }

    /** The comparison that puts the rows of a list subscription in list order. */
    private static void listOrder(CSharpCode code, ComponentDef c, String row, Map<FieldDef, String> properties) {
        ListInfo list = c.list();
        code.blank();
        code.line("/// <summary>The order of a list: " + list.sort().stream()
                .map(o -> "<c>" + o.field() + "</c>" + (o.desc() ? " descending" : "") + ", ").reduce("", String::concat)
                + "then append order (<c>seq</c>). Sort a list subscription's rows with it.</summary>");
        code.open("public static int CompareListOrder(" + row + " a, " + row + " b)");
        if (!list.sort().isEmpty()) {
            code.line("int order;");
        }
        for (SortDef sort : list.sort()) {
            FieldDef field = c.fields().stream().filter(f -> f.name().equals(sort.field())).findFirst().orElseThrow();
            String first = (sort.desc() ? "b." : "a.") + properties.get(field);
            String second = (sort.desc() ? "a." : "b.") + properties.get(field);
            code.line("order = " + (field.type().equals("string") ? "string.CompareOrdinal(" + first + ", " + second
                    + ")" : first + ".CompareTo(" + second + ")") + ";");
            code.line("if (order != 0) return order;");
        }
        FieldDef seq = c.fields().stream().filter(f -> f.name().equals("seq")).findFirst().orElseThrow();
        code.line("return a." + properties.get(seq) + ".CompareTo(b." + properties.get(seq) + ");");
        code.close();
    }

    /** Subscriptions to a whole list, its first and its last rows: queries on the list index bounded by one key. */
    private void listSubscriptions(CSharpCode code, ComponentDef c, String componentId, String row,
            String subscription) {
        ListInfo list = c.list();
        FieldDef field = c.fields().stream().filter(f -> f.name().equals(list.key())).findFirst().orElseThrow();
        TypeRef key = columnType(field);
        TypeRef keyValue = new TypeRef(key.type(), false, key.name(), null);
        String keyName = parameter(field.name());
        String declared = types.type(keyValue) + " " + keyName;
        boolean sorted = list.kind().equals("SORTED_LIST");
        code.blank();
        code.line("/// <summary>Subscribes to the whole list <c>" + field.name() + "</c> (at most " + list.capacity()
                + " rows); sort its rows with <see cref=\"" + row + ".CompareListOrder\"/>.</summary>");
        code.open("public " + subscription + " SubscribeList(" + declared + ")");
        code.line("return QueryList(" + keyName + ", HetuQuery.NoLimit, false);");
        code.close();
        String[][] windows = {
                {"SubscribeTop", "first", sorted ? "its top" : "its oldest", "false"},
                {"SubscribeLast", "last", sorted ? "its bottom" : "its newest", "true"}};
        for (String[] window : windows) {
            code.blank();
            code.line("/// <summary>Subscribes to the " + window[1] + " <paramref name=\"count\"/> rows of the list ("
                    + window[2] + "), kept full as rows leave.</summary>");
            code.open("public " + subscription + " " + window[0] + "(" + declared + ", int count)");
            code.line("return QueryList(" + keyName + ", count, " + window[3] + ");");
            code.close();
        }
        code.blank();
        code.open("private " + subscription + " QueryList(" + declared + ", int limit, bool descending)");
        code.open("return connection.SubscribeAsync(HetuConnection.Query, __w =>");
        code.line("HetuQuery.WriteHeader(__w, " + componentId + ", " + list.index()
                + ", limit, descending, true, true, true, true);");
        code.line(types.write(keyValue, "__w", keyName, 0) + ";");
        code.line(types.write(keyValue, "__w", keyName, 0) + ";");
        code.close("}, " + row + ".Size, " + row + ".Decode);");
        code.close();
    }

    private void table(CSharpCode code, ComponentDef c, String table, String row) {
        String componentId = "HetuSchema.Components." + qualified(c.namespace(), c.name());
        String subscription = "Task<HetuSubscription<" + row + ">>";
        code.line("/// <summary>Typed subscriptions to <c>" + c.namespace() + "." + c.name() + "</c>.</summary>");
        code.open("public sealed class " + table);
        code.line("private readonly HetuConnection connection;");
        code.blank();
        code.open("internal " + table + "(HetuConnection connection)");
        code.line("this.connection = connection;");
        code.close();
        code.blank();
        code.line("/// <summary>Subscribes to the row with this id (SELECT by id).</summary>");
        code.open("public " + subscription + " Select(long id)");
        code.open("return connection.SubscribeAsync(HetuConnection.Select, __w =>");
        code.line("__w.WriteU16((ushort)" + componentId + ");");
        code.line("__w.WriteU8(0);");
        code.line("__w.WriteI64(id);");
        code.close("}, " + row + ".Size, " + row + ".Decode);");
        code.close();
        for (int position = 0; position < c.indexes().size(); position++) {
            IndexDef index = c.indexes().get(position);
            FieldDef field = c.fields().stream().filter(f -> f.name().equals(index.field())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("component " + c.name() + " indexes column '"
                            + index.field() + "', which it does not have"));
            if (field.type().equals("bytes") || (c.list() != null && position == c.list().index())) {
                continue;
            }
            TypeRef key = columnType(field);
            TypeRef keyValue = new TypeRef(key.type(), false, key.name(), null);
            String keyName = parameter(field.name());
            String by = pascal(field.name());
            String unit = CSharpTypes.timeView(field.type()) != null ? " (nanoseconds)" : "";
            if (index.unique()) {
                code.blank();
                code.line("/// <summary>Subscribes to the row whose unique <c>" + field.name() + "</c> is the key"
                        + unit + ".</summary>");
                code.open("public " + subscription + " SelectBy" + by + "(" + types.type(keyValue) + " " + keyName + ")");
                code.open("return connection.SubscribeAsync(HetuConnection.Select, __w =>");
                code.line("__w.WriteU16((ushort)" + componentId + ");");
                code.line("__w.WriteU8(1);");
                code.line("__w.WriteU8(" + position + ");");
                code.line(types.write(keyValue, "__w", keyName, 0) + ";");
                code.close("}, " + row + ".Size, " + row + ".Decode);");
                code.close();
            }
            TypeRef bound = new TypeRef(key.type(), true, key.name(), null);
            boolean valueType = CSharpTypes.isValueType(bound);
            code.blank();
            code.line("/// <summary>Subscribes to the rows whose <c>" + field.name() + "</c> lies between the bounds"
                    + unit + " (null: open), ordered by it then by id, at most <paramref name=\"limit\"/> of them.</summary>");
            code.open("public " + subscription + " QueryBy" + by + "(" + types.type(bound) + " low = null, "
                    + types.type(bound) + " high = null, int limit = HetuQuery.NoLimit, bool descending = false, "
                    + "bool lowInclusive = true, bool highInclusive = true)");
            String hasLow = valueType ? "low.HasValue" : "low != null";
            String hasHigh = valueType ? "high.HasValue" : "high != null";
            code.open("return connection.SubscribeAsync(HetuConnection.Query, __w =>");
            code.line("HetuQuery.WriteHeader(__w, " + componentId + ", " + position + ", limit, descending, " + hasLow
                    + ", lowInclusive, " + hasHigh + ", highInclusive);");
            code.line("if (" + hasLow + ") " + types.write(keyValue, "__w", valueType ? "low.Value" : "low", 0) + ";");
            code.line("if (" + hasHigh + ") " + types.write(keyValue, "__w", valueType ? "high.Value" : "high", 0)
                    + ";");
            code.close("}, " + row + ".Size, " + row + ".Decode);");
            code.close();
        }
        if (c.list() != null) {
            listSubscriptions(code, c, componentId, row, subscription);
        }
        code.close();
    }

    private TypeRef columnType(FieldDef f) {
        String enumName = null;
        if (!f.enumConstants().isEmpty()) {
            enumName = columnEnums.containsKey(f) ? columnEnums.get(f) : matchingEnum(f);
        }
        return new TypeRef(f.type(), f.nullable(), enumName, null);
    }

    private String columnEnumClass(FieldDef f) {
        TypeRef type = columnType(f);
        return types.type(new TypeRef(type.type(), false, type.name(), null));
    }

    private String columnRead(FieldDef f) {
        String at = "row, offset + " + f.offset();
        return switch (f.type()) {
            case "bool" -> "HetuRow.Bool(" + at + ")";
            case "i8" -> "HetuRow.I8(" + at + ")";
            case "i16" -> "HetuRow.I16(" + at + ")";
            case "i32" -> "HetuRow.I32(" + at + ")";
            case "i64", "instant", "duration" -> "HetuRow.I64(" + at + ")";
            case "f32" -> "HetuRow.F32(" + at + ")";
            case "f64" -> "HetuRow.F64(" + at + ")";
            case "char" -> "HetuRow.Char(" + at + ")";
            case "enum8" -> "(" + columnEnumClass(f) + ")HetuRow.U8(" + at + ")";
            case "enum16" -> "(" + columnEnumClass(f) + ")HetuRow.U16(" + at + ")";
            case "string" -> "HetuRow.String(" + at + ")";
            case "bytes" -> "HetuRow.Bytes(" + at + ")";
            default -> throw new IllegalArgumentException("column " + f.name() + " has unknown type '" + f.type() + "'");
        };
    }

    /** The manifest enum with exactly the column's constants (the manifest names only the constants of a column). */
    private String matchingEnum(FieldDef f) {
        for (EnumDef e : manifest.enums()) {
            if (e.constants().equals(f.enumConstants())) {
                return e.name();
            }
        }
        return null;
    }

    // ----- records and enums -----

    private String record(RecordDef record) {
        String name = recordClasses.get(record.name());
        CSharpCode code = new CSharpCode();
        code.line("/// <summary>The record <c>" + record.name() + "</c>, encoded as its fields in order.</summary>");
        code.open("public sealed class " + name);
        Set<String> members = new HashSet<>(Set.of(name, "Read", "Write", "ToString", "Equals", "GetHashCode",
                "GetType"));
        List<String> properties = new ArrayList<>();
        for (ParamDef f : record.fields()) {
            String view = CSharpTypes.timeView(f.type().type());
            String property = unique(members, pascal(f.name()) + (view != null ? "Nanos" : ""),
                    "field " + record.name() + "." + f.name());
            properties.add(property);
            code.line("public " + types.type(f.type()) + " " + property + " { get; set; }");
            code.blank();
            if (view != null) {
                timeView(code, unique(members, pascal(f.name()), "field " + record.name() + "." + f.name()), property,
                        view, f.type().nullable(), f.name());
                code.blank();
            }
        }
        code.open("public " + name + "()");
        code.close();
        if (!record.fields().isEmpty()) {
            code.blank();
            List<String> params = new ArrayList<>();
            for (ParamDef f : record.fields()) {
                params.add(types.type(f.type()) + " " + valueParameter(f));
            }
            code.open("public " + name + "(" + String.join(", ", params) + ")");
            for (int i = 0; i < record.fields().size(); i++) {
                code.line(properties.get(i) + " = " + valueParameter(record.fields().get(i)) + ";");
            }
            code.close();
        }
        code.blank();
        code.open("public static void Write(HetuWriter writer, " + name + " value)");
        code.line("if (value == null) throw new ArgumentNullException(\"value\", \"a " + name
                + " that is not nullable was null\");");
        for (int i = 0; i < record.fields().size(); i++) {
            code.line(types.write(record.fields().get(i).type(), "writer", "value." + properties.get(i), 0) + ";");
        }
        code.close();
        code.blank();
        code.open("public static " + name + " Read(HetuReader reader)");
        code.line("var value = new " + name + "();");
        for (int i = 0; i < record.fields().size(); i++) {
            code.line("value." + properties.get(i) + " = " + types.read(record.fields().get(i).type(), "reader", 0) + ";");
        }
        code.line("return value;");
        code.close();
        code.close();
        return wrap(List.of("System", "System.Collections.Generic"), code.toString());
    }

    private static String enumBody(String name, List<String> constants, String what) {
        CSharpCode code = new CSharpCode();
        code.line("/// <summary>" + Character.toUpperCase(what.charAt(0)) + what.substring(1)
                + "; the value is the ordinal on the wire.</summary>");
        code.open("public enum " + name + (constants.size() > 256 ? " : ushort" : " : byte"));
        Set<String> members = new HashSet<>();
        for (int i = 0; i < constants.size(); i++) {
            code.line(unique(members, pascal(constants.get(i), true), what + " constant " + constants.get(i)) + " = "
                    + i + (i + 1 < constants.size() ? "," : ""));
        }
        code.close();
        return code.toString();
    }

    // ----- shared -----

    private static void timeView(CSharpCode code, String property, String nanos, String view, boolean nullable,
            String wireName) {
        String convert = view.equals("DateTime") ? "HetuTime.ToDateTime" : "HetuTime.ToTimeSpan";
        code.line("/// <summary><c>" + wireName + "</c> as a " + view + (view.equals("DateTime") ? " (UTC)" : "")
                + ", to 100 ns.</summary>");
        if (nullable) {
            code.line("public " + view + "? " + property + " { get { return " + nanos + ".HasValue ? " + convert + "("
                    + nanos + ".Value) : (" + view + "?)null; } }");
        } else {
            code.line("public " + view + " " + property + " { get { return " + convert + "(" + nanos + "); } }");
        }
    }

    private static String valueParameter(ParamDef p) {
        return parameter(p.name() + (CSharpTypes.timeView(p.type().type()) != null ? "Nanos" : ""));
    }

    private static String rowClass(ComponentDef c) {
        return pascal(c.name()) + "Row";
    }

    private static String tableClass(ComponentDef c) {
        return pascal(c.name()) + "Table";
    }

    private static String groupClass(String namespace) {
        return pascal(namespace) + "Api";
    }

    private static String codecClass(String namespace) {
        return pascal(namespace) + "Codec";
    }

    private static String qualified(String namespace, String name) {
        return pascal(namespace) + pascal(name);
    }

    /** Claims a C# name, or explains which two manifest names collide in C#. */
    private static String unique(Set<String> taken, String name, String what) {
        if (!taken.add(name)) {
            throw new IllegalArgumentException("the C# name " + name + " of " + what + " collides with another "
                    + "generated name; rename one of them in the app");
        }
        return name;
    }
}
