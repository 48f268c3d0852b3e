package io.hetu.processor.generate;

import com.palantir.javapoet.ClassName;
import io.hetu.processor.model.SystemModel;
import io.hetu.processor.model.WireType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** Names and walks of {@link WireType}s, shared by the dispatcher generator and the manifest. */
final class WireTypes {

    private WireTypes() {}

    /** The parameter types and the result type of a system. */
    static List<WireType> signature(SystemModel system) {
        List<WireType> types = new ArrayList<>();
        system.params().forEach(p -> types.add(p.type()));
        types.add(system.returns());
        return types;
    }

    /** Visits every type in {@code type}, itself first, then record fields and list elements. */
    static void walk(WireType type, Consumer<WireType> visitor) {
        visitor.accept(type);
        switch (type) {
            case WireType.RecordType record -> record.fields().forEach(f -> walk(f.type(), visitor));
            case WireType.ListType list -> walk(list.element(), visitor);
            default -> { }
        }
    }

    /**
     * A name for each record and enum reachable from {@code roots}, unique among them: the simple
     * name; where simple names clash, the name with its enclosing classes ({@code Game.Point}); where
     * those clash too, the canonical name.
     */
    static Map<ClassName, String> uniqueNames(Collection<WireType> roots) {
        Map<String, List<ClassName>> bySimpleName = new TreeMap<>();
        for (WireType root : roots) {
            walk(root, type -> {
                ClassName named = switch (type) {
                    case WireType.RecordType record -> record.recordClass();
                    case WireType.EnumType enumType -> enumType.enumClass();
                    default -> null;
                };
                if (named != null) {
                    List<ClassName> same = bySimpleName.computeIfAbsent(named.simpleName(), k -> new ArrayList<>());
                    if (!same.contains(named)) {
                        same.add(named);
                    }
                }
            });
        }
        Map<ClassName, String> names = new HashMap<>();
        for (List<ClassName> same : bySimpleName.values()) {
            if (same.size() == 1) {
                names.put(same.getFirst(), same.getFirst().simpleName());
                continue;
            }
            Map<ClassName, String> nested = same.stream()
                    .collect(Collectors.toMap(c -> c, c -> String.join(".", c.simpleNames())));
            boolean distinct = nested.values().stream().distinct().count() == same.size();
            same.forEach(c -> names.put(c, distinct ? nested.get(c) : c.canonicalName()));
        }
        return names;
    }

    /** The suffix of the {@code WireReader}/{@code WireWriter} methods for a scalar: {@code I32} in readI32. */
    static String scalarName(WireType.Scalar scalar) {
        return switch (scalar.type()) {
            case BOOL -> "Bool";
            case CHAR -> "Char";
            case STRING -> "String";
            case BYTES -> "Bytes";
            case INSTANT -> "Instant";
            case DURATION -> "Duration";
            default -> scalar.type().wireName().toUpperCase(Locale.ROOT);
        };
    }

    /** A Java identifier for a type, ignoring its own nullability: {@code ListOfNullableI32}. */
    static String shapeName(WireType type, Map<ClassName, String> names) {
        return switch (type) {
            case WireType.Scalar scalar -> scalarName(scalar);
            case WireType.EnumType enumType -> identifier(names.get(enumType.enumClass()));
            case WireType.RecordType record -> identifier(names.get(record.recordClass()));
            case WireType.ListType list -> (list.array() ? "ArrayOf" : "ListOf")
                    + (list.element().nullable() ? "Nullable" : "") + shapeName(list.element(), names);
            case WireType.VoidType v -> "Void";
        };
    }

    /** The Java type as a reader would write it, with the unique names: {@code List<Point>}. */
    static String describe(WireType type, Map<ClassName, String> names) {
        return switch (type) {
            case WireType.EnumType enumType -> names.get(enumType.enumClass());
            case WireType.RecordType record -> names.get(record.recordClass());
            case WireType.ListType list -> list.array() ? describe(list.element(), names) + "[]"
                    : "List<" + describe(list.element(), names) + ">";
            default -> type.javaType().toString().replace("java.lang.", "").replace("java.time.", "");
        };
    }

    private static String identifier(String name) {
        StringBuilder out = new StringBuilder();
        for (String part : name.split("\\.")) {
            out.append(Character.toUpperCase(part.charAt(0))).append(part, 1, part.length());
        }
        return out.toString();
    }
}
