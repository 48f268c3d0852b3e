package io.hetu.processor.generate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.palantir.javapoet.ClassName;
import io.hetu.processor.model.ColumnModel;
import io.hetu.processor.model.ComponentModel;
import io.hetu.processor.model.DispatcherModel;
import io.hetu.processor.model.IndexKind;
import io.hetu.processor.model.LayoutPlanner;
import io.hetu.processor.model.SystemHook;
import io.hetu.processor.model.SystemModel;
import io.hetu.processor.model.WireType;
import io.hetu.schema.FieldLayout;
import io.hetu.schema.IndexDef;
import io.hetu.schema.ListDef;
import io.hetu.schema.SortColumn;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Writes the schema manifest, {@code META-INF/hetu/schema.json}: the one description of an app's
 * data that the runtime, the SDK generators and third-party tools read. The format is specified
 * in {@code docs/MANIFEST.md}; output is deterministic (components and systems sorted by namespace
 * and name, fixed key order, {@code \n} line ends).
 */
public final class ManifestWriter {

    /** The manifest format version; bumped on any change a reader must know about. */
    public static final int FORMAT = 1;

    public static final String RESOURCE = "META-INF/hetu/schema.json";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private ManifestWriter() {}

    /** A system or hook with the dispatcher that runs it and its index there. */
    private record Entry(SystemModel system, DispatcherModel dispatcher) {

        int index() {
            return dispatcher.indexOf(system);
        }
    }

    public static String write(List<ComponentModel> components, List<DispatcherModel> dispatchers) {
        List<ComponentModel> sorted = components.stream()
                .sorted(Comparator.comparing(ComponentModel::namespace).thenComparing(ComponentModel::name))
                .toList();
        List<Entry> entries = dispatchers.stream()
                .flatMap(d -> d.systems().stream().map(s -> new Entry(s, d)))
                .toList();
        List<Entry> systems = entries.stream()
                .filter(e -> e.system().hook() == SystemHook.CALL)
                .sorted(Comparator.comparing((Entry e) -> e.system().namespace()).thenComparing(e -> e.system().name()))
                .toList();
        List<Entry> hooks = entries.stream()
                .filter(e -> e.system().hook() != SystemHook.CALL)
                .sorted(Comparator.comparing((Entry e) -> e.system().hook())
                        .thenComparing(e -> e.system().name())
                        .thenComparing(e -> e.system().declaringClass().canonicalName()))
                .toList();
        Map<ClassName, String> typeNames = WireTypes.uniqueNames(systems.stream()
                .flatMap(e -> WireTypes.signature(e.system()).stream())
                .toList());

        ObjectNode root = JSON.objectNode();
        root.put("format", FORMAT);
        root.put("schemaHash", schemaHash(sorted, systems.stream().map(Entry::system).toList()));
        ArrayNode array = root.putArray("components");
        sorted.forEach(component -> array.add(component(component)));
        ArrayNode systemArray = root.putArray("systems");
        systems.forEach(entry -> systemArray.add(system(entry, typeNames)));
        ArrayNode hookArray = root.putArray("hooks");
        hooks.forEach(entry -> hookArray.add(hook(entry)));
        namedTypes(root, systems, typeNames);
        Separators separators = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator("");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(separators)
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"));
        try {
            return new ObjectMapper().writer(printer).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The hash a client presents in the handshake: it changes whenever a client built from an
     * older manifest could misread rows or address something that moved.
     */
    static String schemaHash(List<ComponentModel> sorted, List<SystemModel> systems) {
        StringBuilder canonical = new StringBuilder("format=").append(FORMAT);
        for (ComponentModel component : sorted) {
            canonical.append('|').append(component.namespace()).append('.').append(component.name())
                    .append('=').append(component.layoutHash());
            for (ColumnModel column : component.columns()) {
                if (column.index() != IndexKind.NONE) {
                    canonical.append(',').append(column.name()).append(':').append(column.index());
                }
            }
            if (component.list() != null) {
                canonical.append(",list:").append(component.list());
            }
        }
        for (SystemModel system : systems) {
            canonical.append("|system ").append(system.namespace()).append('.').append(system.name())
                    .append(':').append(system.permission())
                    .append(system.params().stream().map(p -> canonical(p.type()))
                            .collect(Collectors.joining(",", "(", ")")))
                    .append(canonical(system.returns()));
        }
        return LayoutPlanner.sha256Prefix(canonical.toString());
    }

    /** A type as the wire sees it: structure, nullability and enum constants, but no names. */
    private static String canonical(WireType type) {
        String structure = switch (type) {
            case WireType.Scalar scalar -> scalar.type().wireName();
            case WireType.EnumType enumType -> enumType.type().wireName()
                    + enumType.constants().stream().collect(Collectors.joining(",", "<", ">"));
            case WireType.RecordType record -> record.fields().stream().map(f -> canonical(f.type()))
                    .collect(Collectors.joining(",", "{", "}"));
            case WireType.ListType list -> "[" + canonical(list.element()) + "]";
            case WireType.VoidType v -> "void";
        };
        return type.nullable() ? structure + "?" : structure;
    }

    private static ObjectNode system(Entry entry, Map<ClassName, String> typeNames) {
        SystemModel system = entry.system();
        ObjectNode node = JSON.objectNode();
        node.put("name", system.name());
        node.put("namespace", system.namespace());
        node.put("permission", system.permission().name());
        node.put("retry", system.retry());
        if (system.limit() != null) {
            ObjectNode limit = node.putObject("rateLimit");
            limit.put("perSecond", system.limit().perSecond());
            limit.put("burst", system.limit().burst());
            limit.put("perUser", system.limit().perUser());
        }
        if (system.idempotent()) {
            node.put("idempotent", true);
        }
        node.put("dispatcherClass", entry.dispatcher().dispatcherClass().canonicalName());
        node.put("index", entry.index());
        members(node.putArray("params"), system.params(), typeNames);
        node.set("returns", type(system.returns(), typeNames));
        return node;
    }

    private static ObjectNode hook(Entry entry) {
        SystemModel hook = entry.system();
        ObjectNode node = JSON.objectNode();
        node.put("hook", hook.hook().name());
        if (!hook.namespace().isEmpty()) {
            node.put("namespace", hook.namespace());
        }
        node.put("name", hook.name());
        node.put("retry", hook.retry());
        if (hook.tickNanos() != 0) {
            node.put("tickNanos", hook.tickNanos());
        }
        node.put("dispatcherClass", entry.dispatcher().dispatcherClass().canonicalName());
        node.put("index", entry.index());
        node.put("javaClass", hook.declaringClass().canonicalName());
        return node;
    }

    /** The {@code types} (records) and {@code enums} that the systems' signatures use, by name. */
    private static void namedTypes(ObjectNode root, List<Entry> systems, Map<ClassName, String> typeNames) {
        Map<String, ObjectNode> records = new TreeMap<>();
        Map<String, ObjectNode> enums = new TreeMap<>();
        systems.forEach(entry -> WireTypes.signature(entry.system()).forEach(top -> WireTypes.walk(top, type -> {
            switch (type) {
                case WireType.RecordType record -> records.computeIfAbsent(typeNames.get(record.recordClass()),
                        name -> {
                            ObjectNode node = named(name, record.recordClass());
                            members(node.putArray("fields"), record.fields(), typeNames);
                            return node;
                        });
                case WireType.EnumType enumType -> enums.computeIfAbsent(typeNames.get(enumType.enumClass()),
                        name -> {
                            ObjectNode node = named(name, enumType.enumClass());
                            enumType.constants().forEach(node.putArray("constants")::add);
                            return node;
                        });
                default -> { }
            }
        })));
        root.putArray("types").addAll(records.values());
        root.putArray("enums").addAll(enums.values());
    }

    private static ObjectNode named(String name, ClassName javaClass) {
        ObjectNode node = JSON.objectNode();
        node.put("name", name);
        node.put("javaClass", javaClass.canonicalName());
        return node;
    }

    /** Parameters or record fields: {@code { "name": ..., "type": ... }} each, in order. */
    private static void members(ArrayNode array, List<WireType.Named> members, Map<ClassName, String> typeNames) {
        for (WireType.Named member : members) {
            ObjectNode node = array.addObject();
            node.put("name", member.name());
            node.set("type", type(member.type(), typeNames));
        }
    }

    /** A type reference: {@code { "type": "list", "element": { "type": "i32" } }}. */
    private static ObjectNode type(WireType type, Map<ClassName, String> typeNames) {
        ObjectNode node = JSON.objectNode();
        switch (type) {
            case WireType.Scalar scalar -> node.put("type", scalar.type().wireName());
            case WireType.EnumType enumType -> {
                node.put("type", enumType.type().wireName());
                node.put("enum", typeNames.get(enumType.enumClass()));
            }
            case WireType.RecordType record -> {
                node.put("type", "record");
                node.put("record", typeNames.get(record.recordClass()));
            }
            case WireType.ListType list -> {
                node.put("type", "list");
                node.set("element", type(list.element(), typeNames));
                if (list.array()) {
                    node.put("java", "array");
                }
            }
            case WireType.VoidType v -> node.put("type", "void");
        }
        if (type.nullable()) {
            node.put("nullable", true);
        }
        return node;
    }

    private static ObjectNode component(ComponentModel model) {
        ObjectNode node = JSON.objectNode();
        node.put("name", model.name());
        node.put("namespace", model.namespace());
        node.put("recordClass", model.recordClass().canonicalName());
        node.put("rowClass", model.rowClass().canonicalName());
        node.put("tableClass", model.tableClass().canonicalName());
        node.put("permission", model.permission().name());
        if (model.rls() != null) {
            ObjectNode rls = node.putObject("rls");
            rls.put("field", model.rls().field());
            rls.put("op", model.rls().op().name());
            rls.put("session", model.rls().sessionKey());
        }
        node.put("kind", model.kind().name());
        ListDef list = model.list();
        if (list != null) {
            ObjectNode listNode = node.putObject("list");
            listNode.put("key", list.key());
            sortColumns(listNode.putArray("sort"), list.sort());
            listNode.put("capacity", list.capacity());
            listNode.put("evict", list.eviction().name());
            listNode.put("index", list.index());
        }
        node.put("durable", model.durable());
        node.put("rowSize", model.layout().size());
        node.put("alignment", model.layout().alignment());
        ObjectNode nulls = node.putObject("nullBitmap");
        nulls.put("offset", model.layout().nullBitmapOffset());
        nulls.put("size", model.layout().nullBitmapSize());
        ArrayNode fields = node.putArray("fields");
        for (FieldLayout field : model.layout().fields()) {
            ObjectNode f = fields.addObject();
            f.put("name", field.name());
            f.put("type", field.type().wireName());
            f.put("offset", field.offset());
            f.put("size", field.size());
            f.put("nullable", field.nullable());
            if (field.nullable()) {
                f.put("nullBit", field.nullBit());
            }
            if (field.type().isVariableLength()) {
                f.put("maxLength", field.maxLength());
            }
            if (!field.enumConstants().isEmpty()) {
                ArrayNode constants = f.putArray("enum");
                field.enumConstants().forEach(constants::add);
            }
        }
        ArrayNode indexes = node.putArray("indexes");
        for (ColumnModel column : model.columns()) {
            if (column.index() != IndexKind.NONE) {
                ObjectNode index = indexes.addObject();
                index.put("field", column.name());
                index.put("unique", column.index() == IndexKind.UNIQUE);
            }
        }
        if (list != null) {
            IndexDef listIndex = list.indexDef();
            ObjectNode index = indexes.addObject();
            index.put("field", listIndex.field());
            index.put("unique", false);
            sortColumns(index.putArray("then"), listIndex.then());
        }
        node.put("layoutHash", model.layoutHash());
        return node;
    }

    private static void sortColumns(ArrayNode array, List<SortColumn> columns) {
        for (SortColumn column : columns) {
            ObjectNode node = array.addObject();
            node.put("field", column.field());
            node.put("desc", column.descending());
        }
    }
}
