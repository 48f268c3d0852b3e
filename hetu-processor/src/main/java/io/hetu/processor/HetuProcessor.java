package io.hetu.processor;

import com.palantir.javapoet.JavaFile;
import io.hetu.annotations.Component;
import io.hetu.processor.collect.ComponentCollector;
import io.hetu.processor.collect.SystemCollector;
import io.hetu.processor.generate.DispatcherGenerator;
import io.hetu.processor.generate.ManifestWriter;
import io.hetu.processor.generate.RowGenerator;
import io.hetu.processor.generate.TableGenerator;
import io.hetu.processor.model.ComponentModel;
import io.hetu.processor.model.DispatcherModel;
import io.hetu.processor.model.SystemHook;
import io.hetu.processor.model.SystemModel;
import java.io.IOException;
import java.io.Writer;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;
import javax.tools.Diagnostic;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * The HeTu annotation processor. Each round it collects the {@code @Component} records into
 * validated models and generates their flyweights and table descriptors, and collects the systems
 * and lifecycle hooks of each package into one generated dispatcher; when processing is over it
 * writes the schema manifest once, for every component and system of the compilation.
 */
public final class HetuProcessor extends AbstractProcessor {

    private final List<ComponentModel> components = new ArrayList<>();
    /** The first component seen per qualified name, to report duplicates against it. */
    private final Map<String, ComponentModel> byQualifiedName = new LinkedHashMap<>();
    private final List<DispatcherModel> dispatchers = new ArrayList<>();
    /** The first system seen per namespace and name, to report duplicates against it. */
    private final Map<String, SystemModel> systemsByName = new HashMap<>();
    /** The first tick seen per name: a tick's schedule is keyed by its name. */
    private final Map<String, SystemModel> ticksByName = new HashMap<>();
    /**
     * Classes whose systems name types that do not exist yet (generated this round), to collect
     * again next round. A package waits as a whole, so that its dispatcher is generated once.
     */
    private final Set<String> waitingClasses = new LinkedHashSet<>();
    /** Packages whose dispatcher was settled in an earlier round. */
    private final Set<String> settledPackages = new HashSet<>();
    private boolean errors;

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return Stream.concat(Stream.of(Component.class), SystemCollector.ANNOTATIONS.keySet().stream())
                .map(Class::getCanonicalName)
                .collect(Collectors.toSet());
    }

    /** {@code -Ahetu.manifest=false}: generate sources only (for the server's own components). */
    public static final String MANIFEST_OPTION = "hetu.manifest";

    @Override
    public Set<String> getSupportedOptions() {
        return Set.of(MANIFEST_OPTION);
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        ComponentCollector collector = new ComponentCollector(processingEnv.getMessager());
        for (Element element : round.getElementsAnnotatedWith(Component.class)) {
            collector.collect(element).ifPresentOrElse(this::accept, () -> errors = true);
        }
        processSystems(round);
        if (round.processingOver() && !errors && !round.errorRaised()) {
            warnAboutLonelyNamespaces();
            if (!"false".equals(processingEnv.getOptions().get(MANIFEST_OPTION))) {
                writeManifest();
            }
        }
        return false;
    }

    /**
     * A system's namespace that no component of the compilation has, or a component's that no system has, is most
     * often a typo ({@code "sws"} for {@code "ssw"}), which would otherwise build silently. Only when the compilation
     * has both components and systems: a module of systems alone (or components alone) is a choice, not a typo.
     */
    private void warnAboutLonelyNamespaces() {
        List<SystemModel> systems = dispatchers.stream().flatMap(d -> d.systems().stream())
                .filter(s -> s.hook() == SystemHook.CALL || s.hook() == SystemHook.TICK).toList();
        if (components.isEmpty() || systems.isEmpty()) {
            return;
        }
        Set<String> componentSpaces = components.stream().map(ComponentModel::namespace)
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        Set<String> systemSpaces = systems.stream().map(SystemModel::namespace)
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        for (String namespace : systemSpaces) {
            if (!componentSpaces.contains(namespace)) {
                SystemModel first = systems.stream().filter(x -> x.namespace().equals(namespace)).findFirst()
                        .orElseThrow();
                warn(WarningCode.NAMESPACE_WITHOUT_COMPONENTS, first.element(), lonely("system " + first.name(),
                        namespace, "component", componentSpaces,
                        "the system apart from its components (in the C# SDK, for --namespace)",
                        WarningCode.NAMESPACE_WITHOUT_COMPONENTS, "the method or its class"));
            }
        }
        for (String namespace : componentSpaces) {
            if (!systemSpaces.contains(namespace)) {
                ComponentModel first = components.stream().filter(x -> x.namespace().equals(namespace)).findFirst()
                        .orElseThrow();
                warn(WarningCode.NAMESPACE_WITHOUT_SYSTEMS, first.element(), lonely("component " + first.name(),
                        namespace, "system", systemSpaces, "the component apart from its systems (in the C# SDK)",
                        WarningCode.NAMESPACE_WITHOUT_SYSTEMS, "the record"));
            }
        }
    }

    /** The message of a namespace warning: what is alone, where the others are, what to do. */
    private static String lonely(String what, String namespace, String others, Set<String> theirs, String apart,
            WarningCode code, String where) {
        return what + " is in namespace '" + namespace + "', which no " + others + " of this build has; the " + others
                + "s are in " + quoted(theirs) + ". A misspelt namespace still builds, and groups " + apart
                + ": fix the spelling, or if the namespace is meant, add @SuppressWarnings(\"" + code.code()
                + "\") to " + where;
    }

    /**
     * The element as this round knows it: one kept from an earlier round no longer has a source file in the last
     * round, so a message on it would point nowhere.
     */
    private Element current(Element seen) {
        TypeElement type = (TypeElement) (seen instanceof TypeElement t ? t : seen.getEnclosingElement());
        TypeElement now = processingEnv.getElementUtils().getTypeElement(type.getQualifiedName());
        if (now == null) {
            return seen;
        }
        if (seen instanceof TypeElement) {
            return now;
        }
        return ElementFilter.methodsIn(now.getEnclosedElements()).stream()
                .filter(m -> m.getSimpleName().contentEquals(seen.getSimpleName())).findFirst()
                .map(Element.class::cast).orElse(seen);
    }

    private static String quoted(Set<String> namespaces) {
        return namespaces.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "));
    }

    /** A warning on {@code element}, unless it or a class enclosing it suppresses the code. */
    private void warn(WarningCode code, Element seen, String message) {
        Element element = current(seen);
        for (Element e = element; e != null; e = e.getEnclosingElement()) {
            SuppressWarnings suppressed = e.getAnnotation(SuppressWarnings.class);
            if (suppressed != null && List.of(suppressed.value()).contains(code.code())) {
                return;
            }
        }
        processingEnv.getMessager().printMessage(Diagnostic.Kind.WARNING, code.format(message), element);
    }

    private void accept(ComponentModel model) {
        String qualified = model.namespace() + "." + model.name();
        ComponentModel first = byQualifiedName.putIfAbsent(qualified, model);
        if (first != null) {
            errors = true;
            processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, ErrorCode.DUPLICATE_COMPONENT.format(
                    "component " + model.name() + " is declared twice in namespace '" + model.namespace()
                            + "', here and by " + first.recordClass().canonicalName() + "; rename one record or "
                            + "move it to another namespace"), model.element());
            return;
        }
        components.add(model);
        write(RowGenerator.generate(model), model.element());
        write(TableGenerator.generate(model), model.element());
    }

    private void processSystems(RoundEnvironment round) {
        Map<String, List<ExecutableElement>> byPackage = new LinkedHashMap<>();
        for (ExecutableElement method : systemMethods(round)) {
            String packageName = processingEnv.getElementUtils().getPackageOf(method).getQualifiedName().toString();
            byPackage.computeIfAbsent(packageName, p -> new ArrayList<>()).add(method);
        }
        SystemCollector collector = new SystemCollector(processingEnv);
        byPackage.forEach((packageName, methods) -> {
            if (methods.stream().anyMatch(SystemCollector::unresolved)) {
                if (round.processingOver()) {
                    errors = true; // the compiler reports the types that never appeared
                } else {
                    methods.forEach(m -> waitingClasses.add(
                            ((TypeElement) m.getEnclosingElement()).getQualifiedName().toString()));
                }
                return;
            }
            if (!settledPackages.add(packageName)) {
                errors = true;
                methods.forEach(m -> error(ErrorCode.SYSTEMS_IN_SEVERAL_ROUNDS, m, "method " + m.getSimpleName()
                        + " appeared in a source generated after " + (packageName.isEmpty() ? "the unnamed package"
                                : "package " + packageName) + " got its " + SystemModel.DISPATCHER + "; declare "
                        + "systems that another annotation processor generates in a package of their own"));
                return;
            }
            List<SystemModel> models = new ArrayList<>();
            for (ExecutableElement method : methods) {
                collector.collect(method).filter(this::unique).ifPresentOrElse(models::add, () -> errors = true);
            }
            if (models.size() == methods.size()) {
                DispatcherModel dispatcher = DispatcherModel.of(packageName, models);
                dispatchers.add(dispatcher);
                DispatcherGenerator.generate(dispatcher).forEach(file -> write(file, models.getFirst().element()));
            }
        });
    }

    /** This round's annotated methods, after those that waited for the types generated last round. */
    private Set<ExecutableElement> systemMethods(RoundEnvironment round) {
        Set<ExecutableElement> methods = new LinkedHashSet<>();
        for (String name : waitingClasses) {
            for (ExecutableElement method : ElementFilter.methodsIn(
                    processingEnv.getElementUtils().getTypeElement(name).getEnclosedElements())) {
                if (SystemCollector.ANNOTATIONS.keySet().stream().anyMatch(a -> method.getAnnotation(a) != null)) {
                    methods.add(method);
                }
            }
        }
        waitingClasses.clear();
        for (Class<? extends Annotation> annotation : SystemCollector.ANNOTATIONS.keySet()) {
            methods.addAll(ElementFilter.methodsIn(round.getElementsAnnotatedWith(annotation)));
        }
        return methods;
    }

    /** Whether no other system of the compilation has this one's namespace and name. */
    private boolean unique(SystemModel model) {
        if (model.hook() == SystemHook.TICK) {
            SystemModel first = ticksByName.putIfAbsent(model.name(), model);
            if (first == null) {
                return true;
            }
            error(ErrorCode.DUPLICATE_TICK, model.element(), "tick " + model.name() + " is declared twice, here and "
                    + "by " + first.declaringClass().canonicalName() + "." + first.element() + "; the server keeps "
                    + "each tick's schedule by its name, so rename one method");
            return false;
        }
        if (model.hook() != SystemHook.CALL) {
            return true;
        }
        SystemModel first = systemsByName.putIfAbsent(model.namespace() + "." + model.name(), model);
        if (first == null) {
            return true;
        }
        error(ErrorCode.DUPLICATE_SYSTEM, model.element(), "system " + model.name() + " is declared twice in "
                + "namespace '" + model.namespace() + "', here and by " + first.declaringClass().canonicalName() + "."
                + first.element() + "; clients call systems by name, so overloads are not possible: rename one "
                + "method or move it to another namespace");
        return false;
    }

    private void error(ErrorCode code, Element element, String message) {
        processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, code.format(message), element);
    }

    private void write(JavaFile file, Element origin) {
        try {
            file.writeTo(processingEnv.getFiler());
        } catch (IOException e) {
            errors = true;
            processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
                    "cannot write generated source " + file.packageName() + "." + file.typeSpec().name() + ": "
                            + e.getMessage(), origin);
        }
    }

    private void writeManifest() {
        Element[] origins = Stream.concat(components.stream().map(ComponentModel::element),
                        dispatchers.stream().flatMap(d -> d.systems().stream()).map(SystemModel::element))
                .toArray(Element[]::new);
        try {
            FileObject resource = processingEnv.getFiler().createResource(StandardLocation.CLASS_OUTPUT, "",
                    ManifestWriter.RESOURCE, origins);
            try (Writer writer = resource.openWriter()) {
                writer.write(ManifestWriter.write(components, dispatchers));
            }
        } catch (IOException e) {
            processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
                    "cannot write " + ManifestWriter.RESOURCE + ": " + e.getMessage());
        }
    }
}
