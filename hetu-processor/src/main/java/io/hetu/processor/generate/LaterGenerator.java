package io.hetu.processor.generate;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.NameAllocator;
import com.palantir.javapoet.TypeSpec;
import io.hetu.processor.model.DispatcherModel;
import io.hetu.processor.model.SystemHook;
import io.hetu.processor.model.SystemModel;
import io.hetu.processor.model.WireType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Modifier;

/**
 * Generates, per class that declares systems clients call, {@code <Class>Later}: one static method
 * per system that schedules a call of it with typed arguments, such as
 * {@code RoundSystemsLater.endRound(ctx, Schedule.after(Duration.ofSeconds(90)), roundId)}. The
 * arguments are encoded by the dispatcher's {@code argumentsOf<Name>}, exactly as a client's CALL
 * carries them, so the compiler checks their types and a firing decodes them like a call.
 */
final class LaterGenerator {

    private static final ClassName CONTEXT = ClassName.get("io.hetu.system", "SystemContext");
    private static final ClassName SCHEDULE = ClassName.get("io.hetu.system", "Schedule");
    private static final ClassName SCHEDULED = ClassName.get("io.hetu.system", "Scheduled");
    private static final ClassName WRITER = ClassName.get("io.hetu.wire", "WireWriter");

    private LaterGenerator() {}

    static List<JavaFile> generate(DispatcherModel model, Map<SystemModel, String> argumentWriters) {
        Map<ClassName, List<SystemModel>> byClass = new LinkedHashMap<>();
        for (SystemModel system : model.systems()) {
            if (system.hook() == SystemHook.CALL) {
                byClass.computeIfAbsent(system.declaringClass(), c -> new ArrayList<>()).add(system);
            }
        }
        List<JavaFile> files = new ArrayList<>();
        byClass.forEach((declaring, systems) -> files.add(file(model.dispatcherClass(), declaring, systems,
                argumentWriters)));
        return files;
    }

    /** The name of the class generated for {@code declaring}: its simple names joined, then {@code Later}. */
    static ClassName laterClass(ClassName declaring) {
        return ClassName.get(declaring.packageName(), String.join("", declaring.simpleNames()) + "Later");
    }

    private static JavaFile file(ClassName dispatcher, ClassName declaring, List<SystemModel> systems,
            Map<SystemModel, String> argumentWriters) {
        ClassName later = laterClass(declaring);
        TypeSpec.Builder type = TypeSpec.classBuilder(later)
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addAnnotation(Generation.generatedAnnotation())
                .addJavadoc("Schedules calls of the systems of {@link $T}: each runs later as its own transaction, "
                        + "exactly once,\nwith the arguments given here. Scheduling is part of the calling "
                        + "transaction.\n", declaring)
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
        for (SystemModel system : systems) {
            type.addMethod(method(dispatcher, system, argumentWriters.get(system)));
            type.addOriginatingElement(system.element());
        }
        return JavaFile.builder(later.packageName(), type.build())
                .addFileComment(Generation.header("the systems of " + declaring.canonicalName(), "the systems"))
                .skipJavaLangImports(true)
                .build();
    }

    private static MethodSpec method(ClassName dispatcher, SystemModel system, String argumentWriter) {
        NameAllocator names = new NameAllocator();
        List<String> params = new ArrayList<>();
        for (WireType.Named param : system.params()) {
            params.add(names.newName(param.name()));
        }
        String ctx = names.newName("ctx");
        String when = names.newName("when");
        String arguments = names.newName("arguments");
        MethodSpec.Builder method = MethodSpec.methodBuilder(system.name())
                .addJavadoc("Schedules a call of {@code $L.$L} ({@link $T#$L}) in {@code $L}'s transaction.\n",
                        system.namespace(), system.name(), system.declaringClass(), system.name(), ctx)
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(SCHEDULED)
                .addParameter(CONTEXT, ctx)
                .addParameter(SCHEDULE, when);
        List<CodeBlock> passed = new ArrayList<>(List.of(CodeBlock.of("$N", arguments)));
        for (int i = 0; i < params.size(); i++) {
            method.addParameter(system.params().get(i).type().javaType(), params.get(i));
            passed.add(CodeBlock.of("$N", params.get(i)));
        }
        return method.addStatement("$T $N = new $T()", WRITER, arguments, WRITER)
                .addStatement("$T.$N($L)", dispatcher, argumentWriter, CodeBlock.join(passed, ", "))
                .addStatement("return $N.schedule($N, $S, $S, $N)", ctx, when, system.namespace(), system.name(),
                        arguments)
                .build();
    }
}
