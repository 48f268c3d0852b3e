package io.hetu.processor.generate;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.NameAllocator;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import com.palantir.javapoet.TypeVariableName;
import io.hetu.annotations.Permission;
import io.hetu.processor.model.DispatcherModel;
import io.hetu.processor.model.SystemModel;
import io.hetu.processor.model.WireType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Modifier;

/**
 * Generates the dispatcher of one package's systems: a final {@code HetuSystems} implementing
 * {@code io.hetu.system.SystemDispatcher}, whose {@code dispatch} switches on the system's
 * index, decodes each argument with a typed {@code WireReader} call, calls the static method
 * directly and encodes the result with typed {@code WireWriter} calls. Records, lists and arrays
 * get one private read and one write method per type; primitives are never boxed.
 */
public final class DispatcherGenerator {

    private static final String SYSTEM_PACKAGE = "io.hetu.system";
    private static final ClassName DISPATCHER = ClassName.get(SYSTEM_PACKAGE, "SystemDispatcher");
    private static final ClassName SYSTEM_DEF = ClassName.get(SYSTEM_PACKAGE, "SystemDef");
    private static final ClassName HOOK = ClassName.get(SYSTEM_PACKAGE, "Hook");
    private static final ClassName CALL_LIMIT = ClassName.get(SYSTEM_PACKAGE, "CallLimit");
    private static final ClassName CONTEXT = ClassName.get(SYSTEM_PACKAGE, "SystemContext");
    private static final ClassName READER = ClassName.get("io.hetu.wire", "WireReader");
    private static final ClassName WRITER = ClassName.get("io.hetu.wire", "WireWriter");
    private static final String NON_NULL = "nonNull";

    private final DispatcherModel model;
    /** Names of records and enums, unique within the dispatcher: for helper names and labels. */
    private final Map<ClassName, String> typeNames;
    /** Names of the class's members, so that helpers and constants never clash. */
    private final NameAllocator members = new NameAllocator();
    /** Per type (its non-null form), the helper that reads or writes it, and per enum its constants. */
    private final Map<Object, String> memberNames = new HashMap<>();
    private final Map<String, MethodSpec> helpers = new TreeMap<>();
    private final Map<String, FieldSpec> enumConstants = new TreeMap<>();
    private boolean checksNulls;
    /** Per system called by clients, the static method that encodes its arguments for a schedule. */
    private final Map<SystemModel, String> argumentWriters = new HashMap<>();

    private DispatcherGenerator(DispatcherModel model) {
        this.model = model;
        this.typeNames = WireTypes.uniqueNames(model.systems().stream()
                .flatMap(s -> WireTypes.signature(s).stream())
                .toList());
        for (String reserved : List.of("SYSTEMS", "systems", "dispatch", NON_NULL)) {
            members.newName(reserved);
        }
    }

    /**
     * The dispatcher, then per class that declares systems its {@code <Class>Later}: typed methods
     * that schedule calls of those systems (docs/SYSTEMS.md, game time).
     */
    public static List<JavaFile> generate(DispatcherModel model) {
        DispatcherGenerator generator = new DispatcherGenerator(model);
        List<JavaFile> files = new ArrayList<>();
        files.add(generator.file());
        files.addAll(LaterGenerator.generate(model, generator.argumentWriters));
        return files;
    }

    private JavaFile file() {
        ClassName dispatcher = model.dispatcherClass();
        MethodSpec dispatch = dispatch();
        TypeSpec.Builder type = TypeSpec.classBuilder(dispatcher)
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addAnnotation(Generation.generatedAnnotation())
                .addSuperinterface(DISPATCHER)
                .addJavadoc("Calls the systems of package {@code $L}: argument decoding, a direct static call and "
                        + "result\nencoding for each, by index in {@link #systems()}.\n", packageLabel())
                .addField(FieldSpec.builder(ParameterizedTypeName.get(ClassName.get(List.class), SYSTEM_DEF),
                                "SYSTEMS", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                        .initializer(systemDefs()).build())
                .addFields(enumConstants.values())
                .addMethod(MethodSpec.methodBuilder("systems")
                        .addAnnotation(Override.class)
                        .addModifiers(Modifier.PUBLIC)
                        .returns(ParameterizedTypeName.get(ClassName.get(List.class), SYSTEM_DEF))
                        .addStatement("return SYSTEMS")
                        .build())
                .addMethod(dispatch)
                .addMethods(argumentWriterMethods())
                .addMethods(helpers.values());
        if (checksNulls) {
            type.addMethod(nonNull());
        }
        model.systems().stream()
                .map(s -> s.element().getEnclosingElement())
                .distinct()
                .forEach(type::addOriginatingElement);
        return JavaFile.builder(dispatcher.packageName(), type.build())
                .addFileComment(Generation.header("the systems of package " + packageLabel(), "the systems"))
                .skipJavaLangImports(true)
                .build();
    }

    private String packageLabel() {
        String name = model.dispatcherClass().packageName();
        return name.isEmpty() ? "(unnamed)" : name;
    }

    private CodeBlock systemDefs() {
        CodeBlock defs = model.systems().stream()
                .map(s -> s.idempotent()
                        ? CodeBlock.of("new $T($S, $S, $T.$L, $L, $T.$L, 0L, $L, true)", SYSTEM_DEF, s.namespace(),
                                s.name(), Permission.class, s.permission().name(), s.retry(), HOOK, s.hook().name(),
                                s.limit() == null ? CodeBlock.of("null") : CodeBlock.of("new $T($L, $L, $L)",
                                        CALL_LIMIT, s.limit().perSecond(), s.limit().burst(), s.limit().perUser()))
                        : s.limit() != null
                        ? CodeBlock.of("new $T($S, $S, $T.$L, $L, $T.$L, 0L, new $T($L, $L, $L))", SYSTEM_DEF,
                                s.namespace(), s.name(), Permission.class, s.permission().name(), s.retry(), HOOK,
                                s.hook().name(), CALL_LIMIT, s.limit().perSecond(), s.limit().burst(),
                                s.limit().perUser())
                        : s.tickNanos() == 0
                        ? CodeBlock.of("new $T($S, $S, $T.$L, $L, $T.$L)", SYSTEM_DEF, s.namespace(), s.name(),
                                Permission.class, s.permission().name(), s.retry(), HOOK, s.hook().name())
                        : CodeBlock.of("new $T($S, $S, $T.$L, $L, $T.$L, $LL)", SYSTEM_DEF, s.namespace(), s.name(),
                                Permission.class, s.permission().name(), s.retry(), HOOK, s.hook().name(),
                                s.tickNanos()))
                .collect(CodeBlock.joining(",\n"));
        return CodeBlock.builder()
                .add("$T.of(\n", List.class)
                .indent().indent().add(defs).unindent().unindent()
                .add(")")
                .build();
    }

    private MethodSpec dispatch() {
        CodeBlock.Builder code = CodeBlock.builder().beginControlFlow("switch (index)");
        for (int index = 0; index < model.systems().size(); index++) {
            SystemModel system = model.systems().get(index);
            code.beginControlFlow("case $L ->", index);
            NameAllocator locals = allocator("index", "ctx", "args", "result");
            List<CodeBlock> arguments = new ArrayList<>(List.of(CodeBlock.of("ctx")));
            for (WireType.Named param : system.params()) {
                String local = locals.newName(param.name());
                code.addStatement("$T $N = $L", param.type().javaType(), local,
                        read(param.type(), "args", CodeBlock.of("$S", system.name() + "." + param.name())));
                arguments.add(CodeBlock.of("$N", local));
            }
            code.addStatement("args.expectEnd($S)", system.name() + " arguments");
            CodeBlock call = CodeBlock.of("$T.$N($L)", system.declaringClass(), system.name(),
                    CodeBlock.join(arguments, ", "));
            if (system.returns() instanceof WireType.VoidType) {
                code.addStatement("$L", call);
            } else {
                String returned = locals.newName("returned");
                code.addStatement("$T $N = $L", system.returns().javaType(), returned, call);
                write(code, locals, system.returns(), "result", CodeBlock.of("$N", returned),
                        CodeBlock.of("$S", system.name()), "result");
            }
            code.endControlFlow();
        }
        code.addStatement("default -> throw new $T($S + index + $S)", IllegalArgumentException.class,
                model.dispatcherClass().canonicalName() + " has no system ", " (it has "
                        + model.systems().size() + ")");
        code.endControlFlow();
        return MethodSpec.methodBuilder("dispatch")
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .addParameter(int.class, "index")
                .addParameter(CONTEXT, "ctx")
                .addParameter(READER, "args")
                .addParameter(WRITER, "result")
                .addCode(code.build())
                .build();
    }

    /**
     * Per system clients call, a package-private {@code argumentsOf<Name>(out, args...)} that
     * writes the arguments as a CALL carries them, so that a scheduled call decodes like a call.
     */
    private List<MethodSpec> argumentWriterMethods() {
        List<MethodSpec> methods = new ArrayList<>();
        for (SystemModel system : model.systems()) {
            if (system.hook() != io.hetu.processor.model.SystemHook.CALL) {
                continue;
            }
            String name = members.newName("argumentsOf" + Character.toUpperCase(system.name().charAt(0))
                    + system.name().substring(1), system);
            argumentWriters.put(system, name);
            NameAllocator locals = allocator();
            String out = locals.newName("out");
            MethodSpec.Builder method = MethodSpec.methodBuilder(name)
                    .addJavadoc("Encodes the arguments of {@code $L.$L} for a scheduled call.\n", system.namespace(),
                            system.name())
                    .addModifiers(Modifier.STATIC)
                    .addParameter(WRITER, out);
            List<String> names = new ArrayList<>();
            for (WireType.Named param : system.params()) {
                names.add(locals.newName(param.name()));
            }
            CodeBlock.Builder code = CodeBlock.builder();
            for (int i = 0; i < system.params().size(); i++) {
                WireType.Named param = system.params().get(i);
                method.addParameter(param.type().javaType(), names.get(i));
                if (!param.type().nullable() && !param.type().javaType().isPrimitive()) {
                    code.addStatement("$T.requireNonNull($N, $S)", java.util.Objects.class, names.get(i),
                            "scheduling " + system.name() + ": argument " + param.name() + " must not be null; "
                                    + "declare it @Nullable to allow null");
                }
                write(code, locals, param.type(), out, CodeBlock.of("$N", names.get(i)),
                        CodeBlock.of("$S", system.name()), "argument " + param.name());
            }
            methods.add(method.addCode(code.build()).build());
        }
        return methods;
    }

    // ---------------------------------------------------------------- reading

    /** An expression that reads one value of {@code type} from the reader {@code in}. */
    private CodeBlock read(WireType type, String in, CodeBlock what) {
        CodeBlock value = switch (type) {
            case WireType.Scalar scalar -> CodeBlock.of("$N.read$L($L)", in, WireTypes.scalarName(scalar), what);
            case WireType.EnumType enumType -> {
                String constants = enumConstants(enumType);
                yield CodeBlock.of("$N[$N.readOrdinal($L, $N.length, $L)]", constants, in, enumType.wide(),
                        constants, what);
            }
            case WireType.RecordType record -> CodeBlock.of("$N($N)", readRecord(record), in);
            case WireType.ListType list -> CodeBlock.of("$N($N, $L)", readList(list), in, what);
            case WireType.VoidType v -> throw new IllegalArgumentException("void is not a value");
        };
        return type.nullable() ? CodeBlock.of("$N.readPresent($L) ? $L : null", in, what, value) : value;
    }

    private String readRecord(WireType.RecordType record) {
        return helper("read", record, name -> {
            NameAllocator locals = allocator("in");
            MethodSpec.Builder method = MethodSpec.methodBuilder(name)
                    .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                    .returns(record.recordClass())
                    .addParameter(READER, "in");
            List<CodeBlock> components = new ArrayList<>();
            for (WireType.Named field : record.fields()) {
                String local = locals.newName(field.name());
                method.addStatement("$T $N = $L", field.type().javaType(), local, read(field.type(), "in",
                        CodeBlock.of("$S", typeNames.get(record.recordClass()) + "." + field.name())));
                components.add(CodeBlock.of("$N", local));
            }
            return method.addStatement("return new $T($L)", record.recordClass(), CodeBlock.join(components, ", "))
                    .build();
        });
    }

    private String readList(WireType.ListType list) {
        return helper("read", list, name -> {
            MethodSpec.Builder method = MethodSpec.methodBuilder(name)
                    .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                    .returns(list.javaType())
                    .addParameter(READER, "in")
                    .addParameter(String.class, "what")
                    .addStatement("int count = in.readCount(what)");
            CodeBlock element = read(list.element(), "in", CodeBlock.of("what"));
            if (list.array()) {
                TypeName base = list.element().javaType();
                int dimensions = 0;
                while (base instanceof ArrayTypeName array) {
                    base = array.componentType();
                    dimensions++;
                }
                method.addStatement("$T array = new $T[count]$L", list.javaType(), base, "[]".repeat(dimensions))
                        .beginControlFlow("for (int i = 0; i < count; i++)")
                        .addStatement("array[i] = $L", element)
                        .endControlFlow()
                        .addStatement("return array");
            } else {
                method.addStatement("$T list = new $T<>(count)", list.javaType(), ArrayList.class)
                        .beginControlFlow("for (int i = 0; i < count; i++)")
                        .addStatement("list.add($L)", element)
                        .endControlFlow()
                        .addStatement("return list");
            }
            return method.build();
        });
    }

    // ---------------------------------------------------------------- writing

    /**
     * Statements that write {@code value} of {@code type} to the writer {@code out}. A null where
     * the type is not nullable fails with the system's name and {@code label}.
     */
    private void write(CodeBlock.Builder code, NameAllocator locals, WireType type, String out, CodeBlock value,
            CodeBlock system, String label) {
        if (!type.nullable()) {
            boolean reference = !(type instanceof WireType.Scalar scalar && scalar.javaType().isPrimitive());
            if (reference) {
                checksNulls = true;
            }
            writePresent(code, type, out, reference ? CodeBlock.of("$N($L, $L, $S)", NON_NULL, value, system, label)
                    : value, system);
            return;
        }
        CodeBlock present = value;
        if (!SourceVersion.isIdentifier(value.toString())) {
            String local = locals.newName(label.substring(label.lastIndexOf('.') + 1));
            code.addStatement("$T $N = $L", type.javaType(), local, value);
            present = CodeBlock.of("$N", local);
        }
        code.addStatement("$N.writePresent($L != null)", out, present)
                .beginControlFlow("if ($L != null)", present);
        writePresent(code, type, out, present, system);
        code.endControlFlow();
    }

    /** Statements that write a value known not to be null. */
    private void writePresent(CodeBlock.Builder code, WireType type, String out, CodeBlock value, CodeBlock system) {
        switch (type) {
            case WireType.Scalar scalar -> code.addStatement("$N.write$L($L)", out, WireTypes.scalarName(scalar),
                    value);
            case WireType.EnumType enumType -> code.addStatement("$N.writeOrdinal($L, $L.ordinal())", out,
                    enumType.wide(), value);
            case WireType.RecordType record -> code.addStatement("$N($N, $L, $L)", writeRecord(record), out, value,
                    system);
            case WireType.ListType list -> code.addStatement("$N($N, $L, $L)", writeList(list), out, value, system);
            case WireType.VoidType v -> throw new IllegalArgumentException("void is not a value");
        }
    }

    private String writeRecord(WireType.RecordType record) {
        return helper("write", record, name -> {
            NameAllocator locals = allocator("out", "value", "system");
            CodeBlock.Builder code = CodeBlock.builder();
            String typeName = typeNames.get(record.recordClass());
            for (WireType.Named field : record.fields()) {
                write(code, locals, field.type(), "out", CodeBlock.of("value.$N()", field.name()),
                        CodeBlock.of("system"), typeName + "." + field.name());
            }
            return writer(name, record.recordClass(), "value").addCode(code.build()).build();
        });
    }

    private String writeList(WireType.ListType list) {
        return helper("write", list, name -> {
            String items = list.array() ? "array" : "list";
            CodeBlock.Builder code = CodeBlock.builder()
                    .addStatement("out.writeCount($N.$L)", items, list.array() ? "length" : "size()")
                    .beginControlFlow("for ($T element : $N)", list.element().javaType(), items);
            write(code, allocator("out", items, "system", "element"), list.element(), "out",
                    CodeBlock.of("element"), CodeBlock.of("system"), "element of " + WireTypes.describe(list,
                            typeNames));
            code.endControlFlow();
            return writer(name, list.javaType(), items).addCode(code.build()).build();
        });
    }

    private static MethodSpec.Builder writer(String name, TypeName type, String value) {
        return MethodSpec.methodBuilder(name)
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addParameter(WRITER, "out")
                .addParameter(type, value)
                .addParameter(String.class, "system");
    }

    private static MethodSpec nonNull() {
        TypeVariableName t = TypeVariableName.get("T");
        return MethodSpec.methodBuilder(NON_NULL)
                .addJavadoc("A system's result must not hold null where its type is not nullable.\n")
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addTypeVariable(t)
                .returns(t)
                .addParameter(t, "value")
                .addParameter(String.class, "system")
                .addParameter(String.class, "what")
                .beginControlFlow("if (value == null)")
                .addStatement("throw new $T($S + system + $S + what + $S)", IllegalStateException.class, "system ",
                        " returned null for a non-nullable ", "; return a value or declare the type @Nullable")
                .endControlFlow()
                .addStatement("return value")
                .build();
    }

    // ---------------------------------------------------------------- members

    /** The helper {@code verb}s {@code type}, generated on first use; its name is unique in the class. */
    private String helper(String verb, WireType type, Function<String, MethodSpec> body) {
        Object key = List.of(verb, type.withNullable(false));
        String existing = memberNames.get(key);
        if (existing != null) {
            return existing;
        }
        String name = members.newName(verb + WireTypes.shapeName(type, typeNames), key);
        memberNames.put(key, name);
        helpers.put(name, body.apply(name));
        return name;
    }

    /** The constant caching an enum's {@code values()}, declared on first use. */
    private String enumConstants(WireType.EnumType type) {
        Object key = type.enumClass();
        String existing = memberNames.get(key);
        if (existing != null) {
            return existing;
        }
        String suggestion = RowGenerator.upperSnake(WireTypes.shapeName(type, typeNames)) + "_VALUES";
        String name = members.newName(suggestion, key);
        memberNames.put(key, name);
        enumConstants.put(name, FieldSpec.builder(ArrayTypeName.of(type.enumClass()), name, Modifier.PRIVATE,
                        Modifier.STATIC, Modifier.FINAL)
                .initializer("$T.values()", type.enumClass())
                .build());
        return name;
    }

    private static NameAllocator allocator(String... taken) {
        NameAllocator names = new NameAllocator();
        for (String name : taken) {
            names.newName(name);
        }
        return names;
    }
}
