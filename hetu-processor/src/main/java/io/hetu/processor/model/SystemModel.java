package io.hetu.processor.model;

import com.palantir.javapoet.ClassName;
import io.hetu.annotations.Permission;
import java.util.List;
import javax.lang.model.element.ExecutableElement;

/**
 * One validated system or lifecycle hook: everything the dispatcher generator and the manifest
 * writer need.
 *
 * @param element the method, for diagnostics and as the generated dispatcher's origin
 * @param declaringClass the class that declares the method
 * @param name the system's name: the method name
 * @param namespace the owning namespace; empty for a lifecycle hook, which belongs to none
 * @param permission who may call it ({@code NONE} for a hook: clients never call hooks)
 * @param retry how many more times a conflicting call runs
 * @param hook when it runs
 * @param params the parameters after the context, in declaration order
 * @param returns the result type ({@link WireType.VoidType} for {@code void})
 * @param tickNanos for a tick, the time between runs in nanoseconds; 0 for others
 * @param limit the system's {@code @RateLimit}, or null
 * @param idempotent {@code @GameSystem(idempotent = true)}: its outcomes are not remembered
 */
public record SystemModel(
        ExecutableElement element,
        ClassName declaringClass,
        String name,
        String namespace,
        Permission permission,
        int retry,
        SystemHook hook,
        List<WireType.Named> params,
        WireType returns,
        long tickNanos,
        Limit limit,
        boolean idempotent) {

    /** A {@code @RateLimit}: calls a second, burst, and whether counted per user. */
    public record Limit(double perSecond, int burst, boolean perUser) {}

    /** The simple name of the dispatcher generated in each package that declares systems. */
    public static final String DISPATCHER = "HetuSystems";

    public SystemModel {
        params = List.copyOf(params);
    }
}
