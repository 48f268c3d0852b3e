package io.hetu.processor.collect;

import java.lang.annotation.ElementType;
import java.lang.annotation.Target;
import java.util.Arrays;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;

/** How the collectors read annotations: by name, so that every {@code @Nullable} counts. */
final class Annotations {

    private Annotations() {}

    /** Whether the type carries a type annotation named {@code Nullable}. */
    static boolean hasNullable(TypeMirror type) {
        return type.getAnnotationMirrors().stream().anyMatch(Annotations::isNullable);
    }

    /** Whether the element carries an annotation named {@code Nullable}, of any kind. */
    static boolean hasNullable(Element element) {
        return element.getAnnotationMirrors().stream().anyMatch(Annotations::isNullable);
    }

    /**
     * Whether the element carries a declaration annotation named {@code Nullable} that cannot
     * annotate types (such as {@code javax.annotation.Nullable}), which marks the whole declared
     * type. A {@code TYPE_USE} annotation is read where it stands on the type instead, so that
     * {@code @Nullable String[]} means nullable elements and {@code String @Nullable []} a
     * nullable array.
     */
    static boolean declaresNullable(Element element) {
        return element.getAnnotationMirrors().stream()
                .anyMatch(mirror -> isNullable(mirror) && !annotatesTypes(mirror));
    }

    private static boolean isNullable(AnnotationMirror mirror) {
        return mirror.getAnnotationType().asElement().getSimpleName().contentEquals("Nullable");
    }

    private static boolean annotatesTypes(AnnotationMirror mirror) {
        Target target = mirror.getAnnotationType().asElement().getAnnotation(Target.class);
        return target != null && Arrays.asList(target.value()).contains(ElementType.TYPE_USE);
    }

    /** The element's annotation of the given type, or null. */
    static AnnotationMirror mirror(Element element, String annotation) {
        for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
            Element type = mirror.getAnnotationType().asElement();
            if (type instanceof TypeElement te && te.getQualifiedName().contentEquals(annotation)) {
                return mirror;
            }
        }
        return null;
    }

    static AnnotationMirror mirror(Element element, Class<?> annotation) {
        return mirror(element, annotation.getCanonicalName());
    }

    /** "a record", "an interface": for messages. */
    static String article(ElementKind kind) {
        String noun = kind.name().toLowerCase().replace('_', ' ');
        return ("aeiou".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ") + noun;
    }
}
