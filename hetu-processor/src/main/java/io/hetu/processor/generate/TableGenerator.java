package io.hetu.processor.generate;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import io.hetu.annotations.Comparison;
import io.hetu.annotations.Eviction;
import io.hetu.annotations.Permission;
import io.hetu.annotations.TableKind;
import io.hetu.processor.model.ColumnModel;
import io.hetu.processor.model.ComponentModel;
import io.hetu.processor.model.IndexKind;
import io.hetu.schema.FieldLayout;
import io.hetu.schema.FieldType;
import io.hetu.schema.IndexDef;
import io.hetu.schema.IndexRef;
import io.hetu.schema.ListDef;
import io.hetu.schema.ListRef;
import io.hetu.schema.RlsRule;
import io.hetu.schema.RowLayout;
import io.hetu.schema.SortColumn;
import io.hetu.schema.TableDescriptor;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/** Generates the table descriptor of a component: its identity, permissions, layout and indexes. */
public final class TableGenerator {

    private TableGenerator() {}

    public static JavaFile generate(ComponentModel model) {
        ClassName table = model.tableClass();
        RowLayout layout = model.layout();

        CodeBlock fields = layout.fields().stream()
                .map(TableGenerator::fieldLayout)
                .collect(CodeBlock.joining(",\n"));
        CodeBlock rowLayout = CodeBlock.builder()
                .add("new $T($L, $L, $L, $L, $T.of(\n", RowLayout.class, layout.size(), layout.alignment(),
                        layout.nullBitmapOffset(), layout.nullBitmapSize(), List.class)
                .indent().indent().add(fields).unindent().unindent()
                .add("))")
                .build();
        List<CodeBlock> indexDefs = new ArrayList<>(model.columns().stream()
                .filter(c -> c.index() != IndexKind.NONE)
                .map(c -> CodeBlock.of("new $T($S, $L)", IndexDef.class, c.name(), c.index() == IndexKind.UNIQUE))
                .toList());
        if (model.list() != null) {
            indexDefs.add(CodeBlock.of("LIST_.indexDef()"));
        }
        CodeBlock indexes = CodeBlock.join(indexDefs, ", ");
        CodeBlock rls = model.rls() == null
                ? CodeBlock.of("null")
                : CodeBlock.of("new $T($S, $T.$L, $S)", RlsRule.class, model.rls().field(),
                        Comparison.class, model.rls().op().name(), model.rls().sessionKey());

        TypeSpec type = TypeSpec.classBuilder(table)
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addAnnotation(Generation.generatedAnnotation())
                .addOriginatingElement(model.element())
                .addSuperinterface(ParameterizedTypeName.get(ClassName.get(TableDescriptor.class),
                        model.recordClass(), model.rowClass()))
                .addJavadoc("The table descriptor of component {@link $T}.\n", model.recordClass())
                .addField(FieldSpec.builder(table, "TABLE", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                        .addJavadoc("The one instance.\n")
                        .initializer("new $T()", table).build())
                .addField(FieldSpec.builder(RowLayout.class, "LAYOUT_", Modifier.PRIVATE, Modifier.STATIC,
                                Modifier.FINAL)
                        .initializer(rowLayout).build())
                .addFields(listDef(model))
                .addField(FieldSpec.builder(ParameterizedTypeName.get(List.class, IndexDef.class), "INDEXES_",
                                Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                        .initializer("$T.of($L)", List.class, indexes).build())
                .addField(FieldSpec.builder(RlsRule.class, "RLS_", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                        .initializer(rls).build())
                .addFields(indexRefs(model))
                .addFields(listRef(model))
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build())
                .addMethod(getter("name", String.class, CodeBlock.of("$S", model.name())))
                .addMethod(getter("namespace", String.class, CodeBlock.of("$S", model.namespace())))
                .addMethod(getter("permission", Permission.class,
                        CodeBlock.of("$T.$L", Permission.class, model.permission().name())))
                .addMethod(getter("rls", RlsRule.class, CodeBlock.of("RLS_")))
                .addMethod(getter("kind", TableKind.class, CodeBlock.of("$T.$L", TableKind.class, model.kind().name())))
                .addMethod(getter("durable", boolean.class, CodeBlock.of("$L", model.durable())))
                .addMethod(getter("layout", RowLayout.class, CodeBlock.of("LAYOUT_")))
                .addMethod(getter("indexes", ParameterizedTypeName.get(List.class, IndexDef.class),
                        CodeBlock.of("INDEXES_")))
                .addMethods(model.list() == null ? List.of()
                        : List.of(getter("list", ListDef.class, CodeBlock.of("LIST_"))))
                .addMethod(getter("layoutHash", String.class, CodeBlock.of("$S", model.layoutHash())))
                .addMethod(getter("recordType", ParameterizedTypeName.get(ClassName.get(Class.class),
                        model.recordClass()), CodeBlock.of("$T.class", model.recordClass())))
                .addMethod(getter("newRow", model.rowClass(), CodeBlock.of("new $T()", model.rowClass())))
                .build();
        return JavaFile.builder(table.packageName(), type)
                .addFileComment(Generation.header(model.recordClass()))
                .skipJavaLangImports(true)
                .build();
    }

    /**
     * One typed handle per indexed column, named after it ({@code OWNER} for {@code owner}). They
     * are declared after {@code TABLE} and {@code LAYOUT}, which their initialisers read.
     */
    private static List<FieldSpec> indexRefs(ComponentModel model) {
        TypeName type = ParameterizedTypeName.get(ClassName.get(IndexRef.class), model.recordClass(),
                model.rowClass());
        List<FieldSpec> refs = new ArrayList<>();
        int position = 0;
        for (ColumnModel column : model.columns()) {
            if (column.index() == IndexKind.NONE) {
                continue;
            }
            String name = RowGenerator.upperSnake(column.name());
            if (name.equals("TABLE") || name.endsWith("_") || (name.equals("LIST") && model.list() != null)) {
                name = name + "_INDEX";
            }
            refs.add(FieldSpec.builder(type, name,
                            Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                    .addJavadoc("The $L index on {@code $L}.\n", column.index() == IndexKind.UNIQUE ? "unique" : "ordered",
                            column.name())
                    .initializer("new $T<>(TABLE, LAYOUT_.field($S), $L, $L)", IndexRef.class, column.name(), position,
                            column.index() == IndexKind.UNIQUE)
                    .build());
            position++;
        }
        return refs;
    }

    /** The list definition of a list component, declared before the indexes, which include its index. */
    private static List<FieldSpec> listDef(ComponentModel model) {
        ListDef list = model.list();
        if (list == null) {
            return List.of();
        }
        CodeBlock sort = list.sort().stream()
                .map(c -> CodeBlock.of("new $T($S, $L)", SortColumn.class, c.field(), c.descending()))
                .collect(CodeBlock.joining(", "));
        return List.of(FieldSpec.builder(ListDef.class, "LIST_", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .initializer("new $T($T.$L, $S, $T.of($L), $L, $T.$L, $L)", ListDef.class, TableKind.class,
                        list.kind().name(), list.key(), List.class, sort, list.capacity(), Eviction.class,
                        list.eviction().name(), list.index())
                .build());
    }

    /** The typed handle on a list component's lists, for the transaction's list operations. */
    private static List<FieldSpec> listRef(ComponentModel model) {
        if (model.list() == null) {
            return List.of();
        }
        TypeName type = ParameterizedTypeName.get(ClassName.get(ListRef.class), model.recordClass(),
                model.rowClass());
        return List.of(FieldSpec.builder(type, "LIST", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("The lists of this $L, one per value of {@code $L}.\n", model.list().kind(),
                        model.list().key())
                .initializer("new $T<>(TABLE, LIST_)", ListRef.class)
                .build());
    }

    private static CodeBlock fieldLayout(FieldLayout field) {
        CodeBlock enums = field.enumConstants().stream()
                .map(name -> CodeBlock.of("$S", name))
                .collect(CodeBlock.joining(", "));
        return CodeBlock.of("new $T($S, $T.$L, $L, $L, $L, $L, $T.of($L))", FieldLayout.class, field.name(),
                FieldType.class, field.type().name(), field.offset(), field.size(), field.nullBit(),
                field.maxLength(), List.class, enums);
    }

    private static MethodSpec getter(String name, java.lang.reflect.Type type, CodeBlock value) {
        return getter(name, TypeName.get(type), value);
    }

    private static MethodSpec getter(String name, TypeName type, CodeBlock value) {
        return MethodSpec.methodBuilder(name)
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .returns(type)
                .addStatement("return $L", value)
                .build();
    }
}
