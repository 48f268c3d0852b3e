package io.hetu.sdk;

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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What a client of one schema gets, decided once for every SDK language: the components with their columns and the
 * subscriptions each offers, the systems with their arguments, the records and enums they use, the namespaces that
 * group them, and the names all of these go by. The generators render this model; none of them looks at the
 * manifest or decides any of it again, so the TypeScript and C# SDKs offer the same things under the same names
 * (each in its language's case: {@code queryByLevel}, {@code QueryByLevelAsync}).
 *
 * <p>Names are PascalCase here; a language derives its own spelling from them. A manifest that contradicts itself
 * (an index on a column that does not exist, a type it does not define) is refused with a clear error.
 *
 * <p>A component or system of permission {@code NONE} is server-only: no client may read the one or call the other,
 * so the model offers neither, and no SDK has an API for them. The others keep their wire ids, which are positions in
 * the manifest counting the server-only ones ({@link #wire}).
 *
 * @param components the ones a client may read, in wire id order
 * @param systems the ones a client may call, in wire id order
 * @param namespaces sorted by name
 * @param wire every component and system by wire id, server-only ones included
 */
public record SdkModel(String schemaHash, List<Component> components, List<SystemCall> systems,
        List<RecordType> records, List<EnumType> enums, List<Namespace> namespaces, WireIds wire) {

    /** The permission of a component or system no client may read or call. */
    public static final String SERVER_ONLY = "NONE";

    /**
     * What the wire's ids stand for, by id, server-only components and systems included.
     *
     * @param componentNames {@code namespace.name} by component id
     * @param rowSizes row sizes in bytes by component id
     * @param systemNames {@code namespace.name} by system id
     */
    public record WireIds(List<String> componentNames, List<Integer> rowSizes, List<String> systemNames) {}

    /** The base name of the subscription to one row by its id, which every component offers. */
    public static final String SELECT_BY_ID = "SelectById";

    /** Names the generated code gives its own parameters, which no system argument may take. */
    private static final Set<String> CODEC_PARAMETERS = Set.of("writer", "reader");

    /** The value types of manifest format 1 (docs/MANIFEST.md, "A type"), columns' types among them. */
    private static final Set<String> VALUE_TYPES = Set.of("bool", "i8", "i16", "i32", "i64", "f32", "f64", "char",
            "enum8", "enum16", "string", "bytes", "instant", "duration", "record", "list", "void");
    private static final Set<String> COLUMN_TYPES = Set.of("bool", "i8", "i16", "i32", "i64", "f32", "f64", "char",
            "enum8", "enum16", "string", "bytes", "instant", "duration");

    /**
     * A component: a table whose rows the client receives.
     *
     * @param id its id on the wire
     * @param typeName its PascalCase name, prefixed with its namespace's where components of two namespaces would
     *     share it ({@code Gadget}; {@code ShopItem} beside {@code BagItem})
     * @param lookups the subscriptions by index it offers, besides {@link #SELECT_BY_ID}
     * @param list its lists, for a {@code LIST} or {@code SORTED_LIST} component; else null
     */
    public record Component(int id, String name, String namespace, String permission, int rowSize,
            int nullBitmapOffset, String typeName, List<Column> columns, List<Lookup> lookups, ListView list) {

        /** {@code namespace.name}, as the wire's error messages and the manifest spell it. */
        public String qualifiedName() {
            return namespace + "." + name;
        }

        /** The column of this name; a clear error when there is none. */
        public Column column(String columnName) {
            return columns.stream().filter(c -> c.name().equals(columnName)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("component " + qualifiedName() + " refers to "
                            + "column '" + columnName + "', which is none of its columns; the manifest is "
                            + "inconsistent, rebuild the app"));
        }
    }

    /**
     * A column of a component's row.
     *
     * @param type its wire type (docs/MANIFEST.md)
     * @param nullBit its bit in the row's null bitmap, -1 when not nullable
     * @param enumName for an enum column, the manifest enum with exactly its constants; null when none has them
     *     (the column's enum then is a type of its own, {@link #ownEnumType})
     * @param ownEnumType for an enum column that matches no manifest enum, the name of its own enum type
     *     ({@code GadgetMood}); else null
     */
    public record Column(String name, String type, int offset, int size, int nullBit, int maxLength,
            List<String> enumConstants, String enumName, String ownEnumType) {

        public boolean nullable() {
            return nullBit >= 0;
        }

        public boolean isEnum() {
            return type.equals("enum8") || type.equals("enum16");
        }

        /** An instant or duration: nanoseconds in a 64-bit integer. */
        public boolean isTime() {
            return type.equals("instant") || type.equals("duration");
        }

        /** The column's values as a manifest type: nullable as the column is; an enum column names its enum. */
        public TypeRef valueType() {
            return new TypeRef(type, nullable(), isEnum() ? (enumName != null ? enumName : ownEnumType) : null, null);
        }

        /** An index key or bound of this column: a value of its type without a presence flag. */
        public TypeRef keyType() {
            TypeRef value = valueType();
            return new TypeRef(value.type(), false, value.name(), null);
        }

        /** The column's name as a camelCase parameter or member. */
        public String binding() {
            return Names.camel(name);
        }
    }

    /**
     * A subscription by an index: {@code SelectBy<By>(key)} for a unique index, and for every index
     * {@code QueryBy<By>} over a key range. Indexes on {@code bytes} columns get none (their keys have no order a
     * client can write), nor does the list index of a list component, whose subscriptions are the list's
     * {@linkplain ListView#windows() windows}.
     *
     * @param index the index's position on the wire
     * @param by the PascalCase column name in the method names; {@code IdColumn} for a column called {@code id},
     *     so that its lookup is not {@link #SELECT_BY_ID}
     */
    public record Lookup(int index, Column column, boolean unique, String by) {

        /** The base name of the unique lookup, for a unique index. */
        public String selectName() {
            if (!unique) {
                throw new IllegalStateException("index " + index + " on " + column.name() + " is not unique");
            }
            return "SelectBy" + by;
        }

        public String queryName() {
            return "QueryBy" + by;
        }
    }

    /**
     * The lists of a {@code LIST} or {@code SORTED_LIST} component: rows grouped by {@code key}, in the order of
     * {@code sort} then of {@code seq}, kept to {@code capacity}.
     *
     * @param kind {@code LIST} or {@code SORTED_LIST}
     * @param index the position of the list index, which the windows query with both bounds equal to the key
     */
    public record ListView(String kind, Column key, List<SortKey> sort, Column seq, int capacity, int index,
            List<Window> windows) {

        public boolean sorted() {
            return kind.equals("SORTED_LIST");
        }
    }

    /** A sort column of a sorted list. */
    public record SortKey(Column column, boolean descending) {}

    /**
     * A subscription to one list: the whole of it, or its first or last {@code count} rows, kept full as rows leave.
     *
     * @param name its PascalCase base name ({@code SubscribeTop})
     * @param counted whether it takes a row count
     * @param descending whether the query runs from the end of the list
     * @param part which rows it holds, for documentation: {@code top}, {@code bottom} of a sorted list,
     *     {@code oldest}, {@code newest} of a list; null for the whole list
     */
    public record Window(String name, boolean counted, boolean descending, String part) {}

    /**
     * A callable system.
     *
     * @param id its id on the wire
     * @param typeName its PascalCase name, unique within its namespace ({@code MoveTo})
     * @param flatName its PascalCase name unique across the schema: {@link #typeName}, prefixed with its namespace's
     *     where systems of two namespaces would share it ({@code ShopBuy} beside {@code BagBuy})
     */
    public record SystemCall(int id, String name, String namespace, String permission, List<Param> params,
            TypeRef returns, String typeName, String flatName) {

        public String qualifiedName() {
            return namespace + "." + name;
        }

        public boolean returnsValue() {
            return !returns.type().equals("void");
        }
    }

    /**
     * An argument of a system.
     *
     * @param binding its camelCase name in the generated code: distinct from the other arguments and from the
     *     {@code writer} and {@code reader} the generated codecs take (a {@code _} is appended as needed); each
     *     language escapes its own keywords
     */
    public record Param(String name, String binding, TypeRef type) {}

    /** A record type the systems use, encoded as its fields in order. */
    public record RecordType(String name, String typeName, List<ParamDef> fields) {}

    /** An enum the systems use, encoded as its ordinal. */
    public record EnumType(String name, String typeName, List<String> constants) {}

    /** The components and systems of one namespace, for an SDK that groups them so ({@code client.Ssw}). */
    public record Namespace(String name, String typeName, List<Component> components, List<SystemCall> systems) {}

    /** Builds the model of what a client of this manifest gets. */
    public static SdkModel of(SchemaManifest manifest) {
        Map<String, String> typeNames = new LinkedHashMap<>();
        List<RecordType> records = new ArrayList<>();
        for (RecordDef record : manifest.records()) {
            records.add(new RecordType(record.name(), Names.pascal(record.name()), record.fields()));
            typeNames.put(record.name(), Names.pascal(record.name()));
        }
        List<EnumType> enums = new ArrayList<>();
        for (EnumDef e : manifest.enums()) {
            enums.add(new EnumType(e.name(), Names.pascal(e.name()), e.constants()));
            typeNames.put(e.name(), Names.pascal(e.name()));
        }
        Set<String> recordNames = new HashSet<>();
        manifest.records().forEach(r -> recordNames.add(r.name()));
        Set<String> enumNames = new HashSet<>();
        manifest.enums().forEach(e -> enumNames.add(e.name()));
        for (RecordDef record : manifest.records()) {
            record.fields().forEach(f -> checkType(f.type(), recordNames, enumNames, "field " + record.name() + "."
                    + f.name()));
        }

        // Names are qualified counting the server-only ones too, so that a permission change renames nothing.
        List<String> componentNames = qualifiedWhereNeeded(manifest.components(), ComponentDef::name,
                ComponentDef::namespace);
        List<Component> components = new ArrayList<>();
        for (int id = 0; id < manifest.components().size(); id++) {
            ComponentDef c = manifest.components().get(id);
            if (!c.permission().equals(SERVER_ONLY)) {
                components.add(component(id, c, componentNames.get(id), manifest.enums()));
            }
        }

        List<String> systemNames = qualifiedWhereNeeded(manifest.systems(), SystemDef::name, SystemDef::namespace);
        List<SystemCall> systems = new ArrayList<>();
        for (int id = 0; id < manifest.systems().size(); id++) {
            SystemDef s = manifest.systems().get(id);
            if (s.permission().equals(SERVER_ONLY)) {
                continue;
            }
            List<Param> params = new ArrayList<>();
            Set<String> taken = new HashSet<>(CODEC_PARAMETERS);
            for (ParamDef p : s.params()) {
                checkType(p.type(), recordNames, enumNames, "argument " + p.name() + " of system " + s.namespace()
                        + "." + s.name());
                String binding = Names.camel(p.name());
                while (!taken.add(binding)) {
                    binding += "_";
                }
                params.add(new Param(p.name(), binding, p.type()));
            }
            checkType(s.returns(), recordNames, enumNames, "the result of system " + s.namespace() + "." + s.name());
            systems.add(new SystemCall(id, s.name(), s.namespace(), s.permission(), List.copyOf(params), s.returns(),
                    Names.pascal(s.name()), systemNames.get(id)));
        }

        Map<String, List<Component>> componentsByNamespace = new TreeMap<>();
        Map<String, List<SystemCall>> systemsByNamespace = new TreeMap<>();
        for (Component c : components) {
            componentsByNamespace.computeIfAbsent(c.namespace(), n -> new ArrayList<>()).add(c);
            systemsByNamespace.computeIfAbsent(c.namespace(), n -> new ArrayList<>());
        }
        for (SystemCall s : systems) {
            componentsByNamespace.computeIfAbsent(s.namespace(), n -> new ArrayList<>());
            systemsByNamespace.computeIfAbsent(s.namespace(), n -> new ArrayList<>()).add(s);
        }
        List<Namespace> namespaces = new ArrayList<>();
        componentsByNamespace.forEach((ns, members) -> namespaces.add(new Namespace(ns, Names.pascal(ns),
                List.copyOf(members), List.copyOf(systemsByNamespace.get(ns)))));

        WireIds wire = new WireIds(
                manifest.components().stream().map(c -> c.namespace() + "." + c.name()).toList(),
                manifest.components().stream().map(ComponentDef::rowSize).toList(),
                manifest.systems().stream().map(s -> s.namespace() + "." + s.name()).toList());
        return new SdkModel(manifest.schemaHash(), List.copyOf(components), List.copyOf(systems),
                List.copyOf(records), List.copyOf(enums), List.copyOf(namespaces), wire);
    }

    /** The PascalCase names of the records and enums, by manifest name. */
    public Map<String, String> typeNames() {
        Map<String, String> names = new LinkedHashMap<>();
        records.forEach(r -> names.put(r.name(), r.typeName()));
        enums.forEach(e -> names.put(e.name(), e.typeName()));
        return names;
    }

    private static Component component(int id, ComponentDef c, String typeName, List<EnumDef> manifestEnums) {
        List<Column> columns = new ArrayList<>();
        for (FieldDef f : c.fields()) {
            if (!COLUMN_TYPES.contains(f.type())) {
                throw unknownType(f.type(), "column " + c.namespace() + "." + c.name() + "." + f.name());
            }
            boolean isEnum = f.type().equals("enum8") || f.type().equals("enum16");
            String enumName = isEnum ? matchingEnum(f.enumConstants(), manifestEnums) : null;
            String ownEnum = isEnum && enumName == null ? typeName + Names.pascal(f.name()) : null;
            columns.add(new Column(f.name(), f.type(), f.offset(), f.size(), f.nullBit(), f.maxLength(),
                    f.enumConstants(), enumName, ownEnum));
        }
        // Built before its lookups and list, which refer to its columns by name.
        Component bare = new Component(id, c.name(), c.namespace(), c.permission(), c.rowSize(),
                c.nullBitmapOffset(), typeName, List.copyOf(columns), List.of(), null);
        ListInfo info = c.list();
        List<Lookup> lookups = new ArrayList<>();
        for (int position = 0; position < c.indexes().size(); position++) {
            IndexDef index = c.indexes().get(position);
            Column column = bare.column(index.field());
            if (column.type().equals("bytes") || (info != null && position == info.index())) {
                continue;
            }
            String by = Names.pascal(column.binding());
            lookups.add(new Lookup(position, column, index.unique(), by.equals("Id") ? "IdColumn" : by));
        }
        ListView list = null;
        if (info != null) {
            boolean sorted = info.kind().equals("SORTED_LIST");
            List<SortKey> sort = info.sort().stream()
                    .map((SortDef s) -> new SortKey(bare.column(s.field()), s.desc())).toList();
            List<Window> windows = List.of(new Window("SubscribeList", false, false, null),
                    new Window("SubscribeTop", true, false, sorted ? "top" : "oldest"),
                    new Window("SubscribeLast", true, true, sorted ? "bottom" : "newest"));
            list = new ListView(info.kind(), bare.column(info.key()), sort, bare.column("seq"), info.capacity(),
                    info.index(), windows);
        }
        return new Component(id, c.name(), c.namespace(), c.permission(), c.rowSize(), c.nullBitmapOffset(),
                typeName, bare.columns(), List.copyOf(lookups), list);
    }

    /** The manifest enum with exactly these constants (the manifest names only the constants of a column). */
    private static String matchingEnum(List<String> constants, List<EnumDef> enums) {
        for (EnumDef e : enums) {
            if (e.constants().equals(constants)) {
                return e.name();
            }
        }
        return null;
    }

    /** PascalCase names, prefixed with the namespace's where two namespaces use the same name. */
    private static <T> List<String> qualifiedWhereNeeded(List<T> items, Function<T, String> name,
            Function<T, String> namespace) {
        Map<String, Set<String>> namespacesByName = new HashMap<>();
        items.forEach(item -> namespacesByName.computeIfAbsent(Names.pascal(name.apply(item)), n -> new HashSet<>())
                .add(namespace.apply(item)));
        List<String> names = new ArrayList<>();
        for (T item : items) {
            String plain = Names.pascal(name.apply(item));
            names.add(namespacesByName.get(plain).size() > 1 ? Names.pascal(namespace.apply(item)) + plain : plain);
        }
        return names;
    }

    private static void checkType(TypeRef type, Set<String> records, Set<String> enums, String where) {
        if (!VALUE_TYPES.contains(type.type())) {
            throw unknownType(type.type(), where);
        }
        switch (type.type()) {
            case "record" -> {
                if (!records.contains(type.name())) {
                    throw new IllegalArgumentException(where + " is of record '" + type.name() + "', which the "
                            + "manifest does not define; the manifest is inconsistent, rebuild the app");
                }
            }
            case "enum8", "enum16" -> {
                if (!enums.contains(type.name())) {
                    throw new IllegalArgumentException(where + " is of enum '" + type.name() + "', which the "
                            + "manifest does not define; the manifest is inconsistent, rebuild the app");
                }
            }
            case "list" -> {
                if (type.element() == null) {
                    throw new IllegalArgumentException(where + " is a list without an element type");
                }
                checkType(type.element(), records, enums, "an element of " + where);
            }
            default -> {
                // A plain value.
            }
        }
    }

    private static IllegalArgumentException unknownType(String type, String where) {
        return new IllegalArgumentException(where + " has type '" + type + "', which is not a type of manifest "
                + "format 1; this SDK generator is older than the manifest's producer");
    }
}
