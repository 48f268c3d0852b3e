package io.hetu.web;

import java.nio.file.Path;

/**
 * Builds a web folder that uses no generated SDK from a build's command line:
 * {@code WebBuild <web folder> <output folder> <fingerprint file>}. The server's build runs it
 * (through exec-maven-plugin, in Maven's JVM) to compile the admin console it serves, the same way
 * {@code hetu:web} compiles an app's client. Prints what it did; a compile error fails with every
 * diagnostic.
 */
public final class WebBuild {

    private WebBuild() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: WebBuild <web folder> <output folder> <fingerprint file>");
        }
        Path web = Path.of(args[0]);
        Path output = Path.of(args[1]);
        TypeScriptCompiler[] loaded = new TypeScriptCompiler[1];
        try {
            WebBuilder.Outcome outcome = new WebBuilder(() -> {
                System.out.println("[hetu-web] Loading the TypeScript compiler " + TypeScriptCompiler.bundledVersion());
                loaded[0] = TypeScriptCompiler.load();
                return loaded[0];
            }).build(web, null, output, Path.of(args[2]), warning -> System.out.println("[hetu-web] WARNING " + warning));
            System.out.println(outcome.upToDate() ? "[hetu-web] " + output + " is up to date"
                    : "[hetu-web] Built " + web + " into " + output + ": " + outcome.compiled() + " compiled file(s), "
                            + outcome.copied() + " copied");
        } catch (WebBuilder.WebBuildException e) {
            throw new IllegalStateException(e.getMessage(), e);
        } finally {
            if (loaded[0] != null) {
                loaded[0].close();
            }
        }
    }
}
