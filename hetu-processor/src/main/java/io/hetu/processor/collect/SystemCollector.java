package io.hetu.processor.collect;

import static io.hetu.processor.collect.Annotations.mirror;

import com.palantir.javapoet.ClassName;
import io.hetu.annotations.GameSystem;
import io.hetu.annotations.OnConnect;
import io.hetu.annotations.OnDisconnect;
import io.hetu.annotations.OnServerStart;
import io.hetu.annotations.Permission;
import io.hetu.annotations.RateLimit;
import io.hetu.annotations.Tick;
import io.hetu.processor.ErrorCode;
import io.hetu.processor.model.SystemHook;
import io.hetu.processor.model.SystemModel;
import io.hetu.processor.model.WireType;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Types;

/**
 * Reads a method annotated {@code @GameSystem}, {@code @OnServerStart}, {@code @OnConnect},
 * {@code @OnDisconnect} or {@code @Tick} into a validated {@link SystemModel}. Every problem is reported on the
 * method or the parameter that causes it, and checking goes on so that one compilation shows them
 * all; a method with any error yields no model.
 */
public final class SystemCollector {

    /** The first parameter of every system, recognised by name: the processor does not depend on the runtime. */
    public static final String CONTEXT = "io.hetu.system.SystemContext";

    /** The annotations that make a method a system or a lifecycle hook, and which hook each means. */
    public static final Map<Class<? extends Annotation>, SystemHook> ANNOTATIONS = orderedAnnotations();

    private final ErrorReporter reporter;
    private final Types types;
    private final TypeMirror uncheckedException;
    private final TypeMirror error;
    private final WireTypeResolver resolver;

    public SystemCollector(ProcessingEnvironment env) {
        this.reporter = new ErrorReporter(env.getMessager());
        this.types = env.getTypeUtils();
        this.uncheckedException = env.getElementUtils().getTypeElement("java.lang.RuntimeException").asType();
        this.error = env.getElementUtils().getTypeElement("java.lang.Error").asType();
        this.resolver = new WireTypeResolver(env.getElementUtils(), types);
    }

    private static Map<Class<? extends Annotation>, SystemHook> orderedAnnotations() {
        Map<Class<? extends Annotation>, SystemHook> annotations = new LinkedHashMap<>();
        annotations.put(GameSystem.class, SystemHook.CALL);
        annotations.put(OnServerStart.class, SystemHook.ON_SERVER_START);
        annotations.put(OnConnect.class, SystemHook.ON_CONNECT);
        annotations.put(OnDisconnect.class, SystemHook.ON_DISCONNECT);
        annotations.put(Tick.class, SystemHook.TICK);
        return annotations;
    }

    /**
     * Whether the method's signature names a type that does not exist yet, such as a row
     * flyweight generated in this round: it is collected in a later round, when the type exists.
     */
    public static boolean unresolved(ExecutableElement method) {
        return Stream.of(method.getParameters().stream().map(Element::asType), Stream.of(method.getReturnType()),
                        method.getThrownTypes().stream())
                .flatMap(s -> s)
                .anyMatch(WireTypeResolver::unresolved);
    }

    /** The validated model of the system or hook declared by {@code method}, or empty after errors. */
    public Optional<SystemModel> collect(ExecutableElement method) {
        int errorsBefore = reporter.count();
        List<Class<? extends Annotation>> marks = ANNOTATIONS.keySet().stream()
                .filter(a -> method.getAnnotation(a) != null)
                .toList();
        Class<? extends Annotation> annotation = marks.getFirst();
        SystemHook hook = ANNOTATIONS.get(annotation);
        String name = method.getSimpleName().toString();
        String label = hook == SystemHook.CALL ? "system " + name
                : "lifecycle hook " + name + " (@" + annotation.getSimpleName() + ")";
        if (marks.size() > 1) {
            error(ErrorCode.SEVERAL_SYSTEM_ANNOTATIONS, method, mirror(method, marks.get(1)), "method " + name
                    + " has both @" + annotation.getSimpleName() + " and @" + marks.get(1).getSimpleName()
                    + "; a method is one system or one lifecycle hook, so keep one annotation (a hook can call "
                    + "a system's method to share code)");
        }
        checkShape(method, label);

        String namespace = "";
        Permission permission = Permission.NONE;
        int retry;
        if (hook == SystemHook.CALL) {
            GameSystem system = method.getAnnotation(GameSystem.class);
            namespace = system.namespace();
            permission = system.permission();
            retry = system.retry();
            checkNamespaceAndPermission(method, label, namespace, permission);
        } else {
            retry = switch (hook) {
                case ON_SERVER_START -> method.getAnnotation(OnServerStart.class).retry();
                case ON_CONNECT -> method.getAnnotation(OnConnect.class).retry();
                case TICK -> method.getAnnotation(Tick.class).retry();
                default -> method.getAnnotation(OnDisconnect.class).retry();
            };
        }
        long tickNanos = hook == SystemHook.TICK ? tickNanos(method, label) : 0;
        SystemModel.Limit limit = limit(method, label, hook);
        if (retry < 0) {
            error(ErrorCode.NEGATIVE_RETRY, method, mirror(method, annotation), label + " has retry = " + retry
                    + "; retry counts the extra attempts after a conflict, so use 0 (run once) or more");
        }

        List<? extends VariableElement> parameters = method.getParameters();
        checkContext(method, label, parameters);
        String packageName = resolver.packageOf(method);
        List<WireType.Named> params = new ArrayList<>();
        WireType returns = new WireType.VoidType();
        if (hook == SystemHook.CALL) {
            for (VariableElement parameter : parameters.subList(Math.min(1, parameters.size()), parameters.size())) {
                String subject = "parameter '" + parameter.getSimpleName() + "' of " + label;
                WireType type = resolver.resolve(parameter.asType(), Annotations.declaresNullable(parameter),
                        subject, packageName, (code, message) -> error(code, parameter, null, message));
                params.add(new WireType.Named(parameter.getSimpleName().toString(), type));
            }
            if (method.getReturnType().getKind() != TypeKind.VOID) {
                returns = resolver.resolve(method.getReturnType(), Annotations.declaresNullable(method),
                        "the result of " + label, packageName, (code, message) -> error(code, method, null, message));
            }
        } else {
            checkHookSignature(method, label, parameters);
        }

        if (reporter.count() != errorsBefore) {
            return Optional.empty();
        }
        TypeElement declaring = (TypeElement) method.getEnclosingElement();
        return Optional.of(new SystemModel(method, ClassName.get(declaring), name, namespace, permission, retry,
                hook, params, returns, tickNanos, limit,
                hook == SystemHook.CALL && method.getAnnotation(GameSystem.class).idempotent()));
    }

    /** The {@code @RateLimit} of a system clients call, or null (after an error too). */
    private SystemModel.Limit limit(ExecutableElement method, String label, SystemHook hook) {
        RateLimit limit = method.getAnnotation(RateLimit.class);
        if (limit == null) {
            return null;
        }
        AnnotationMirror annotation = mirror(method, RateLimit.class);
        if (hook != SystemHook.CALL) {
            error(ErrorCode.BAD_RATE_LIMIT, method, annotation, label + " has @RateLimit, but only clients' calls "
                    + "are limited and clients never call a hook or tick; remove it");
            return null;
        }
        if (!(limit.perSecond() > 0) || limit.perSecond() > 10_000) {
            error(ErrorCode.BAD_RATE_LIMIT, method, annotation, label + " has @RateLimit(perSecond = "
                    + limit.perSecond() + "); give more than 0 and at most 10000 calls a second");
            return null;
        }
        if (limit.burst() < 0) {
            error(ErrorCode.BAD_RATE_LIMIT, method, annotation, label + " has @RateLimit(burst = " + limit.burst()
                    + "); a burst counts calls, so give 1 or more (or 0 for perSecond rounded up)");
            return null;
        }
        int burst = limit.burst() != 0 ? limit.burst() : (int) Math.max(1, Math.ceil(limit.perSecond()));
        return new SystemModel.Limit(limit.perSecond(), burst, limit.perUser());
    }

    /** The period a {@code @Tick} declares, in nanoseconds, or 0 after an error. */
    private long tickNanos(ExecutableElement method, String label) {
        Tick tick = method.getAnnotation(Tick.class);
        AnnotationMirror annotation = mirror(method, Tick.class);
        boolean hz = tick.hz() != 0;
        boolean period = tick.periodMillis() != 0;
        if (hz == period) {
            error(ErrorCode.TICK_RATE, method, annotation, label + (hz ? " gives both hz and periodMillis"
                    : " gives neither hz nor periodMillis") + "; give one, such as @Tick(hz = 20) or "
                    + "@Tick(periodMillis = 1000)");
            return 0;
        }
        if (hz && (tick.hz() < 1 || tick.hz() > 1000)) {
            error(ErrorCode.TICK_RATE, method, annotation, label + " has hz = " + tick.hz() + "; a tick runs from 1 "
                    + "to 1000 times a second (for slower ticks give periodMillis)");
            return 0;
        }
        if (period && tick.periodMillis() < 1) {
            error(ErrorCode.TICK_RATE, method, annotation, label + " has periodMillis = " + tick.periodMillis()
                    + "; the period is at least 1 ms");
            return 0;
        }
        return hz ? 1_000_000_000L / tick.hz() : java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(
                tick.periodMillis());
    }

    private void checkShape(ExecutableElement method, String label) {
        if (!method.getModifiers().contains(Modifier.STATIC)) {
            error(ErrorCode.SYSTEM_NOT_STATIC, method, null, label + " is not static; the generated dispatcher "
                    + "calls systems without an instance, so declare it 'static'");
        }
        String hidden = null;
        if (method.getModifiers().contains(Modifier.PRIVATE)) {
            hidden = "it is private";
        }
        for (Element e = method.getEnclosingElement(); hidden == null && e instanceof TypeElement type;
                e = e.getEnclosingElement()) {
            if (type.getModifiers().contains(Modifier.PRIVATE)) {
                hidden = "its class " + type.getSimpleName() + " is private";
            } else if (type.getNestingKind() == NestingKind.LOCAL || type.getNestingKind() == NestingKind.ANONYMOUS) {
                hidden = "it is declared in a local or anonymous class";
            }
        }
        if (hidden != null) {
            error(ErrorCode.SYSTEM_INACCESSIBLE, method, null, label + " cannot be called by the dispatcher "
                    + "generated in its package because " + hidden + "; make it (and the classes around it) "
                    + "package-private or public");
        }
        if (!method.getTypeParameters().isEmpty()) {
            error(ErrorCode.GENERIC_SYSTEM, method, null, label + " declares type parameters " + method
                    .getTypeParameters().stream().map(Object::toString).collect(Collectors.joining(", ", "<", ">"))
                    + "; arguments are decoded into concrete types, so remove them");
        }
        for (TypeMirror thrown : method.getThrownTypes()) {
            if (!types.isSubtype(thrown, uncheckedException) && !types.isSubtype(thrown, error)) {
                error(ErrorCode.SYSTEM_THROWS_CHECKED, method, null, label + " declares 'throws " + thrown
                        + "', a checked exception the dispatcher cannot pass on; handle it inside, or throw "
                        + "ctx.reject(\"CODE\", \"message\") or an unchecked exception");
            }
        }
    }

    private void checkNamespaceAndPermission(ExecutableElement method, String label, String namespace,
            Permission permission) {
        AnnotationMirror annotation = mirror(method, GameSystem.class);
        if (!ComponentCollector.NAMESPACE.matcher(namespace).matches()) {
            error(ErrorCode.SYSTEM_INVALID_NAMESPACE, method, annotation, "namespace '" + namespace + "' of " + label
                    + " is not valid; use a letter followed by letters, digits or underscores, at most 64 "
                    + "characters, such as \"game\"");
        }
        if (permission == Permission.OWNER || permission == Permission.RLS) {
            error(ErrorCode.SYSTEM_PERMISSION, method, annotation, label + " has permission " + permission
                    + ", which applies only to the rows of components; a system takes EVERYBODY, USER, ADMIN or "
                    + "NONE (and can compare ctx.caller() or ctx.session(...) with a row itself)");
        }
    }

    private void checkContext(ExecutableElement method, String label, List<? extends VariableElement> parameters) {
        String usage = "'static " + method.getReturnType() + " " + method.getSimpleName() + "(SystemContext ctx, ...)'";
        if (parameters.isEmpty()) {
            error(ErrorCode.MISSING_CONTEXT, method, null, label + " has no parameters, but the first must be the "
                    + "SystemContext (" + CONTEXT + "); declare it as " + usage);
        } else if (!isContext(parameters.getFirst().asType())) {
            VariableElement first = parameters.getFirst();
            error(ErrorCode.MISSING_CONTEXT, first, null, "the first parameter of " + label + " is '" + first.asType()
                    + " " + first.getSimpleName() + "', but it must be the SystemContext (" + CONTEXT + "); add "
                    + "'SystemContext ctx' before the other parameters");
        }
    }

    private void checkHookSignature(ExecutableElement method, String label,
            List<? extends VariableElement> parameters) {
        for (VariableElement extra : parameters.subList(Math.min(1, parameters.size()), parameters.size())) {
            error(ErrorCode.HOOK_WITH_PARAMETERS, extra, null, label + " takes only the SystemContext, but declares "
                    + "parameter '" + extra.getSimpleName() + "'; a hook receives no arguments, so read what it "
                    + "needs from the context or the database");
        }
        if (method.getReturnType().getKind() != TypeKind.VOID) {
            error(ErrorCode.HOOK_WITH_RESULT, method, null, label + " returns " + method.getReturnType()
                    + ", but nobody receives a hook's result; make it void");
        }
    }

    private static boolean isContext(TypeMirror type) {
        return type instanceof DeclaredType declared
                && ((TypeElement) declared.asElement()).getQualifiedName().contentEquals(CONTEXT);
    }

    private void error(ErrorCode code, Element element, AnnotationMirror annotation, String message) {
        reporter.error(code, element, annotation, message);
    }
}
