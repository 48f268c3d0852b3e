package io.hetu.processor.model;

import com.palantir.javapoet.ClassName;
import java.util.Comparator;
import java.util.List;

/**
 * The systems and hooks of one Java package, served by one generated dispatcher. Their order is
 * fixed (namespace, then name; hooks, which have no namespace, first) and a system's position in
 * it is the index the dispatcher switches on.
 *
 * @param dispatcherClass the generated class
 * @param systems the systems in index order
 */
public record DispatcherModel(ClassName dispatcherClass, List<SystemModel> systems) {

    private static final Comparator<SystemModel> ORDER = Comparator.comparing(SystemModel::namespace)
            .thenComparing(SystemModel::name)
            .thenComparing(SystemModel::hook)
            .thenComparing(s -> s.declaringClass().canonicalName());

    public DispatcherModel {
        systems = systems.stream().sorted(ORDER).toList();
    }

    /** The dispatcher of the package {@code packageName}. */
    public static DispatcherModel of(String packageName, List<SystemModel> systems) {
        return new DispatcherModel(ClassName.get(packageName, SystemModel.DISPATCHER), systems);
    }

    public int indexOf(SystemModel system) {
        return systems.indexOf(system);
    }
}
