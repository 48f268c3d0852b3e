package io.hetu.server.app;

import io.hetu.annotations.Permission;
import io.hetu.manifest.SchemaManifest;
import io.hetu.schema.TableDescriptor;
import io.hetu.server.login.ServerLeaseTable;
import io.hetu.server.login.UserLoginTable;
import io.hetu.server.once.CallOutcomeTable;
import io.hetu.server.time.ScheduledCallTable;
import io.hetu.system.Hook;
import io.hetu.system.SystemDef;
import io.hetu.system.SystemDispatcher;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A game app as the server runs it: its schema manifest, its components' table descriptors (in
 * manifest order: the component ids of the protocol) and its systems (in manifest order: the
 * system ids), each bound to its generated dispatcher. Classes are found through the manifest and
 * loaded once, at start; nothing is looked up by reflection afterwards.
 */
public final class App {

    public static final String MANIFEST = SchemaManifest.RESOURCE;

    /** A callable system or hook, bound to the dispatcher that runs it. */
    public record Entry(SystemDef def, SystemDispatcher dispatcher, int index) {}

    private final byte[] manifest;
    private final String schemaHash;
    private final List<TableDescriptor<?, ?>> tables;
    private final List<Entry> systems;
    private final Map<Hook, List<Entry>> hooks;
    private final ClassLoader loader;

    private App(byte[] manifest, String schemaHash, List<TableDescriptor<?, ?>> tables, List<Entry> systems,
            Map<Hook, List<Entry>> hooks, ClassLoader loader) {
        this.loader = loader;
        this.manifest = manifest;
        this.schemaHash = schemaHash;
        this.tables = List.copyOf(tables);
        this.systems = List.copyOf(systems);
        this.hooks = hooks;
    }

    /**
     * Loads the app whose manifest the class loader holds. With a namespace, only that namespace's
     * systems and hooks are served (components are always all served).
     *
     * @throws IOException when the manifest is missing or names classes that cannot be loaded
     */
    public static App load(ClassLoader loader, String namespace) throws IOException {
        byte[] bytes;
        try (InputStream in = loader.getResourceAsStream(MANIFEST)) {
            if (in == null) {
                throw new IOException("the app has no " + MANIFEST + "; build it with the HeTu annotation processor "
                        + "in maven-compiler-plugin's annotationProcessorPaths (see docs/COMPONENTS.md)");
            }
            bytes = in.readAllBytes();
        }
        SchemaManifest manifest;
        try {
            manifest = SchemaManifest.parse(bytes);
        } catch (IOException e) {
            throw new IOException(MANIFEST + " cannot be read: " + e.getMessage() + "; this server reads format 1",
                    e);
        }
        List<TableDescriptor<?, ?>> tables = new ArrayList<>();
        for (String tableClass : manifest.tableClasses()) {
            tables.add(loadTable(loader, tableClass));
        }
        // The server's own component, after the app's so that the app's keep their ids.
        tables.add(ScheduledCallTable.TABLE);
        tables.add(CallOutcomeTable.TABLE);
        tables.add(UserLoginTable.TABLE);
        tables.add(ServerLeaseTable.TABLE);
        Map<String, SystemDispatcher> dispatchers = new HashMap<>();
        List<Entry> systems = new ArrayList<>();
        for (SchemaManifest.Dispatch dispatch : manifest.systemDispatch()) {
            systems.add(entry(loader, dispatchers, dispatch));
        }
        Map<Hook, List<Entry>> hooks = new HashMap<>();
        for (SchemaManifest.HookDef hook : manifest.hooks()) {
            Entry entry = entry(loader, dispatchers, hook.dispatch());
            // Hooks belong to the app, not to a namespace: they run whichever namespace is served.
            if (namespace == null || entry.def().namespace().isEmpty() || entry.def().namespace().equals(namespace)) {
                hooks.computeIfAbsent(entry.def().hook(), h -> new ArrayList<>()).add(entry);
            }
        }
        if (namespace != null) {
            requireNamespace(namespace, systems);
            systems.replaceAll(e -> e.def().namespace().equals(namespace) ? e : disabled(e));
        }
        return new App(bytes, manifest.schemaHash(), tables, systems, hooks, loader);
    }

    /** A namespace no system has is a typo in the settings, not an app with nothing to serve. */
    private static void requireNamespace(String namespace, List<Entry> systems) throws IOException {
        java.util.SortedSet<String> known = new java.util.TreeSet<>();
        for (Entry entry : systems) {
            if (entry.def().namespace().equals(namespace)) {
                return;
            }
            known.add(entry.def().namespace().isEmpty() ? "(none)" : entry.def().namespace());
        }
        throw new IOException("no system of the app is in namespace '" + namespace + "'; its namespaces are "
                + (known.isEmpty() ? "none (the app has no systems)" : String.join(", ", known))
                + ". Check the namespace setting (--namespace or namespace: in the settings file)");
    }

    /** A system of another namespace keeps its id but cannot be called here. */
    private static Entry disabled(Entry entry) {
        SystemDef def = entry.def();
        return new Entry(new SystemDef(def.namespace(), def.name(), Permission.NONE, def.retry(), def.hook(),
                def.tickNanos(), def.limit()),
                entry.dispatcher(), entry.index());
    }

    private static Entry entry(ClassLoader loader, Map<String, SystemDispatcher> dispatchers,
            SchemaManifest.Dispatch dispatch) throws IOException {
        String className = dispatch.dispatcherClass();
        SystemDispatcher dispatcher = dispatchers.get(className);
        if (dispatcher == null) {
            try {
                dispatcher = (SystemDispatcher) Class.forName(className, true, loader).getDeclaredConstructor()
                        .newInstance();
            } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
                throw new IOException("cannot load system dispatcher " + className + " named by " + MANIFEST
                        + ": " + e, e);
            }
            dispatchers.put(className, dispatcher);
        }
        int index = dispatch.index();
        if (index < 0 || index >= dispatcher.systems().size()) {
            throw new IOException(MANIFEST + " names system index " + index + " of " + className
                    + ", which has " + dispatcher.systems().size() + "; rebuild the app");
        }
        return new Entry(dispatcher.systems().get(index), dispatcher, index);
    }

    private static TableDescriptor<?, ?> loadTable(ClassLoader loader, String className) throws IOException {
        try {
            return (TableDescriptor<?, ?>) Class.forName(className, true, loader).getField("TABLE").get(null);
        } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
            throw new IOException("cannot load table descriptor " + className + " named by " + MANIFEST + ": " + e, e);
        }
    }

    /** The class loader the app was loaded from; its resources include the app's browser client. */
    public ClassLoader loader() {
        return loader;
    }

    /** The manifest's bytes, as served to tools. */
    public byte[] manifest() {
        return manifest.clone();
    }

    public String schemaHash() {
        return schemaHash;
    }

    /**
     * The components' tables, by component id, then the server's own ({@code hetu.ScheduledCall}, {@code hetu.CallOutcome}):
     * open the database with all of them.
     */
    public List<TableDescriptor<?, ?>> tables() {
        return tables;
    }

    /** The system with this wire id, or null. */
    public Entry system(int id) {
        return id >= 0 && id < systems.size() ? systems.get(id) : null;
    }

    public List<Entry> systems() {
        return systems;
    }

    public List<Entry> hooks(Hook hook) {
        return hooks.getOrDefault(hook, List.of());
    }
}
