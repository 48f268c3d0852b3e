package io.hetu.sdk.java;

import java.util.regex.Pattern;

/**
 * What the Java generator needs besides the manifest.
 *
 * @param packageName the Java package of every generated type (for example {@code com.mygame.client}); the files go
 *     to its folder under the output folder, which is a source root
 */
public record JavaOptions(String packageName) {

    private static final Pattern PACKAGE = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");

    public JavaOptions {
        if (packageName == null || !PACKAGE.matcher(packageName).matches()) {
            throw new IllegalArgumentException("Java SDK option packageName is '" + packageName + "'; expected a "
                    + "dotted Java package such as com.mygame.client");
        }
        for (String segment : packageName.split("\\.")) {
            if (JavaCode.isReserved(segment)) {
                throw new IllegalArgumentException("Java SDK option packageName is '" + packageName + "': '" + segment
                        + "' is a Java keyword, which no package name may contain; use for example " + segment + "_");
            }
        }
    }

    /** Whether {@code name} is a Java keyword or literal, which no segment of a package name may be. */
    public static boolean reserved(String name) {
        return JavaCode.isReserved(name);
    }

    /** The folder of the package, relative to the source root: {@code com/mygame/client}. */
    String folder() {
        return packageName.replace('.', '/');
    }
}
