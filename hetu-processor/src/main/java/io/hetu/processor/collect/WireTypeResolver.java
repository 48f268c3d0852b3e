package io.hetu.processor.collect;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import io.hetu.processor.ErrorCode;
import io.hetu.processor.model.WireType;
import io.hetu.schema.FieldType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Turns the Java type of a system's parameter or result into its {@link WireType}, reporting
 * every part of it that cannot travel on the wire. Records are followed into their components,
 * lists and arrays into their elements, so a problem deep inside a record is reported with the
 * path that reaches it.
 */
final class WireTypeResolver {

    /** What the error messages offer instead of an unsupported type. */
    static final String SUPPORTED = "boolean, byte, short, int, long, float, double, char, their boxed types "
            + "(nullable), String, byte[], an enum, Instant, Duration, a record of these, or an array or List of "
            + "these";

    private static final String ROW_VIEW = "io.hetu.schema.RowView";

    /** Receives each problem found; the caller reports it on the parameter or method. */
    interface Problems {
        void report(ErrorCode code, String message);
    }

    private final Elements elements;
    private final Types types;

    WireTypeResolver(Elements elements, Types types) {
        this.elements = elements;
        this.types = types;
    }

    /**
     * The wire type of {@code type}, or null after reporting why it has none.
     *
     * @param declaredNullable whether the declaration (not the type) is marked nullable
     * @param subject what the type belongs to, for messages: "parameter 'x' of system moveTo"
     * @param packageName the package of the generated dispatcher, which must see every type
     */
    WireType resolve(TypeMirror type, boolean declaredNullable, String subject, String packageName,
            Problems problems) {
        return new Walk(subject, packageName, problems).resolve(type, declaredNullable, subject);
    }

    /**
     * Whether the type, or a type it contains, has not been generated yet: the signature must wait
     * for a later round, when the generated classes (such as row flyweights) exist.
     */
    static boolean unresolved(TypeMirror type) {
        return unresolved(type, new HashSet<>());
    }

    private static boolean unresolved(TypeMirror type, Set<Element> seen) {
        return switch (type.getKind()) {
            case ERROR -> true;
            case ARRAY -> unresolved(((ArrayType) type).getComponentType(), seen);
            case DECLARED -> {
                DeclaredType declared = (DeclaredType) type;
                if (declared.getTypeArguments().stream().anyMatch(t -> unresolved(t, seen))) {
                    yield true;
                }
                TypeElement element = (TypeElement) declared.asElement();
                yield element.getKind() == ElementKind.RECORD && seen.add(element)
                        && element.getRecordComponents().stream().anyMatch(rc -> unresolved(rc.asType(), seen));
            }
            default -> false;
        };
    }

    /** Whether code in {@code packageName} can name {@code type}. */
    boolean accessibleFrom(TypeElement type, String packageName) {
        boolean samePackage = packageOf(type).equals(packageName);
        for (Element e = type; e instanceof TypeElement te; e = e.getEnclosingElement()) {
            Set<Modifier> modifiers = te.getModifiers();
            if (modifiers.contains(Modifier.PRIVATE) || te.getNestingKind() == NestingKind.LOCAL
                    || te.getNestingKind() == NestingKind.ANONYMOUS
                    || (!samePackage && !modifiers.contains(Modifier.PUBLIC))) {
                return false;
            }
        }
        return true;
    }

    String packageOf(Element element) {
        return elements.getPackageOf(element).getQualifiedName().toString();
    }

    /** One resolution: the records it is inside of, to catch a record that contains itself. */
    private final class Walk {

        private final String root;
        private final String packageName;
        private final Problems problems;
        private final Deque<TypeElement> records = new ArrayDeque<>();

        Walk(String root, String packageName, Problems problems) {
            this.root = root;
            this.packageName = packageName;
            this.problems = problems;
        }

        WireType resolve(TypeMirror type, boolean declaredNullable, String subject) {
            boolean nullable = declaredNullable || Annotations.hasNullable(type);
            if (type.getKind().isPrimitive()) {
                TypeName javaType = TypeName.get(type).withoutAnnotations();
                if (nullable) {
                    problems.report(ErrorCode.SYSTEM_NULLABLE_PRIMITIVE, subject + " is a " + javaType + " marked "
                            + "@Nullable, but a primitive cannot hold null; use " + javaType.box() + " for a "
                            + "nullable value, or remove @Nullable");
                    return null;
                }
                return new WireType.Scalar(ValueTypes.primitive(type.getKind()), javaType, false);
            }
            return switch (type.getKind()) {
                case ARRAY -> array((ArrayType) type, nullable, subject);
                case DECLARED -> declared((DeclaredType) type, nullable, subject);
                default -> unsupported(type, subject, "");
            };
        }

        private WireType array(ArrayType type, boolean nullable, String subject) {
            TypeMirror component = type.getComponentType();
            if (component.getKind() == TypeKind.BYTE) {
                // byte[] is one value; "@Nullable byte[]" puts a type annotation on the byte, but means the value.
                return new WireType.Scalar(FieldType.BYTES, ArrayTypeName.of(TypeName.BYTE),
                        nullable || Annotations.hasNullable(component));
            }
            if (component instanceof DeclaredType declared && !declared.getTypeArguments().isEmpty()) {
                return unsupported(type, subject, " (Java cannot create an array of a generic type; use a List of "
                        + "them instead)");
            }
            WireType element = resolve(component, false, "the elements of " + subject);
            return element == null ? null : new WireType.ListType(element, true, nullable);
        }

        private WireType declared(DeclaredType type, boolean nullable, String subject) {
            TypeElement element = (TypeElement) type.asElement();
            String qualified = element.getQualifiedName().toString();
            if (ValueTypes.BOXED.containsKey(qualified)) {
                return new WireType.Scalar(ValueTypes.BOXED.get(qualified), ClassName.get(element), true);
            }
            if (ValueTypes.VALUE_CLASSES.containsKey(qualified)) {
                return new WireType.Scalar(ValueTypes.VALUE_CLASSES.get(qualified), ClassName.get(element), nullable);
            }
            if (qualified.equals("java.util.List")) {
                return list(type, nullable, subject);
            }
            if (isRowFlyweight(type)) {
                problems.report(ErrorCode.ROW_FLYWEIGHT_ON_THE_WIRE, subject + " is the row flyweight "
                        + element.getSimpleName() + ", which points into the transaction's memory and cannot travel "
                        + "on the wire; use the record " + flyweightRecord(element) + " instead (row.toRecord() "
                        + "copies a row into it)");
                return null;
            }
            return switch (element.getKind()) {
                case ENUM -> enumType(element, nullable, subject);
                case RECORD -> record(type, element, nullable, subject);
                default -> unsupported(type, subject, "");
            };
        }

        private WireType list(DeclaredType type, boolean nullable, String subject) {
            if (type.getTypeArguments().size() != 1) {
                return unsupported(type, subject, " (a raw List; declare its element type, such as List<String>)");
            }
            TypeMirror argument = type.getTypeArguments().getFirst();
            if (argument.getKind() != TypeKind.DECLARED && argument.getKind() != TypeKind.ARRAY) {
                return unsupported(type, subject, " (the element type must be a concrete type, not "
                        + argument.getKind().name().toLowerCase() + " " + argument + ")");
            }
            WireType element = resolve(argument, false, "the elements of " + subject);
            return element == null ? null : new WireType.ListType(element, false, nullable);
        }

        private WireType enumType(TypeElement element, boolean nullable, String subject) {
            if (!visible(element, subject)) {
                return null;
            }
            return new WireType.EnumType(ClassName.get(element), ValueTypes.enumConstants(element), nullable);
        }

        private WireType record(DeclaredType type, TypeElement element, boolean nullable, String subject) {
            String name = element.getSimpleName().toString();
            if (records.contains(element)) {
                String cycle = records.reversed().stream()
                        .dropWhile(r -> !r.equals(element))
                        .map(r -> r.getSimpleName().toString())
                        .collect(Collectors.joining(" → ", "", " → " + name));
                problems.report(ErrorCode.RECURSIVE_RECORD, subject + " is record " + name + ", which contains "
                        + "itself (" + cycle + "); nested data on the wire must have a fixed depth, so flatten "
                        + "it, such as into a list of nodes that refer to each other by index");
                return null;
            }
            if (!element.getTypeParameters().isEmpty()) {
                return unsupported(type, subject, " (a generic record; declare a record with concrete component "
                        + "types)");
            }
            if (element.getRecordComponents().isEmpty()) {
                return unsupported(type, subject, " (a record without components carries nothing; remove it or "
                        + "give it a component)");
            }
            if (!visible(element, subject)) {
                return null;
            }
            records.push(element);
            List<WireType.Named> fields = new ArrayList<>();
            boolean valid = true;
            for (RecordComponentElement component : element.getRecordComponents()) {
                String fieldSubject = "component " + name + "." + component.getSimpleName() + " (in " + root + ")";
                WireType field = resolve(component.asType(), Annotations.declaresNullable(component), fieldSubject);
                if (field == null) {
                    valid = false;
                } else {
                    fields.add(new WireType.Named(component.getSimpleName().toString(), field));
                }
            }
            records.pop();
            return valid ? new WireType.RecordType(ClassName.get(element), fields, nullable) : null;
        }

        private boolean visible(TypeElement element, String subject) {
            if (accessibleFrom(element, packageName)) {
                return true;
            }
            problems.report(ErrorCode.INACCESSIBLE_WIRE_TYPE, subject + " has type " + element.getQualifiedName()
                    + ", which the dispatcher generated in package " + (packageName.isEmpty() ? "(unnamed)"
                            : packageName) + " cannot use; make it (and any class it is nested in) "
                    + (packageOf(element).equals(packageName) ? "package-private or public" : "public"));
            return false;
        }

        private WireType unsupported(TypeMirror type, String subject, String why) {
            problems.report(ErrorCode.UNSUPPORTED_SYSTEM_TYPE, subject + " has type " + type + why + ", which "
                    + "cannot travel on the wire; use " + SUPPORTED);
            return null;
        }
    }

    private boolean isRowFlyweight(DeclaredType type) {
        TypeElement rowView = elements.getTypeElement(ROW_VIEW);
        return rowView != null && types.isSubtype(types.erasure(type), types.erasure(rowView.asType()));
    }

    /** The record a generated flyweight copies to: the type argument of its {@code RowView<R>}. */
    private static String flyweightRecord(TypeElement flyweight) {
        for (TypeMirror implemented : flyweight.getInterfaces()) {
            if (implemented instanceof DeclaredType declared
                    && ((TypeElement) declared.asElement()).getQualifiedName().contentEquals(ROW_VIEW)
                    && declared.getTypeArguments().size() == 1) {
                return ((DeclaredType) declared.getTypeArguments().getFirst()).asElement().getSimpleName().toString();
            }
        }
        return "of its component";
    }
}
