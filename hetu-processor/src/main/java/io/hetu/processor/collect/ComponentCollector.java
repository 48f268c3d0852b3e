package io.hetu.processor.collect;

import static io.hetu.processor.collect.Annotations.article;
import static io.hetu.processor.collect.Annotations.mirror;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import io.hetu.annotations.Comparison;
import io.hetu.annotations.Component;
import io.hetu.annotations.Index;
import io.hetu.annotations.MaxLength;
import io.hetu.annotations.Permission;
import io.hetu.annotations.Rls;
import io.hetu.annotations.Unique;
import io.hetu.processor.ErrorCode;
import io.hetu.processor.model.ColumnModel;
import io.hetu.processor.model.ComponentModel;
import io.hetu.processor.model.IndexKind;
import io.hetu.processor.model.LayoutPlanner;
import io.hetu.schema.FieldType;
import io.hetu.schema.ListDef;
import io.hetu.schema.RlsRule;
import io.hetu.schema.RowLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * Reads a {@code @Component} record into a validated {@link ComponentModel}. Every problem is
 * reported on the element that causes it, and checking goes on so that one compilation shows
 * them all; a component with any error yields no model.
 */
public final class ComponentCollector {

    /** Limits a column's declared length so that the length prefix fits in two bytes. */
    public static final int MAX_LENGTH_LIMIT = 65_535;

    /** What a namespace may be, for components and systems alike. */
    static final Pattern NAMESPACE = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");

    /**
     * Column names the engine or the generated flyweight already uses: every row has an engine
     * {@code id} and {@code version}, and the flyweight has these methods.
     */
    private static final Set<String> RESERVED = Set.of(
            "id", "version", "wrap", "segment", "offset", "set", "toRecord",
            "toString", "hashCode", "equals", "getClass", "notify", "notifyAll", "wait", "clone", "finalize");

    private final ErrorReporter reporter;

    public ComponentCollector(Messager messager) {
        this.reporter = new ErrorReporter(messager);
    }

    /** The validated model of the component declared on {@code element}, or empty after errors. */
    public Optional<ComponentModel> collect(Element element) {
        int errorsBefore = reporter.count();
        Component component = element.getAnnotation(Component.class);
        if (element.getKind() != ElementKind.RECORD) {
            error(ErrorCode.NOT_A_RECORD, element, "@Component goes on a record, but " + element.getSimpleName()
                    + " is " + article(element.getKind()) + "; declare it as 'record " + element.getSimpleName()
                    + "(...)'");
            return Optional.empty();
        }
        TypeElement record = (TypeElement) element;
        String name = record.getSimpleName().toString();
        checkShape(record, name);

        String namespace = component.namespace();
        if (!NAMESPACE.matcher(namespace).matches()) {
            error(ErrorCode.INVALID_NAMESPACE, record, "namespace '" + namespace + "' of component " + name
                    + " is not valid; use a letter followed by letters, digits or underscores, at most 64 "
                    + "characters, such as \"game\"");
        }

        List<ColumnModel> columns = new ArrayList<>();
        Map<String, RecordComponentElement> columnElements = new LinkedHashMap<>();
        for (RecordComponentElement rc : record.getRecordComponents()) {
            columnElements.put(rc.getSimpleName().toString(), rc);
            column(name, rc).ifPresent(columns::add);
        }
        if (record.getRecordComponents().isEmpty()) {
            error(ErrorCode.NO_COLUMNS, record, "component " + name + " has no columns; a row needs at least one, "
                    + "such as 'long owner'");
        }
        checkAccessorClashes(name, columns, columnElements);
        checkOwner(record, name, component.permission(), columns);
        RlsRule rls = rlsRule(record, name, component.permission(), columns);
        boolean allColumnsValid = columns.size() == record.getRecordComponents().size();
        ListDef list = new ListCollector(reporter, record, name, component, columns, columnElements)
                .collect(allColumnsValid);

        if (reporter.count() != errorsBefore) {
            return Optional.empty();
        }
        RowLayout layout = LayoutPlanner.plan(list == null ? columns : ListCollector.withSeq(columns));
        return Optional.of(new ComponentModel(record, ClassName.get(record), name, namespace,
                component.permission(), rls, component.kind(), list, component.durable(), columns, layout,
                LayoutPlanner.layoutHash(namespace, name, layout)));
    }

    private void checkShape(TypeElement record, String name) {
        if (!record.getTypeParameters().isEmpty()) {
            error(ErrorCode.GENERIC_RECORD, record, "component " + name + " is generic; a table has one fixed "
                    + "schema, so remove the type parameters and use concrete column types");
        }
        for (Element e = record; e instanceof TypeElement; e = e.getEnclosingElement()) {
            if (e.getModifiers().contains(Modifier.PRIVATE)) {
                error(ErrorCode.INACCESSIBLE_RECORD, record, "component " + name + " is not visible to the code "
                        + "generated beside it because " + e.getSimpleName() + " is private; make it "
                        + "package-private or public");
                return;
            }
        }
    }

    private Optional<ColumnModel> column(String component, RecordComponentElement rc) {
        String column = rc.getSimpleName().toString();
        String where = component + "." + column;
        int errorsBefore = reporter.count();
        if (RESERVED.contains(column)) {
            error(ErrorCode.RESERVED_NAME, rc, "column name '" + column + "' is reserved"
                    + (column.equals("id") || column.equals("version")
                            ? ": every row already has an engine-assigned " + column
                            : " by the generated row flyweight")
                    + "; rename the column, such as '" + column + "Value'");
        }

        TypeMirror type = rc.asType();
        boolean markedNullable = Annotations.hasNullable(rc) || Annotations.hasNullable(type);
        FieldType fieldType = null;
        boolean boxed = false;
        ClassName enumType = null;
        List<String> enumConstants = List.of();
        TypeName javaType = TypeName.get(type).withoutAnnotations();

        switch (type.getKind()) {
            case ARRAY -> {
                if (((ArrayType) type).getComponentType().getKind() == TypeKind.BYTE) {
                    fieldType = FieldType.BYTES;
                    javaType = ArrayTypeName.of(TypeName.BYTE);
                }
            }
            case DECLARED -> {
                TypeElement typeElement = (TypeElement) ((DeclaredType) type).asElement();
                String qualified = typeElement.getQualifiedName().toString();
                if (ValueTypes.BOXED.containsKey(qualified)) {
                    fieldType = ValueTypes.BOXED.get(qualified);
                    boxed = true;
                } else if (ValueTypes.VALUE_CLASSES.containsKey(qualified)) {
                    fieldType = ValueTypes.VALUE_CLASSES.get(qualified);
                } else if (typeElement.getKind() == ElementKind.ENUM) {
                    enumConstants = ValueTypes.enumConstants(typeElement);
                    fieldType = enumConstants.size() <= 256 ? FieldType.ENUM8 : FieldType.ENUM16;
                    enumType = ClassName.get(typeElement);
                    javaType = enumType;
                }
            }
            default -> fieldType = ValueTypes.primitive(type.getKind());
        }
        if (fieldType == null) {
            error(ErrorCode.UNSUPPORTED_TYPE, rc, "column " + where + " has type " + type + ", which a row cannot "
                    + "store; use boolean, byte, short, int, long, float, double, char, their boxed types (for a "
                    + "nullable column), an enum, String or byte[] with @MaxLength, Instant or Duration, or split "
                    + "the data into another component");
            return Optional.empty();
        }

        boolean primitive = type.getKind().isPrimitive();
        if (primitive && markedNullable) {
            error(ErrorCode.NULLABLE_PRIMITIVE, rc, "column " + where + " is a " + javaType + " marked @Nullable, but "
                    + "a primitive cannot hold null; use " + ((ClassName) javaType.box()).simpleName()
                    + " for a nullable column");
        }
        boolean nullable = boxed || (!primitive && markedNullable);

        MaxLength maxLength = rc.getAnnotation(MaxLength.class);
        int length = 0;
        if (fieldType.isVariableLength()) {
            if (maxLength == null) {
                error(ErrorCode.MISSING_MAX_LENGTH, rc, "column " + where + " is a " + javaType + " without a "
                        + "maximum length; rows are fixed-width, so add @MaxLength(n) with the largest length in "
                        + (fieldType == FieldType.STRING ? "UTF-8 bytes" : "bytes") + " it must hold");
            } else if (maxLength.value() < 1 || maxLength.value() > MAX_LENGTH_LIMIT) {
                error(ErrorCode.BAD_MAX_LENGTH, rc, mirror(rc, MaxLength.class), "column " + where + " declares "
                        + "@MaxLength(" + maxLength.value() + "); use a length from 1 to " + MAX_LENGTH_LIMIT
                        + ", and keep large blobs out of rows");
            } else {
                length = maxLength.value();
            }
        } else if (maxLength != null) {
            error(ErrorCode.MAX_LENGTH_ON_FIXED_TYPE, rc, mirror(rc, MaxLength.class), "column " + where + " is a "
                    + javaType + ", which has a fixed size; @MaxLength applies only to String and byte[], so remove it");
        }

        boolean unique = rc.getAnnotation(Unique.class) != null;
        boolean ordered = rc.getAnnotation(Index.class) != null;
        IndexKind index = unique ? IndexKind.UNIQUE : ordered ? IndexKind.ORDERED : IndexKind.NONE;
        if (unique && ordered) {
            error(ErrorCode.UNIQUE_AND_INDEX, rc, "column " + where + " has both @Unique and @Index; @Unique already "
                    + "includes an ordered index, so keep only @Unique");
        }
        if (index != IndexKind.NONE) {
            String marker = unique ? "@Unique" : "@Index";
            if (!fieldType.isOrderable()) {
                error(ErrorCode.INDEX_NOT_ORDERABLE, rc, mirror(rc, unique ? Unique.class : Index.class), "column "
                        + where + " is a " + javaType + ", which has no order, so it cannot carry " + marker
                        + "; index a String or numeric column instead");
            } else if (nullable) {
                error(ErrorCode.INDEX_ON_NULLABLE, rc, mirror(rc, unique ? Unique.class : Index.class), "column "
                        + where + " is nullable and cannot carry " + marker + "; make it non-null ("
                        + (javaType.isBoxedPrimitive() ? javaType.unbox() : javaType) + ") or drop the index");
            }
        }
        if (reporter.count() != errorsBefore) {
            return Optional.empty();
        }
        return Optional.of(new ColumnModel(column, fieldType, javaType, boxed, nullable, length, index, enumType,
                enumConstants));
    }

    /** The names each column's generated accessors take besides the column name itself. */
    public static List<String> extraAccessors(ColumnModel column) {
        List<String> names = new ArrayList<>();
        String capitalized = Character.toUpperCase(column.name().charAt(0)) + column.name().substring(1);
        if (column.nullable()) {
            names.add("has" + capitalized);
        }
        if (column.boxed()) {
            names.add(column.name() + "Or");
        }
        if (column.type().isVariableLength()) {
            names.add(column.name() + "Length");
        }
        if (column.type() == FieldType.INSTANT || column.type() == FieldType.DURATION) {
            names.add(column.name() + "Nanos");
        }
        return names;
    }

    private void checkAccessorClashes(String component, List<ColumnModel> columns,
            Map<String, RecordComponentElement> elements) {
        for (ColumnModel column : columns) {
            for (String accessor : extraAccessors(column)) {
                RecordComponentElement clash = elements.get(accessor);
                if (clash != null) {
                    error(ErrorCode.ACCESSOR_CLASH, clash, "column name " + component + "." + accessor + " clashes "
                            + "with the accessor generated for column '" + column.name() + "'; rename one of them");
                }
            }
        }
    }

    private void checkOwner(TypeElement record, String name, Permission permission, List<ColumnModel> columns) {
        if (permission != Permission.OWNER || columns.size() != record.getRecordComponents().size()) {
            return;
        }
        boolean hasOwner = columns.stream().anyMatch(c -> c.name().equals("owner") && c.type() == FieldType.I64
                && !c.nullable());
        if (!hasOwner) {
            error(ErrorCode.OWNER_WITHOUT_OWNER_FIELD, record, mirror(record, Component.class), "component " + name
                    + " has permission OWNER but no 'long owner' column to compare with the caller's id; add "
                    + "'long owner' (usually @Unique or @Index) or choose another permission");
        }
    }

    private RlsRule rlsRule(TypeElement record, String name, Permission permission, List<ColumnModel> columns) {
        Rls rls = record.getAnnotation(Rls.class);
        if (permission != Permission.RLS) {
            if (rls != null) {
                error(ErrorCode.RLS_RULE_WITHOUT_RLS, record, mirror(record, Rls.class), "component " + name
                        + " declares @Rls but its permission is " + permission + "; set permission = "
                        + "Permission.RLS or remove @Rls");
            }
            return null;
        }
        if (rls == null) {
            error(ErrorCode.RLS_RULE_MISSING, record, mirror(record, Component.class), "component " + name
                    + " has permission RLS but no rule; add @Rls(field = \"...\", op = Comparison.EQ, "
                    + "session = \"...\") to say which rows a caller sees");
            return null;
        }
        AnnotationMirror rlsMirror = mirror(record, Rls.class);
        if (rls.session().isBlank()) {
            error(ErrorCode.RLS_INVALID_SESSION_KEY, record, rlsMirror, "the @Rls rule of component " + name
                    + " names no session value; set session = \"...\" to the key a system stores in the session");
        }
        ColumnModel column = columns.stream().filter(c -> c.name().equals(rls.field())).findFirst().orElse(null);
        if (column == null) {
            if (columns.size() == record.getRecordComponents().size()) {
                error(ErrorCode.RLS_UNKNOWN_FIELD, record, rlsMirror, "the @Rls rule of component " + name
                        + " names column '" + rls.field() + "', which does not exist; name one of "
                        + columns.stream().map(ColumnModel::name).toList());
            }
            return null;
        }
        boolean equality = rls.op() == Comparison.EQ || rls.op() == Comparison.NE;
        boolean ordered = switch (column.type()) {
            case I8, I16, I32, I64, F32, F64, CHAR, STRING, INSTANT, DURATION -> true;
            default -> false;
        };
        boolean comparable = ordered || (equality && column.type() != FieldType.BYTES);
        if (!comparable) {
            error(ErrorCode.RLS_NOT_COMPARABLE, record, rlsMirror, "the @Rls rule of component " + name
                    + " compares column '" + column.name() + "' (" + column.javaType() + ") with " + rls.op()
                    + ", which that type does not support; "
                    + (column.type() == FieldType.BYTES ? "compare a numeric or String column instead"
                            : "use EQ or NE, or a numeric or String column"));
            return null;
        }
        return new RlsRule(rls.field(), rls.op(), rls.session());
    }

    private void error(ErrorCode code, Element element, String message) {
        reporter.error(code, element, message);
    }

    private void error(ErrorCode code, Element element, AnnotationMirror annotation, String message) {
        reporter.error(code, element, annotation, message);
    }
}
