package io.hetu.sdk.typescript;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the generated npm package is called.
 *
 * @param packageName the npm package name, for example {@code my-game-client} or {@code @studio/my-game-client}
 * @param version the package version, a semantic version such as {@code 1.0.0}
 */
public record TypeScriptOptions(String packageName, String version) {

    private static final Pattern NPM_NAME = Pattern.compile("(@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*");
    private static final Pattern SEMVER = Pattern.compile(
            "(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?");

    public TypeScriptOptions {
        Objects.requireNonNull(packageName, "packageName");
        Objects.requireNonNull(version, "version");
        if (packageName.length() > 214 || !NPM_NAME.matcher(packageName).matches()) {
            throw new IllegalArgumentException("npm package name '" + packageName + "' is not valid: use lower-case "
                    + "letters, digits, '-', '.', '_' or '~', optionally scoped as @scope/name");
        }
        if (!SEMVER.matcher(version).matches()) {
            throw new IllegalArgumentException("package version '" + version
                    + "' is not a semantic version such as 1.0.0 or 1.0.0-beta.1");
        }
    }
}
