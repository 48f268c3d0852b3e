package io.hetu.processor;

import com.palantir.javapoet.JavaFile;
import io.hetu.annotations.Component;
import io.hetu.processor.collect.ComponentCollector;
import io.hetu.processor.generate.ManifestWriter;
import io.hetu.processor.generate.RowGenerator;
import io.hetu.processor.generate.TableGenerator;
import io.hetu.processor.model.ComponentModel;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * The HeTu annotation processor. Each round it collects the {@code @Component} records into
 * validated models and generates their flyweights and table descriptors; when processing is over
 * it writes the schema manifest once, for every component of the compilation.
 */
public final class HetuProcessor extends AbstractProcessor {

    private final List<ComponentModel> components = new ArrayList<>();
    /** The first component seen per qualified name, to report duplicates against it. */
    private final Map<String, ComponentModel> byQualifiedName = new LinkedHashMap<>();
    private boolean errors;

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return Set.of(Component.class.getCanonicalName());
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
        if (round.processingOver() && !errors && !round.errorRaised()) {
            writeManifest();
        }
        return false;
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
        write(RowGenerator.generate(model), model);
        write(TableGenerator.generate(model), model);
    }

    private void write(JavaFile file, ComponentModel model) {
        try {
            file.writeTo(processingEnv.getFiler());
        } catch (IOException e) {
            errors = true;
            processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
                    "cannot write generated source " + file.packageName() + "." + file.typeSpec().name() + ": "
                            + e.getMessage(), model.element());
        }
    }

    private void writeManifest() {
        try {
            FileObject resource = processingEnv.getFiler().createResource(StandardLocation.CLASS_OUTPUT, "",
                    ManifestWriter.RESOURCE, components.stream().map(ComponentModel::element).toArray(Element[]::new));
            try (Writer writer = resource.openWriter()) {
                writer.write(ManifestWriter.write(components));
            }
        } catch (IOException e) {
            processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
                    "cannot write " + ManifestWriter.RESOURCE + ": " + e.getMessage());
        }
    }
}
