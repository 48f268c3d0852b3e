package io.hetu.processor.generate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hetu.processor.model.ColumnModel;
import io.hetu.processor.model.ComponentModel;
import io.hetu.processor.model.IndexKind;
import io.hetu.processor.model.LayoutPlanner;
import io.hetu.schema.FieldLayout;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;

/**
 * Writes the schema manifest, {@code META-INF/hetu/schema.json}: the one description of an app's
 * data that the runtime, the SDK generators and third-party tools read. The format is specified
 * in {@code docs/MANIFEST.md}; output is deterministic (components sorted by namespace and name,
 * fixed key order, {@code \n} line ends).
 */
public final class ManifestWriter {

    /** The manifest format version; bumped on any change a reader must know about. */
    public static final int FORMAT = 1;

    public static final String RESOURCE = "META-INF/hetu/schema.json";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private ManifestWriter() {}

    public static String write(List<ComponentModel> components) {
        List<ComponentModel> sorted = components.stream()
                .sorted(Comparator.comparing(ComponentModel::namespace).thenComparing(ComponentModel::name))
                .toList();
        ObjectNode root = JSON.objectNode();
        root.put("format", FORMAT);
        root.put("schemaHash", schemaHash(sorted));
        ArrayNode array = root.putArray("components");
        sorted.forEach(component -> array.add(component(component)));
        root.putArray("systems");
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
    static String schemaHash(List<ComponentModel> sorted) {
        StringBuilder canonical = new StringBuilder("format=").append(FORMAT);
        for (ComponentModel component : sorted) {
            canonical.append('|').append(component.namespace()).append('.').append(component.name())
                    .append('=').append(component.layoutHash());
            for (ColumnModel column : component.columns()) {
                if (column.index() != IndexKind.NONE) {
                    canonical.append(',').append(column.name()).append(':').append(column.index());
                }
            }
        }
        return LayoutPlanner.sha256Prefix(canonical.toString());
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
        node.put("layoutHash", model.layoutHash());
        return node;
    }
}
