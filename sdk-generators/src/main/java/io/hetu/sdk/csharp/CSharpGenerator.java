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
import io.hetu.sdk.Names;
import io.hetu.sdk.SdkModel.Column;
import io.hetu.sdk.SdkModel.Component;
import io.hetu.sdk.SdkModel.EnumType;
import io.hetu.sdk.SdkModel.ListView;
import io.hetu.sdk.SdkModel.Lookup;
import io.hetu.sdk.SdkModel.Namespace;
import io.hetu.sdk.SdkModel.Param;
import io.hetu.sdk.SdkModel.RecordType;
import io.hetu.sdk.SdkModel.SortKey;
import io.hetu.sdk.SdkModel.SystemCall;
import io.hetu.sdk.SdkModel.Window;
import io.hetu.sdk.SdkModel;
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
 * this class: connection, reconnects, subscriptions, wire reader and writer), the protocol's constants
 * ({@code HetuProtocol.cs}) and, generated from the manifest, one file per component (row class, decoder,
 * typed select/query helpers), one per record and enum, the typed client with a method per system, and the
 * {@code HetuSchema} registry. What the SDK offers and under which names comes from the {@link SdkModel};
 * this class only spells it in C#: PascalCase, {@code Async} on every method that returns a task, and
 * {@code partial} classes that an app may extend. A pure function: the same manifest and options always give
 * the same files.
 */
public final class CSharpGenerator {

    private static final List<String> RUNTIME = List.of("HetuConnection.cs", "HetuDispatchers.cs",
            "HetuErrors.cs", "HetuSubscription.cs", "HetuTransport.cs", "HetuWebGLTransport.cs", "HetuWire.cs");
    /** The browser half of the WebGL transport; Unity links it into WebGL players only (see its .meta). */
    private static final String JSLIB = "Runtime/Plugins/WebGL/HetuWebSocket.jslib";
    private static final String NAMESPACE_TOKEN = "__HETU_NAMESPACE__";
    private static final Set<String> CLIENT_MEMBERS = Set.of("Connection", "ConnectAsync", "LoginAsync", "CloseAsync",
            "Dispose", "HetuClient");
    /** What every C# method that returns a task ends with. */
    private static final String ASYNC = "Async";

    private final SdkModel model;
    private final CSharpOptions options;
    private final Map<String, String> recordClasses = new LinkedHashMap<>();
    private final Map<String, String> enumClasses = new LinkedHashMap<>();
    private final CSharpTypes types;

    private CSharpGenerator(SdkModel model, CSharpOptions options) {
        this.model = model;
        this.options = options;
        Set<String> typeNames = new HashSet<>(Set.of("HetuClient", "HetuSchema", "HetuProtocol", "HetuAfterError"));
        for (RecordType record : model.records()) {
            recordClasses.put(record.name(), unique(typeNames, record.typeName(), "record " + record.name()));
        }
        for (EnumType e : model.enums()) {
            enumClasses.put(e.name(), unique(typeNames, e.typeName(), "enum " + e.name()));
        }
        for (Namespace ns : model.namespaces()) {
            unique(typeNames, groupClass(ns), "namespace " + ns.name());
            unique(typeNames, codecClass(ns.name()), "namespace " + ns.name());
        }
        for (Component component : model.components()) {
            unique(typeNames, rowClass(component), "component " + component.name());
            unique(typeNames, tableClass(component), "component " + component.name());
            for (Column column : component.columns()) {
                if (column.ownEnumType() != null) {
                    unique(typeNames, column.ownEnumType(), "the enum of column " + component.name() + "."
                            + column.name());
                    enumClasses.put(column.ownEnumType(), column.ownEnumType());
                }
            }
        }
        this.types = new CSharpTypes(recordClasses, enumClasses);
    }

    /** Generates the package; files are sorted by path. */
    public static List<GeneratedFile> generate(SchemaManifest manifest, CSharpOptions options) {
        return new CSharpGenerator(SdkModel.of(manifest), options).files();
    }

    private List<GeneratedFile> files() {
        Map<String, GeneratedFile> files = new LinkedHashMap<>();
        add(files, "package.json", packageJson());
        add(files, "README.md", readme());
        add(files, "Runtime/" + options.namespace() + ".asmdef", asmdef());
        for (String name : RUNTIME) {
            String path = "Runtime/Hetu/" + name;
            files.put(path, new GeneratedFile(path, header()
                    + resource(name).replace(NAMESPACE_TOKEN, options.namespace()), true));
        }
        files.put(JSLIB, new GeneratedFile(JSLIB, "// Generated by HeTu's C# SDK generator (" + options.packageName()
                + " " + options.version() + "). Do not edit: regenerate the SDK.\n" + resource("HetuWebSocket.jslib"),
                true));
        add(files, "Runtime/Hetu/HetuProtocol.cs", wrap(List.of("System.Collections.Generic"), CSharpProtocol.body()));
        add(files, "Runtime/HetuSchema.cs", registry());
        add(files, "Runtime/HetuClient.cs", client());
        for (Component component : model.components()) {
            add(files, "Runtime/Components/" + component.typeName() + ".cs", component(component));
        }
        for (RecordType record : model.records()) {
            add(files, "Runtime/Types/" + recordClasses.get(record.name()) + ".cs", record(record));
        }
        for (EnumType e : model.enums()) {
            add(files, "Runtime/Types/" + enumClasses.get(e.name()) + ".cs",
                    wrap(List.of(), enumBody(enumClasses.get(e.name()), e.constants(), "the enum " + e.name())));
        }
        addMetaFiles(files);
        List<GeneratedFile> out = new ArrayList<>(files.values());
        out.sort(Comparator.comparing(GeneratedFile::path));
        return out;
    }

    private static void add(Map<String, GeneratedFile> files, String path, String content) {
        files.put(path, new GeneratedFile(path, content));
    }

    // ----- package files -----

    private String packageJson() {
        return "{\n"
                + "  \"name\": " + literal(options.packageName()) + ",\n"
                + "  \"version\": " + literal(options.version()) + ",\n"
                + "  \"displayName\": " + literal("HeTu client " + options.namespace()) + ",\n"
                + "  \"description\": " + literal("Generated HeTu client SDK for schema " + model.schemaHash()
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
        String group = model.systems().isEmpty() ? "Game" : Names.pascal(model.systems().get(0).namespace());
        return "# " + options.packageName() + "\n\n"
                + "Generated by HeTu's C# SDK generator from schema `" + model.schemaHash() + "`. Do not edit.\n\n"
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
                + "// await client.LoginAsync(c => c." + group + ".LoginAsync(...));  // and again after every reconnect\n"
                + "// await client." + group + ".SomeSystemAsync(...);  // Task<T>; fails with HetuRejectionException\n"
                + "```\n\n"
                + "- Calls: one method per system, grouped by namespace, returning `Task<T>` (the name of every\n"
                + "  method that returns a task ends in `Async`); a rejection is a `HetuRejectionException` with `Code`\n"
                + "  and `Message`. A call cut off by a lost connection is sent again after the reconnect and\n"
                + "  `SessionStart`, and runs at most once; without a `SessionStart` it fails with a\n"
                + "  `HetuConnectionException` of code `DISCONNECTED` (it may or may not have run).\n"
                + "- Subscriptions: `SelectByIdAsync`, `SelectBy<Column>Async` (unique indexes) and\n"
                + "  `QueryBy<Column>Async` (index ranges, limit, descending) return a `HetuSubscription<TRow>` with a\n"
                + "  `Rows` cache by row id and `OnInsert`/`OnUpdate`/`OnDelete` events. List components add\n"
                + "  `SubscribeListAsync(key)`, `SubscribeTopAsync(key, n)` and `SubscribeLastAsync(key, n)`; sort\n"
                + "  their rows with `<Row>.CompareListOrder`. Every generated class is `partial`.\n"
                + "- Logins: `LoginAsync` runs the login, re-subscribes and reconciles every cache under the new\n"
                + "  session before it completes, and becomes the `SessionStart` of later reconnects.\n"
                + "- Reconnects: after a lost connection the client reconnects with exponential backoff, runs\n"
                + "  `SessionStart` (the login), sends again the calls cut off, re-subscribes and reconciles every\n"
                + "  cache, raising the events for what changed while it was away. PROTOCOL, SCHEMA, VERSION, KICKED\n"
                + "  and the limits a reconnect would break again end the connection for good.\n"
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
                + ", schema " + model.schemaHash() + ").\n"
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
    private void addMetaFiles(Map<String, GeneratedFile> files) {
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
            add(files, path + ".meta", "fileFormatVersion: 2\nguid: " + guid(path) + "\n"
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
        code.open("public static partial class HetuSchema");
        code.line("public const string SchemaHash = " + literal(model.schemaHash()) + ";");
        code.blank();
        code.line("/// <summary>Component ids: positions in the manifest's components (server-only ones have none here).</summary>");
        code.open("public static partial class Components");
        Set<String> names = new HashSet<>();
        for (Component c : model.components()) {
            code.line("public const int " + unique(names, qualified(c.namespace(), c.name()), "component " + c.name())
                    + " = " + c.id() + ";");
        }
        code.close();
        code.blank();
        code.line("/// <summary>System ids: positions in the manifest's systems (server-only ones have none here).</summary>");
        code.open("public static partial class Systems");
        names.clear();
        for (SystemCall s : model.systems()) {
            code.line("public const int " + unique(names, qualified(s.namespace(), s.name()), "system " + s.name())
                    + " = " + s.id() + ";");
        }
        code.close();
        code.blank();
        code.line("/// <summary>Wire names (namespace.name) by component id, server-only (NONE) ones included.</summary>");
        code.line("public static readonly string[] ComponentNames = { " + String.join(", ", model.wire()
                .componentNames().stream().map(CSharpCode::literal).toList()) + " };");
        code.blank();
        code.line("/// <summary>Wire names (namespace.name) by system id, server-only (NONE) ones included.</summary>");
        code.line("public static readonly string[] SystemNames = { " + String.join(", ", model.wire().systemNames()
                .stream().map(CSharpCode::literal).toList()) + " };");
        code.blank();
        code.line("/// <summary>Row sizes in bytes by component id.</summary>");
        code.line("public static readonly int[] RowSizes = { " + String.join(", ", model.wire().rowSizes().stream()
                .map(String::valueOf).toList()) + " };");
        code.close();
        return wrap(List.of(), code.toString());
    }

    private String client() {
        CSharpCode code = new CSharpCode();
        code.line("/// <summary>The typed client: one property per namespace of the app, holding its systems and tables.</summary>");
        code.open("public sealed partial class HetuClient : IDisposable");
        code.open("public HetuClient(string url, HetuOptions options = null) : this(new Uri(url), options)");
        code.close();
        code.blank();
        code.open("public HetuClient(Uri url, HetuOptions options = null)");
        code.line("Connection = new HetuConnection(url, HetuSchema.SchemaHash, options);");
        for (Namespace ns : model.namespaces()) {
            code.line(ns.typeName() + " = new " + groupClass(ns) + "(Connection);");
        }
        code.close();
        code.blank();
        code.line("public HetuConnection Connection { get; private set; }");
        Set<String> members = new HashSet<>(CLIENT_MEMBERS);
        for (Namespace ns : model.namespaces()) {
            code.blank();
            code.line("/// <summary>The systems and tables of namespace <c>" + ns.name() + "</c>.</summary>");
            code.line("public " + groupClass(ns) + " " + unique(members, ns.typeName(), "namespace " + ns.name())
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
        for (Namespace ns : model.namespaces()) {
            code.blank();
            namespaceGroup(code, ns);
            code.blank();
            codec(code, ns);
        }
        return wrap(List.of("System", "System.Collections.Generic", "System.ComponentModel", "System.Threading",
                "System.Threading.Tasks"), code.toString());
    }

    private void namespaceGroup(CSharpCode code, Namespace ns) {
        String group = groupClass(ns);
        code.line("/// <summary>Namespace <c>" + ns.name() + "</c>: typed calls and tables.</summary>");
        code.open("public sealed partial class " + group);
        code.line("private readonly HetuConnection connection;");
        code.blank();
        Set<String> members = new HashSet<>(Set.of(group));
        Map<Component, String> tables = new LinkedHashMap<>();
        ns.components().forEach(c -> tables.put(c, unique(members, pascal(c.name()), "component " + c.name())));
        code.open("internal " + group + "(HetuConnection connection)");
        code.line("this.connection = connection;");
        tables.forEach((c, property) -> code.line(property + " = new " + tableClass(c) + "(connection);"));
        code.close();
        tables.forEach((c, property) -> {
            code.blank();
            code.line("/// <summary>Subscriptions to component <c>" + c.qualifiedName() + "</c>.</summary>");
            code.line("public " + tableClass(c) + " " + property + " { get; private set; }");
        });
        Renamed renamed = new Renamed();
        for (SystemCall s : ns.systems()) {
            code.blank();
            String method = unique(members, s.typeName() + ASYNC, "system " + s.qualifiedName());
            String signature = systemMethod(code, s, method);
            renamed.add(s.typeName(), method, signature, arguments(s));
        }
        renamed.write(code, members);
        code.close();
    }

    /** Writes the call method of {@code s}; returns its return type and parameter list, for its old name. */
    private String systemMethod(CSharpCode code, SystemCall s, String method) {
        List<String> params = new ArrayList<>();
        for (Param p : s.params()) {
            params.add(types.type(p.type()) + " " + valueParameter(p));
        }
        code.line("/// <summary>Calls <c>" + s.qualifiedName() + "</c> (system " + s.id() + ", permission "
                + s.permission() + ")" + (s.returnsValue() ? "; the result as " + describe(s.returns()) : "")
                + ".</summary>");
        for (Param p : s.params()) {
            if (CSharpTypes.timeView(p.type().type()) != null) {
                code.line("/// <param name=\"" + valueParameter(p) + "\">" + p.type().type()
                        + " in nanoseconds (see HetuTime)</param>");
            }
        }
        String signature = (s.returnsValue() ? "Task<" + types.type(s.returns()) + ">" : "Task") + " %s("
                + String.join(", ", params) + ")";
        code.open("public " + signature.formatted(method));
        List<String> args = new ArrayList<>(List.of("__w"));
        args.addAll(s.params().stream().map(CSharpGenerator::valueParameter).toList());
        String codec = codecClass(s.namespace());
        code.line("return connection.CallAsync<" + types.type(s.returns()) + ">(HetuSchema.Systems."
                + qualified(s.namespace(), s.name()) + ", __w => " + codec + ".Write" + s.typeName() + "("
                + String.join(", ", args) + "), " + (s.returnsValue() ? codec + ".Read" + s.typeName() : "null")
                + ");");
        code.close();
        return signature;
    }

    private static String arguments(SystemCall s) {
        return String.join(", ", s.params().stream().map(CSharpGenerator::valueParameter).toList());
    }

    /** The argument encoders and result decoders of a namespace's systems, usable without a connection. */
    private void codec(CSharpCode code, Namespace ns) {
        String codec = codecClass(ns.name());
        code.line("/// <summary>Namespace <c>" + ns.name() + "</c>: the CALL arguments and RESULT values of its systems.</summary>");
        code.open("public static partial class " + codec);
        Set<String> members = new HashSet<>(Set.of(codec));
        boolean first = true;
        for (SystemCall s : ns.systems()) {
            List<String> params = new ArrayList<>(List.of("HetuWriter writer"));
            for (Param p : s.params()) {
                params.add(types.type(p.type()) + " " + valueParameter(p));
            }
            if (!first) {
                code.blank();
            }
            first = false;
            code.line("/// <summary>Writes the arguments of <c>" + s.qualifiedName() + "</c>.</summary>");
            code.open("public static void " + unique(members, "Write" + s.typeName(), "system " + s.name()) + "("
                    + String.join(", ", params) + ")");
            for (Param p : s.params()) {
                code.line(types.write(p.type(), "writer", valueParameter(p), 0) + ";");
            }
            code.close();
            if (s.returnsValue()) {
                code.blank();
                code.line("/// <summary>Reads the result of <c>" + s.qualifiedName() + "</c>.</summary>");
                code.open("public static " + types.type(s.returns()) + " " + unique(members, "Read" + s.typeName(),
                        "system " + s.name()) + "(HetuReader reader)");
                code.line("return " + types.read(s.returns(), "reader", 0) + ";");
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

    private String component(Component c) {
        String row = rowClass(c);
        String table = tableClass(c);
        CSharpCode code = new CSharpCode();
        code.line("/// <summary>A row of <c>" + c.qualifiedName() + "</c> (permission " + c.permission()
                + "), decoded from its " + c.rowSize() + " layout bytes.</summary>");
        code.open("public sealed partial class " + row);
        code.line("public const int Size = " + c.rowSize() + ";");
        Set<String> members = new HashSet<>(Set.of(row, "Size", "Decode", "ToString", "Equals", "GetHashCode",
                "GetType"));
        Map<Column, String> properties = new LinkedHashMap<>();
        for (Column f : c.columns()) {
            String name = pascal(f.name());
            String view = CSharpTypes.timeView(f.type());
            TypeRef type = f.valueType();
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
        for (Column f : c.columns()) {
            String read = columnRead(f);
            if (f.nullable()) {
                String absent = CSharpTypes.isValueType(f.valueType()) ? "(" + types.type(f.valueType()) + ")null"
                        : "null";
                read = "HetuRow.Present(row, offset + " + c.nullBitmapOffset() + ", " + f.nullBit() + ") ? " + read
                        + " : " + absent;
            }
            code.line("value." + properties.get(f) + " = " + read + ";");
        }
        code.line("return value;");
        code.close();
        if (c.list() != null) {
            listOrder(code, c.list(), row, properties);
        }
        code.close();
        for (Column f : c.columns()) {
            if (f.ownEnumType() != null) {
                code.blank();
                code.line(enumBody(f.ownEnumType(), f.enumConstants(), "column " + c.name() + "." + f.name()).strip());
            }
        }
        code.blank();
        table(code, c, table, row);
        return wrap(List.of("System", "System.ComponentModel", "System.Threading.Tasks"), code.toString());
    }

    /** The comparison that puts the rows of a list subscription in list order. */
    private static void listOrder(CSharpCode code, ListView list, String row, Map<Column, String> properties) {
        code.blank();
        code.line("/// <summary>The order of a list: " + list.sort().stream()
                .map(o -> "<c>" + o.column().name() + "</c>" + (o.descending() ? " descending" : "") + ", ")
                .reduce("", String::concat)
                + "then append order (<c>seq</c>). Sort a list subscription's rows with it.</summary>");
        code.open("public static int CompareListOrder(" + row + " a, " + row + " b)");
        if (!list.sort().isEmpty()) {
            code.line("int order;");
        }
        for (SortKey sort : list.sort()) {
            String first = (sort.descending() ? "b." : "a.") + properties.get(sort.column());
            String second = (sort.descending() ? "a." : "b.") + properties.get(sort.column());
            code.line("order = " + (sort.column().type().equals("string") ? "HetuRow.CompareText(" + first + ", "
                    + second + ")" : first + ".CompareTo(" + second + ")") + ";");
            code.line("if (order != 0) return order;");
        }
        String seq = properties.get(list.seq());
        code.line("return a." + seq + ".CompareTo(b." + seq + ");");
        code.close();
    }

    /** Subscriptions to a whole list, its first and its last rows: queries on the list index bounded by one key. */
    private void listSubscriptions(CSharpCode code, Component c, String componentId, String row, String subscription,
            Set<String> members, Renamed renamed) {
        ListView list = c.list();
        TypeRef key = list.key().keyType();
        String keyName = parameter(list.key().binding());
        String declared = types.type(key) + " " + keyName;
        for (Window window : list.windows()) {
            code.blank();
            if (window.counted()) {
                code.line("/// <summary>Subscribes to the " + (window.descending() ? "last" : "first")
                        + " <paramref name=\"count\"/> rows of the list (its " + window.part()
                        + "), kept full as rows leave.</summary>");
            } else {
                code.line("/// <summary>Subscribes to the whole list <c>" + list.key().name() + "</c> (at most "
                        + list.capacity() + " rows); sort its rows with <see cref=\"" + row
                        + ".CompareListOrder\"/>.</summary>");
            }
            String method = unique(members, window.name() + ASYNC, "the list subscription " + window.name());
            String signature = subscription + " %s(" + declared + (window.counted() ? ", int count" : "") + ")";
            code.open("public " + signature.formatted(method));
            code.line("return QueryList(" + keyName + ", " + (window.counted() ? "count" : "HetuQuery.NoLimit") + ", "
                    + window.descending() + ");");
            code.close();
            renamed.add(window.name(), method, signature, keyName + (window.counted() ? ", count" : ""));
        }
        code.blank();
        code.open("private " + subscription + " QueryList(" + declared + ", int limit, bool descending)");
        code.open("return connection.SubscribeAsync(HetuProtocol.Query, __w =>");
        code.line("HetuQuery.WriteHeader(__w, " + componentId + ", " + list.index()
                + ", limit, descending, true, true, true, true);");
        code.line(types.write(key, "__w", keyName, 0) + ";");
        code.line(types.write(key, "__w", keyName, 0) + ";");
        code.close("}, " + row + ".Size, " + row + ".Decode);");
        code.close();
    }

    private void table(CSharpCode code, Component c, String table, String row) {
        String componentId = "HetuSchema.Components." + qualified(c.namespace(), c.name());
        String subscription = "Task<HetuSubscription<" + row + ">>";
        code.line("/// <summary>Typed subscriptions to <c>" + c.qualifiedName() + "</c>.</summary>");
        code.open("public sealed partial class " + table);
        code.line("private readonly HetuConnection connection;");
        code.blank();
        code.open("internal " + table + "(HetuConnection connection)");
        code.line("this.connection = connection;");
        code.close();
        Set<String> members = new HashSet<>(Set.of(table, "QueryList"));
        Renamed renamed = new Renamed();
        code.blank();
        code.line("/// <summary>Subscribes to the row with this id (SELECT by id).</summary>");
        String byId = unique(members, SdkModel.SELECT_BY_ID + ASYNC, "the subscription by id");
        code.open("public " + subscription + " " + byId + "(long id)");
        code.open("return connection.SubscribeAsync(HetuProtocol.Select, __w =>");
        code.line("__w.WriteU16((ushort)" + componentId + ");");
        code.line("__w.WriteU8(0);");
        code.line("__w.WriteI64(id);");
        code.close("}, " + row + ".Size, " + row + ".Decode);");
        code.close();
        renamed.add("Select", byId, subscription + " %s(long id)", "id");
        for (Lookup lookup : c.lookups()) {
            Column column = lookup.column();
            TypeRef key = column.keyType();
            String keyName = parameter(column.binding());
            String unit = column.isTime() ? " (nanoseconds)" : "";
            // The names these methods had before they took the Async suffix: SelectBy/QueryBy and the column.
            String before = Names.pascal(column.name());
            if (lookup.unique()) {
                code.blank();
                code.line("/// <summary>Subscribes to the row whose unique <c>" + column.name() + "</c> is the key"
                        + unit + ".</summary>");
                String method = unique(members, lookup.selectName() + ASYNC, "the lookup by " + column.name());
                String signature = subscription + " %s(" + types.type(key) + " " + keyName + ")";
                code.open("public " + signature.formatted(method));
                code.open("return connection.SubscribeAsync(HetuProtocol.Select, __w =>");
                code.line("__w.WriteU16((ushort)" + componentId + ");");
                code.line("__w.WriteU8(1);");
                code.line("__w.WriteU8(" + lookup.index() + ");");
                code.line(types.write(key, "__w", keyName, 0) + ";");
                code.close("}, " + row + ".Size, " + row + ".Decode);");
                code.close();
                renamed.add("SelectBy" + before, method, signature, keyName);
            }
            TypeRef bound = new TypeRef(key.type(), true, key.name(), null);
            boolean valueType = CSharpTypes.isValueType(bound);
            code.blank();
            code.line("/// <summary>Subscribes to the rows whose <c>" + column.name() + "</c> lies between the bounds"
                    + unit + " (null: open), ordered by it then by id, at most <paramref name=\"limit\"/> of them.</summary>");
            String method = unique(members, lookup.queryName() + ASYNC, "the query by " + column.name());
            String signature = subscription + " %s(" + types.type(bound) + " low = null, " + types.type(bound)
                    + " high = null, int limit = HetuQuery.NoLimit, bool descending = false, "
                    + "bool lowInclusive = true, bool highInclusive = true)";
            code.open("public " + signature.formatted(method));
            String hasLow = valueType ? "low.HasValue" : "low != null";
            String hasHigh = valueType ? "high.HasValue" : "high != null";
            code.open("return connection.SubscribeAsync(HetuProtocol.Query, __w =>");
            code.line("HetuQuery.WriteHeader(__w, " + componentId + ", " + lookup.index() + ", limit, descending, "
                    + hasLow + ", lowInclusive, " + hasHigh + ", highInclusive);");
            code.line("if (" + hasLow + ") " + types.write(key, "__w", valueType ? "low.Value" : "low", 0) + ";");
            code.line("if (" + hasHigh + ") " + types.write(key, "__w", valueType ? "high.Value" : "high", 0)
                    + ";");
            code.close("}, " + row + ".Size, " + row + ".Decode);");
            code.close();
            renamed.add("QueryBy" + before, method, signature,
                    "low, high, limit, descending, lowInclusive, highInclusive");
        }
        if (c.list() != null) {
            listSubscriptions(code, c, componentId, row, subscription, members, renamed);
        }
        renamed.write(code, members);
        code.close();
    }

    /**
     * The names the task-returning methods had before they took the {@code Async} suffix: each forwards to its new
     * name, hidden from code completion, so that code written against them still compiles. One is left out where
     * its old name is taken by another member.
     */
    private static final class Renamed {
        private final List<String[]> methods = new ArrayList<>();

        /** @param signature the return type and parameter list around a {@code %s} for the name */
        void add(String before, String now, String signature, String arguments) {
            methods.add(new String[] {before, now, signature, arguments});
        }

        void write(CSharpCode code, Set<String> members) {
            for (String[] method : methods) {
                if (!members.add(method[0])) {
                    continue;
                }
                code.blank();
                code.line("/// <summary>The name of <see cref=\"" + method[1] + "\"/> before it took the Async suffix;"
                        + " kept for code written against it.</summary>");
                code.line("[EditorBrowsable(EditorBrowsableState.Never)]");
                code.line("public " + method[2].formatted(method[0]) + " { return " + method[1] + "(" + method[3]
                        + "); }");
            }
        }
    }

    private String columnEnumClass(Column f) {
        return types.type(f.keyType());
    }

    private String columnRead(Column f) {
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

    // ----- records and enums -----

    private String record(RecordType record) {
        String name = recordClasses.get(record.name());
        CSharpCode code = new CSharpCode();
        code.line("/// <summary>The record <c>" + record.name() + "</c>, encoded as its fields in order.</summary>");
        code.open("public sealed partial class " + name);
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

    private static String valueParameter(Param p) {
        return parameter(p.binding() + (CSharpTypes.timeView(p.type().type()) != null ? "Nanos" : ""));
    }

    private static String rowClass(Component c) {
        return c.typeName() + "Row";
    }

    private static String tableClass(Component c) {
        return c.typeName() + "Table";
    }

    private static String groupClass(Namespace ns) {
        return ns.typeName() + "Api";
    }

    private static String codecClass(String namespace) {
        return Names.pascal(namespace) + "Codec";
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
