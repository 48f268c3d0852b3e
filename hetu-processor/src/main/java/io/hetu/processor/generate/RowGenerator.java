package io.hetu.processor.generate;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeSpec;
import io.hetu.processor.model.ColumnModel;
import io.hetu.processor.model.ComponentModel;
import io.hetu.schema.FieldLayout;
import io.hetu.schema.FieldType;
import io.hetu.schema.Layouts;
import io.hetu.schema.ListDef;
import io.hetu.schema.RowCodec;
import io.hetu.schema.RowView;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Generates the row flyweight of a component: a final class that points at one row's bytes and
 * reads and writes each column in place at a constant offset. No allocation for primitive
 * columns, no reflection; a value that cannot be stored throws before the row is touched.
 */
public final class RowGenerator {

    private static final ClassName LAYOUTS = ClassName.get(Layouts.class);
    private static final ClassName CODEC = ClassName.get(RowCodec.class);
    private static final String SEGMENT = "segment";
    private static final String BASE = "base";

    private final ComponentModel model;
    private final ClassName row;
    /** Per column, the stem of its constants: {@code fooBar} gives {@code FOO_BAR_OFFSET}. */
    private final Map<String, String> constantStems = new LinkedHashMap<>();

    private RowGenerator(ComponentModel model) {
        this.model = model;
        this.row = model.rowClass();
        Set<String> taken = new HashSet<>(List.of("NULL_BITMAP"));
        for (int i = 0; i < model.columns().size(); i++) {
            String name = model.columns().get(i).name();
            String stem = upperSnake(name);
            if (!taken.add(stem)) {
                stem = stem + "_" + i;
                taken.add(stem);
            }
            constantStems.put(name, stem);
        }
    }

    public static JavaFile generate(ComponentModel model) {
        return new RowGenerator(model).file();
    }

    private JavaFile file() {
        TypeSpec.Builder type = TypeSpec.classBuilder(row)
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addAnnotation(Generation.generatedAnnotation())
                .addOriginatingElement(model.element())
                .addSuperinterface(ParameterizedTypeName.get(ClassName.get(RowView.class), model.recordClass()))
                .addJavadoc("A flyweight over one row of component {@link $T} ($L bytes, little-endian).\n"
                        + "<p>Point it at a row with {@link #wrap}; reuse one instance for many rows.\n",
                        model.recordClass(), model.layout().size());

        type.addField(FieldSpec.builder(int.class, "SIZE", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("The row size in bytes.\n")
                .initializer("$L", model.layout().size()).build());
        for (ColumnModel column : model.columns()) {
            type.addField(FieldSpec.builder(long.class, offsetConstant(column),
                            Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                    .initializer("$LL", layout(column).offset()).build());
        }
        if (model.layout().nullBitmapSize() > 0) {
            type.addField(FieldSpec.builder(long.class, "NULL_BITMAP_OFFSET",
                            Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                    .initializer("$LL", model.layout().nullBitmapOffset()).build());
        }
        for (ColumnModel column : model.columns()) {
            if (column.enumType() != null) {
                type.addField(FieldSpec.builder(ArrayTypeName.of(column.enumType()), enumConstants(column),
                                Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                        .initializer("$T.values()", column.enumType()).build());
            }
        }
        type.addField(MemorySegment.class, SEGMENT, Modifier.PRIVATE);
        type.addField(long.class, BASE, Modifier.PRIVATE);

        type.addMethod(MethodSpec.methodBuilder("wrap")
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .returns(row)
                .addParameter(MemorySegment.class, "segment")
                .addParameter(long.class, "offset")
                // checkIndex is the JIT's range-check intrinsic: unlike checkFromIndexSize it is hoisted
                // out of loops, which makes scans over wrapped rows run as fast as raw segment access.
                .addStatement("$T.checkIndex(offset, segment.byteSize() - SIZE + 1)", Objects.class)
                .addStatement("this.$N = segment", SEGMENT)
                .addStatement("this.$N = offset", BASE)
                .addStatement("return this")
                .build());
        type.addMethod(MethodSpec.methodBuilder("segment").addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC).returns(MemorySegment.class)
                .addStatement("return $N", SEGMENT).build());
        type.addMethod(MethodSpec.methodBuilder("offset").addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC).returns(long.class)
                .addStatement("return $N", BASE).build());

        for (ColumnModel column : model.columns()) {
            addAccessors(type, column);
        }
        if (model.list() != null) {
            addSeq(type);
        }
        type.addMethod(toRecord());
        type.addMethod(setRecord());
        type.addMethod(toStringMethod());
        return JavaFile.builder(row.packageName(), type.build())
                .addFileComment(Generation.header(model.recordClass()))
                .skipJavaLangImports(true)
                .build();
    }

    /** The read-only accessor of a list row's engine-assigned append sequence. */
    private void addSeq(TypeSpec.Builder type) {
        type.addField(FieldSpec.builder(long.class, "SEQ_OFFSET", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .initializer("$LL", model.layout().field(ListDef.SEQ).offset()).build());
        type.addMethod(MethodSpec.methodBuilder(ListDef.SEQ).addModifiers(Modifier.PUBLIC).returns(long.class)
                .addJavadoc("The row's place in its list's append order (larger is newer), set by the engine.\n")
                .addStatement("return $N.get($T.I64, $N + SEQ_OFFSET)", SEGMENT, Layouts.class, BASE)
                .build());
    }

    private void addAccessors(TypeSpec.Builder type, ColumnModel column) {
        String name = column.name();
        CodeBlock at = CodeBlock.of("$N + $N", BASE, offsetConstant(column));

        MethodSpec.Builder getter = MethodSpec.methodBuilder(name).addModifiers(Modifier.PUBLIC)
                .returns(column.javaType());
        if (column.nullable()) {
            getter.addJavadoc("The value of {@code $L}, or null.\n", name);
            getter.beginControlFlow("if (!$N())", hasName(column)).addStatement("return null").endControlFlow();
        } else {
            getter.addJavadoc("The value of {@code $L}.\n", name);
        }
        if (column.enumType() != null) {
            getter.addStatement("int ordinal = $L", ordinalRead(column, at))
                    .beginControlFlow("if (ordinal >= $N.length)", enumConstants(column))
                    .addStatement("throw new $T($S + ordinal + $S)", IllegalStateException.class,
                            "corrupt row: " + columnLabel(column) + " holds enum ordinal ",
                            ", but " + column.enumType().simpleName() + " has " + column.enumConstants().size()
                                    + " constants")
                    .endControlFlow()
                    .addStatement("return $N[ordinal]", enumConstants(column));
        } else {
            getter.addStatement("return $L", read(column, at));
        }
        type.addMethod(getter.build());

        if (column.nullable()) {
            type.addMethod(MethodSpec.methodBuilder(hasName(column)).addModifiers(Modifier.PUBLIC)
                    .returns(boolean.class)
                    .addJavadoc("Whether {@code $L} holds a value (is not null).\n", name)
                    .addStatement("return ($L & $L) != 0", nullByte(column), nullMask(column))
                    .build());
        }
        if (column.boxed()) {
            type.addMethod(MethodSpec.methodBuilder(name + "Or").addModifiers(Modifier.PUBLIC)
                    .returns(column.valueType())
                    .addJavadoc("The value of {@code $L}, or {@code fallback} when it is null; does not box.\n", name)
                    .addParameter(column.valueType(), "fallback")
                    .addStatement("return $N() ? $L : fallback", hasName(column), read(column, at))
                    .build());
        }
        if (column.type().isVariableLength()) {
            type.addMethod(MethodSpec.methodBuilder(name + "Length").addModifiers(Modifier.PUBLIC)
                    .returns(int.class)
                    .addJavadoc("The stored length of {@code $L} in $L, without decoding it.\n", name,
                            column.type() == FieldType.STRING ? "UTF-8 bytes" : "bytes")
                    .addStatement("return $T.storedLength($N, $L, $L)", CODEC, SEGMENT, at, column.maxLength())
                    .build());
        }
        if (column.type() == FieldType.INSTANT || column.type() == FieldType.DURATION) {
            type.addMethod(MethodSpec.methodBuilder(name + "Nanos").addModifiers(Modifier.PUBLIC)
                    .returns(long.class)
                    .addJavadoc("The stored value of {@code $L} in nanoseconds$L, without allocating.\n", name,
                            column.type() == FieldType.INSTANT ? " since the epoch" : "")
                    .addStatement("return $N.get($T.I64, $L)", SEGMENT, LAYOUTS, at)
                    .build());
        }

        if (column.boxed()) {
            type.addMethod(MethodSpec.methodBuilder(name).addModifiers(Modifier.PUBLIC).returns(row)
                    .addJavadoc("Sets {@code $L}; does not box.\n", name)
                    .addParameter(column.valueType(), "value")
                    .addCode(write(column, at))
                    .addStatement("$L", setNullBit(column, true))
                    .addStatement("return this")
                    .build());
            type.addMethod(MethodSpec.methodBuilder(name).addModifiers(Modifier.PUBLIC).returns(row)
                    .addJavadoc("Sets {@code $L}, or clears it when {@code value} is null.\n", name)
                    .addParameter(column.javaType(), "value")
                    .beginControlFlow("if (value == null)")
                    .addCode(clear(column, at))
                    .addStatement("return this")
                    .endControlFlow()
                    .addStatement("return $N(value.$LValue())", name, column.valueType())
                    .build());
        } else {
            MethodSpec.Builder setter = MethodSpec.methodBuilder(name).addModifiers(Modifier.PUBLIC).returns(row)
                    .addParameter(column.javaType(), "value");
            if (column.nullable()) {
                setter.addJavadoc("Sets {@code $L}, or clears it when {@code value} is null.\n", name)
                        .beginControlFlow("if (value == null)")
                        .addCode(clear(column, at))
                        .addStatement("return this")
                        .endControlFlow()
                        .addCode(write(column, at))
                        .addStatement("$L", setNullBit(column, true));
            } else {
                setter.addJavadoc("Sets {@code $L}.\n", name);
                if (column.enumType() != null) {
                    setter.beginControlFlow("if (value == null)")
                            .addStatement("throw $T.notNullable($S)", CODEC, columnLabel(column))
                            .endControlFlow();
                }
                setter.addCode(write(column, at));
            }
            type.addMethod(setter.addStatement("return this").build());
        }
    }

    private CodeBlock read(ColumnModel column, CodeBlock at) {
        return switch (column.type()) {
            case BOOL -> CodeBlock.of("$N.get($T.I8, $L) != 0", SEGMENT, LAYOUTS, at);
            case I8, I16, I32, I64, F32, F64, CHAR ->
                    CodeBlock.of("$N.get($T.$L, $L)", SEGMENT, LAYOUTS, column.type().name(), at);
            case STRING -> CodeBlock.of("$T.readString($N, $L, $L)", CODEC, SEGMENT, at, column.maxLength());
            case BYTES -> CodeBlock.of("$T.readBytes($N, $L, $L)", CODEC, SEGMENT, at, column.maxLength());
            case INSTANT -> CodeBlock.of("$T.nanosToInstant($N.get($T.I64, $L))", CODEC, SEGMENT, LAYOUTS, at);
            case DURATION -> CodeBlock.of("$T.ofNanos($N.get($T.I64, $L))", Duration.class, SEGMENT, LAYOUTS, at);
            case ENUM8, ENUM16 -> throw new IllegalArgumentException("enum columns are read by ordinal");
        };
    }

    private CodeBlock ordinalRead(ColumnModel column, CodeBlock at) {
        return column.type() == FieldType.ENUM8
                ? CodeBlock.of("$T.toUnsignedInt($N.get($T.I8, $L))", Byte.class, SEGMENT, LAYOUTS, at)
                : CodeBlock.of("$T.toUnsignedInt($N.get($T.I16, $L))", Short.class, SEGMENT, LAYOUTS, at);
    }

    /** Stores a non-null {@code value}, checking it first. */
    private CodeBlock write(ColumnModel column, CodeBlock at) {
        String label = columnLabel(column);
        return switch (column.type()) {
            case BOOL -> CodeBlock.of("$N.set($T.I8, $L, (byte) (value ? 1 : 0));\n", SEGMENT, LAYOUTS, at);
            case I8, I16, I32, I64, F32, F64, CHAR ->
                    CodeBlock.of("$N.set($T.$L, $L, value);\n", SEGMENT, LAYOUTS, column.type().name(), at);
            case ENUM8 -> CodeBlock.of("$N.set($T.I8, $L, (byte) value.ordinal());\n", SEGMENT, LAYOUTS, at);
            case ENUM16 -> CodeBlock.of("$N.set($T.I16, $L, (short) value.ordinal());\n", SEGMENT, LAYOUTS, at);
            case STRING -> CodeBlock.of("$T.writeString($N, $L, $L, value, $S);\n", CODEC, SEGMENT, at,
                    column.maxLength(), label);
            case BYTES -> CodeBlock.of("$T.writeBytes($N, $L, $L, value, $S);\n", CODEC, SEGMENT, at,
                    column.maxLength(), label);
            case INSTANT -> CodeBlock.of("$N.set($T.I64, $L, $T.instantToNanos(value, $S));\n", SEGMENT, LAYOUTS,
                    at, CODEC, label);
            case DURATION -> CodeBlock.of("$N.set($T.I64, $L, $T.durationToNanos(value, $S));\n", SEGMENT,
                    LAYOUTS, at, CODEC, label);
        };
    }

    /** Stores null: clears the column's bit and zeroes its bytes, so equal rows have equal bytes. */
    private CodeBlock clear(ColumnModel column, CodeBlock at) {
        return CodeBlock.builder()
                .addStatement("$L", setNullBit(column, false))
                .addStatement("$T.clearColumn($N, $L, $L)", CODEC, SEGMENT, at, column.size())
                .build();
    }

    private CodeBlock nullByte(ColumnModel column) {
        return CodeBlock.of("$N.get($T.I8, $N + NULL_BITMAP_OFFSET + $L)", SEGMENT, LAYOUTS, BASE,
                layout(column).nullBit() / 8);
    }

    private String nullMask(ColumnModel column) {
        return String.format(Locale.ROOT, "0x%02X", 1 << (layout(column).nullBit() % 8));
    }

    private CodeBlock setNullBit(ColumnModel column, boolean present) {
        CodeBlock at = CodeBlock.of("$N + NULL_BITMAP_OFFSET + $L", BASE, layout(column).nullBit() / 8);
        return present
                ? CodeBlock.of("$N.set($T.I8, $L, (byte) ($L | $L))", SEGMENT, LAYOUTS, at, nullByte(column),
                        nullMask(column))
                : CodeBlock.of("$N.set($T.I8, $L, (byte) ($L & ~$L))", SEGMENT, LAYOUTS, at, nullByte(column),
                        nullMask(column));
    }

    private MethodSpec toRecord() {
        CodeBlock arguments = model.columns().stream()
                .map(c -> CodeBlock.of("$N()", c.name()))
                .collect(CodeBlock.joining(", "));
        return MethodSpec.methodBuilder("toRecord").addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC).returns(model.recordClass())
                .addStatement("return new $T($L)", model.recordClass(), arguments)
                .build();
    }

    /**
     * Checks every column that can reject a value before writing any, so a rejected record leaves
     * the row as it was.
     */
    private MethodSpec setRecord() {
        MethodSpec.Builder method = MethodSpec.methodBuilder("set").addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC).returns(row)
                .addParameter(model.recordClass(), "record")
                .addStatement("$T.requireNonNull(record, $S)", Objects.class, "record");
        for (ColumnModel column : model.columns()) {
            CodeBlock check = check(column);
            if (check == null) {
                continue;
            }
            if (column.nullable()) {
                method.beginControlFlow("if (record.$N() != null)", column.name()).addCode(check).endControlFlow();
            } else {
                method.addCode(check);
            }
        }
        for (ColumnModel column : model.columns()) {
            method.addStatement("$N(record.$N())", column.name(), column.name());
        }
        return method.addStatement("return this").build();
    }

    private CodeBlock check(ColumnModel column) {
        String label = columnLabel(column);
        return switch (column.type()) {
            case STRING -> CodeBlock.of("$T.checkString(record.$N(), $L, $S);\n", CODEC, column.name(),
                    column.maxLength(), label);
            case BYTES -> CodeBlock.of("$T.checkBytes(record.$N(), $L, $S);\n", CODEC, column.name(),
                    column.maxLength(), label);
            case INSTANT -> CodeBlock.of("$T.instantToNanos(record.$N(), $S);\n", CODEC, column.name(), label);
            case DURATION -> CodeBlock.of("$T.durationToNanos(record.$N(), $S);\n", CODEC, column.name(), label);
            case ENUM8, ENUM16 -> column.nullable() ? null : CodeBlock.builder()
                    .beginControlFlow("if (record.$N() == null)", column.name())
                    .addStatement("throw $T.notNullable($S)", CODEC, label)
                    .endControlFlow()
                    .build();
            default -> null;
        };
    }

    private MethodSpec toStringMethod() {
        CodeBlock.Builder body = CodeBlock.builder()
                .beginControlFlow("if ($N == null)", SEGMENT)
                .addStatement("return $S", row.simpleName() + "[unwrapped]")
                .endControlFlow()
                .add("return $S", row.simpleName() + "[");
        String separator = "";
        for (ColumnModel column : model.columns()) {
            body.add("\n    + $S + ", separator + column.name() + "=");
            if (column.type() == FieldType.BYTES) {
                body.add(column.nullable() ? "($N() ? $N() + \" bytes\" : \"null\")" : "$N() + \" bytes\"",
                        column.nullable() ? new Object[] {hasName(column), column.name() + "Length"}
                                : new Object[] {column.name() + "Length"});
            } else {
                body.add("$N()", column.name());
            }
            separator = ", ";
        }
        body.add("\n    + $S;\n", "]");
        return MethodSpec.methodBuilder("toString").addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC).returns(String.class)
                .addCode(body.build())
                .build();
    }

    private FieldLayout layout(ColumnModel column) {
        return model.layout().field(column.name());
    }

    private String columnLabel(ColumnModel column) {
        return model.name() + "." + column.name();
    }

    private static String hasName(ColumnModel column) {
        return "has" + Character.toUpperCase(column.name().charAt(0)) + column.name().substring(1);
    }

    private String offsetConstant(ColumnModel column) {
        return constantStems.get(column.name()) + "_OFFSET";
    }

    private String enumConstants(ColumnModel column) {
        return constantStems.get(column.name()) + "_CONSTANTS";
    }

    static String upperSnake(String name) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c) && i > 0 && !Character.isUpperCase(name.charAt(i - 1))) {
                out.append('_');
            }
            out.append(Character.toUpperCase(c));
        }
        return out.toString();
    }
}
