package io.hetu.storage.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hetu.schema.FieldLayout;
import io.hetu.schema.FieldType;
import io.hetu.schema.RowLayout;
import io.hetu.schema.TableDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The tables as stored: for each table number, the component's qualified name and row layout.
 * Snapshots carry the catalog they were written with, and the log records one whenever a server
 * opens it, so rows are always read with the layout they were written in, even after the app's
 * components changed.
 */
record Catalog(List<Entry> tables) {

    /** One stored table. */
    record Entry(String qualifiedName, String layoutHash, boolean durable, RowLayout layout) {}

    static Catalog of(List<TableDescriptor<?, ?>> descriptors) {
        List<Entry> entries = new ArrayList<>();
        for (TableDescriptor<?, ?> table : descriptors) {
            entries.add(new Entry(qualifiedName(table), table.layoutHash(), table.durable(), table.layout()));
        }
        return new Catalog(entries);
    }

    static String qualifiedName(TableDescriptor<?, ?> table) {
        return table.namespace() + "." + table.name();
    }

    byte[] toJson() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("format", 1);
        ArrayNode array = root.putArray("tables");
        for (Entry entry : tables) {
            ObjectNode table = array.addObject();
            table.put("name", entry.qualifiedName());
            table.put("layoutHash", entry.layoutHash());
            table.put("durable", entry.durable());
            RowLayout layout = entry.layout();
            table.put("rowSize", layout.size());
            table.put("alignment", layout.alignment());
            table.put("nullBitmapOffset", layout.nullBitmapOffset());
            table.put("nullBitmapSize", layout.nullBitmapSize());
            ArrayNode fields = table.putArray("fields");
            for (FieldLayout field : layout.fields()) {
                ObjectNode f = fields.addObject();
                f.put("name", field.name());
                f.put("type", field.type().wireName());
                f.put("offset", field.offset());
                f.put("size", field.size());
                f.put("nullBit", field.nullBit());
                f.put("maxLength", field.maxLength());
                ArrayNode constants = f.putArray("enum");
                field.enumConstants().forEach(constants::add);
            }
        }
        try {
            return mapper.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Catalog fromJson(byte[] json) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json);
        if (root == null || root.path("format").asInt() != 1) {
            throw new IOException("the stored table catalog has an unknown format; this server cannot read it");
        }
        List<Entry> entries = new ArrayList<>();
        for (JsonNode table : root.path("tables")) {
            List<FieldLayout> fields = new ArrayList<>();
            for (JsonNode f : table.path("fields")) {
                List<String> constants = new ArrayList<>();
                f.path("enum").forEach(c -> constants.add(c.asText()));
                fields.add(new FieldLayout(f.path("name").asText(), FieldType.fromWireName(f.path("type").asText()),
                        f.path("offset").asInt(), f.path("size").asInt(), f.path("nullBit").asInt(),
                        f.path("maxLength").asInt(), constants));
            }
            RowLayout layout = new RowLayout(table.path("rowSize").asInt(), table.path("alignment").asInt(),
                    table.path("nullBitmapOffset").asInt(), table.path("nullBitmapSize").asInt(), fields);
            entries.add(new Entry(table.path("name").asText(), table.path("layoutHash").asText(),
                    table.path("durable").asBoolean(true), layout));
        }
        return new Catalog(entries);
    }

    Entry find(String qualifiedName) {
        for (Entry entry : tables) {
            if (entry.qualifiedName().equals(qualifiedName)) {
                return entry;
            }
        }
        return null;
    }
}
