package io.hetu.sdk.csharp;

import java.util.regex.Pattern;

/**
 * What the C# generator needs besides the manifest.
 *
 * @param namespace the C# namespace of every generated type, also the assembly definition's name
 *     (for example {@code MyGame.Net})
 * @param packageName the Unity package name, reverse-domain and lower-case (for example
 *     {@code com.mygame.hetu-client})
 * @param version the package version, semantic versioning (for example {@code 1.2.0})
 */
public record CSharpOptions(String namespace, String packageName, String version) {

    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");
    private static final Pattern PACKAGE = Pattern.compile("[a-z0-9][a-z0-9_-]*(\\.[a-z0-9][a-z0-9_-]*)+");
    private static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+\\.\\d+([-+][0-9A-Za-z.-]+)?");

    public CSharpOptions {
        require(namespace, NAMESPACE, "namespace", "a dotted C# namespace such as MyGame.Net");
        require(packageName, PACKAGE, "packageName", "a lower-case reverse-domain name such as com.mygame.hetu-client");
        require(version, VERSION, "version", "a semantic version such as 1.2.0");
    }

    private static void require(String value, Pattern pattern, String what, String expected) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new IllegalArgumentException("C# SDK option " + what + " is '" + value + "'; expected " + expected);
        }
    }
}
