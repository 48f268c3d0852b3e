package io.hetu.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A schema manifest (docs/MANIFEST.md, format 1), the one model of it that the server and the SDK
 * generators read (the processor writes it): the components with their row layouts and indexes,
 * the callable systems with their wire ids and types, the record and enum types the systems use,
 * and for the server the generated classes behind them. Positions in {@link #components()} and
 * {@link #systems()} are the component and system ids of the wire protocol; {@link #tableClasses()}
 * and {@link #systemDispatch()} run parallel to them.
 */
public record SchemaManifest(String schemaHash, List<ComponentDef> components, List<SystemDef> systems,
        List<RecordDef> records, List<EnumDef> enums, List<String> tableClasses, List<Dispatch> systemDispatch,
        List<HookDef> hooks) {

    /** Where the manifest is in an app's jar. */
    public static final String RESOURCE = "META-INF/hetu/schema.json";

    /** What clients see of a manifest, without the server's bindings (for SDK generation and tests). */
    public SchemaManifest(String schemaHash, List<ComponentDef> components, List<SystemDef> systems,
            List<RecordDef> records, List<EnumDef> enums) {
        this(schemaHash, components, systems, records, enums, List.of(), List.of(), List.of());
    }

    /** The generated dispatcher class that runs a system or hook, and the system's position in it. */
    public record Dispatch(String dispatcherClass, int index) {}

    /**
     * A lifecycle hook ({@code ON_SERVER_START}, {@code ON_CONNECT}, {@code ON_DISCONNECT}) or a tick
     * ({@code TICK}, with the time between its runs); not callable by clients.
     */
    public record HookDef(String name, String namespace, String hook, Dispatch dispatch, long tickNanos) {}

    /**
     * A component: a table whose rows clients receive as layout bytes.
     *
     * @param list how a {@code LIST} or {@code SORTED_LIST} component keeps its lists, null for others
     */
    public record ComponentDef(String name, String namespace, String permission, int rowSize, int nullBitmapOffset,
            List<FieldDef> fields, List<IndexDef> indexes, ListInfo list) {

        /** A {@code GENERIC} component. */
        public ComponentDef(String name, String namespace, String permission, int rowSize, int nullBitmapOffset,
                List<FieldDef> fields, List<IndexDef> indexes) {
            this(name, namespace, permission, rowSize, nullBitmapOffset, fields, indexes, null);
        }
    }

    /**
     * The lists of a {@code LIST} or {@code SORTED_LIST} component: rows grouped by {@code key}, in
     * the order of {@code sort} (empty for a {@code LIST}) and then of the {@code seq} column.
     *
     * @param index the position of the list index, which a query bounds by the key column
     */
    public record ListInfo(String kind, String key, List<SortDef> sort, int capacity, String evict, int index) {}

    /** A sort column of a sorted list. */
    public record SortDef(String field, boolean desc) {}

    /**
     * A column of a component's row.
     *
     * @param type a wire type name: bool, i8, i16, i32, i64, f32, f64, char, enum8, enum16, string,
     *     bytes, instant, duration
     * @param nullBit the column's bit in the null bitmap, -1 when not nullable
     * @param maxLength the maximum length of a string or bytes column, else 0
     * @param enumConstants the constants of an enum column, else empty
     */
    public record FieldDef(String name, String type, int offset, int size, int nullBit, int maxLength,
            List<String> enumConstants) {
        public boolean nullable() {
            return nullBit >= 0;
        }
    }

    /** An index: the position in {@code indexes} is the index position on the wire. */
    public record IndexDef(String field, boolean unique) {}

    /** A callable system: its position in {@link #systems()} is its id on the wire. */
    public record SystemDef(String name, String namespace, String permission, List<ParamDef> params,
            TypeRef returns) {}

    public record ParamDef(String name, TypeRef type) {}

    /** A record type used by systems, encoded as its fields in order. */
    public record RecordDef(String name, List<ParamDef> fields) {}

    /** An enum used by systems, encoded as its ordinal. */
    public record EnumDef(String name, List<String> constants) {}

    /**
     * A value type on the wire.
     *
     * @param type a wire type name as in {@link FieldDef}, or {@code record}, {@code list},
     *     {@code void}
     * @param nullable whether a presence flag precedes the value
     * @param name the record or enum name for {@code record}, {@code enum8} and {@code enum16}
     * @param element the element type of a {@code list}
     */
    public record TypeRef(String type, boolean nullable, String name, TypeRef element) {}

    /** Parses manifest bytes; a format other than 1 or a missing part is a clear error. */
    public static SchemaManifest parse(byte[] json) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json);
        if (root == null || root.path("format").asInt() != 1) {
            throw new IOException("not a HeTu schema manifest of format 1 (format "
                    + (root == null ? "missing" : root.path("format")) + ")");
        }
        List<ComponentDef> components = new ArrayList<>();
        for (JsonNode c : root.path("components")) {
            List<FieldDef> fields = new ArrayList<>();
            for (JsonNode f : c.path("fields")) {
                List<String> constants = new ArrayList<>();
                f.path("enum").forEach(e -> constants.add(e.asText()));
                fields.add(new FieldDef(f.path("name").asText(), f.path("type").asText(), f.path("offset").asInt(),
                        f.path("size").asInt(), f.path("nullable").asBoolean() ? f.path("nullBit").asInt() : -1,
                        f.path("maxLength").asInt(0), List.copyOf(constants)));
            }
            List<IndexDef> indexes = new ArrayList<>();
            for (JsonNode i : c.path("indexes")) {
                indexes.add(new IndexDef(i.path("field").asText(), i.path("unique").asBoolean()));
            }
            ListInfo list = null;
            JsonNode l = c.path("list");
            if (l.isObject()) {
                List<SortDef> sort = new ArrayList<>();
                l.path("sort").forEach(o -> sort.add(new SortDef(o.path("field").asText(), o.path("desc").asBoolean())));
                list = new ListInfo(c.path("kind").asText(), l.path("key").asText(), List.copyOf(sort),
                        l.path("capacity").asInt(), l.path("evict").asText(), l.path("index").asInt());
            }
            components.add(new ComponentDef(c.path("name").asText(), c.path("namespace").asText(),
                    c.path("permission").asText(), c.path("rowSize").asInt(),
                    c.path("nullBitmap").path("offset").asInt(), List.copyOf(fields), List.copyOf(indexes), list));
        }
        List<String> tableClasses = new ArrayList<>();
        root.path("components").forEach(c -> tableClasses.add(c.path("tableClass").asText()));
        List<SystemDef> systems = new ArrayList<>();
        List<Dispatch> systemDispatch = new ArrayList<>();
        for (JsonNode s : root.path("systems")) {
            systems.add(new SystemDef(s.path("name").asText(), s.path("namespace").asText(),
                    s.path("permission").asText(), params(s.path("params")), type(s.path("returns"))));
            systemDispatch.add(dispatch(s));
        }
        List<HookDef> hooks = new ArrayList<>();
        for (JsonNode h : root.path("hooks")) {
            hooks.add(new HookDef(h.path("name").asText(), h.path("namespace").asText(), h.path("hook").asText(),
                    dispatch(h), h.path("tickNanos").asLong(0)));
        }
        List<RecordDef> records = new ArrayList<>();
        for (JsonNode t : root.path("types")) {
            records.add(new RecordDef(t.path("name").asText(), params(t.path("fields"))));
        }
        List<EnumDef> enums = new ArrayList<>();
        for (JsonNode e : root.path("enums")) {
            List<String> constants = new ArrayList<>();
            e.path("constants").forEach(c -> constants.add(c.asText()));
            enums.add(new EnumDef(e.path("name").asText(), List.copyOf(constants)));
        }
        return new SchemaManifest(root.path("schemaHash").asText(), List.copyOf(components), List.copyOf(systems),
                List.copyOf(records), List.copyOf(enums), List.copyOf(tableClasses), List.copyOf(systemDispatch),
                List.copyOf(hooks));
    }

    private static Dispatch dispatch(JsonNode node) {
        return new Dispatch(node.path("dispatcherClass").asText(), node.path("index").asInt(-1));
    }

    private static List<ParamDef> params(JsonNode array) {
        List<ParamDef> params = new ArrayList<>();
        for (JsonNode p : array) {
            params.add(new ParamDef(p.path("name").asText(), type(p.path("type"))));
        }
        return List.copyOf(params);
    }

    private static TypeRef type(JsonNode node) {
        String type = node.path("type").asText("void");
        String name = node.has("record") ? node.path("record").asText()
                : node.has("enum") ? node.path("enum").asText() : null;
        TypeRef element = node.has("element") ? type(node.path("element")) : null;
        return new TypeRef(type, node.path("nullable").asBoolean(false), name, element);
    }
}
