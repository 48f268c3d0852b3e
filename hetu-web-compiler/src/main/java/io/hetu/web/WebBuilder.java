package io.hetu.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Builds an app's browser client: the TypeScript files of a web folder are type-checked together
 * with the generated TypeScript SDK and compiled to JavaScript modules; every other file (HTML, CSS,
 * images) is copied as it is. The SDK is mounted at {@code sdk/} beside the client's sources, so the
 * client imports it as {@code './sdk/index.js'}, and it is compiled to {@code sdk/} in the output.
 *
 * <p>The output folder belongs to the builder: it is emptied first. A fingerprint of every input
 * and of the compiler's version skips the work when nothing changed since the last build.
 */
public final class WebBuilder {

    /** Where the generated SDK appears to the client's sources and in the output. */
    public static final String SDK_FOLDER = "sdk";

    private static final String ROOT = "/app";
    private static final String OUT = "/out";

    /** Why the client could not be built: every diagnostic, or what was wrong with the folders. */
    public static final class WebBuildException extends Exception {
        public WebBuildException(String message) {
            super(message);
        }
    }

    /** What a build did. */
    public record Outcome(boolean upToDate, int compiled, int copied) {}

    private final Supplier<TypeScriptCompiler> compilers;

    /** @param compilers gives the compiler when a build needs one (loading it takes seconds) */
    public WebBuilder(Supplier<TypeScriptCompiler> compilers) {
        this.compilers = compilers;
    }

    /**
     * @param web the client's sources
     * @param sdkSources the generated SDK's {@code src} folder, or null when the client does not use one
     * @param output where the built client goes
     * @param fingerprint a file that records what was built last
     * @param warnings receives the compiler's warnings, formatted
     */
    public Outcome build(Path web, Path sdkSources, Path output, Path fingerprint, Consumer<String> warnings)
            throws WebBuildException, IOException {
        if (!Files.isDirectory(web)) {
            throw new WebBuildException("the web client folder " + web + " does not exist");
        }
        Map<String, Path> inputs = new TreeMap<>();
        for (Path file : files(web)) {
            String relative = relative(web, file);
            if (relative.equals(SDK_FOLDER) || relative.startsWith(SDK_FOLDER + "/")) {
                throw new WebBuildException(file + ": the folder " + web.resolve(SDK_FOLDER) + " is where the "
                        + "generated SDK is mounted; move the client's own files out of it");
            }
            inputs.put(relative, file);
        }
        if (!inputs.containsKey("index.html")) {
            warnings.accept(web + " has no index.html: the server's / will answer 404");
        }
        if (sdkSources != null) {
            if (!Files.isDirectory(sdkSources)) {
                throw new WebBuildException("the generated TypeScript SDK is missing at " + sdkSources
                        + "; run hetu:generate with the typescript target before hetu:web");
            }
            for (Path file : files(sdkSources)) {
                inputs.put(SDK_FOLDER + "/" + relative(sdkSources, file), file);
            }
        }

        Map<String, String> sources = new LinkedHashMap<>();
        Map<String, Path> copies = new LinkedHashMap<>();
        for (var input : inputs.entrySet()) {
            if (input.getKey().endsWith(".ts")) {
                sources.put(ROOT + "/" + input.getKey(), Files.readString(input.getValue(), StandardCharsets.UTF_8));
            } else if (!input.getKey().startsWith(SDK_FOLDER + "/")) {
                copies.put(input.getKey(), input.getValue());
            }
        }

        String stamp = fingerprint(TypeScriptCompiler.bundledVersion(), inputs);
        if (Files.isDirectory(output) && Files.isRegularFile(fingerprint)
                && Files.readString(fingerprint, StandardCharsets.UTF_8).equals(stamp)) {
            return new Outcome(true, 0, 0);
        }
        TypeScriptCompiler compiler = sources.isEmpty() ? null : compilers.get();

        Map<String, String> outputs = Map.of();
        if (compiler != null) {
            TypeScriptCompiler.Result result = compiler.compile(sources, ROOT, OUT);
            List<String> errors = new ArrayList<>();
            for (TypeScriptCompiler.Diagnostic diagnostic : result.diagnostics()) {
                String message = located(diagnostic, inputs);
                if (diagnostic.error()) {
                    errors.add(message);
                } else {
                    warnings.accept(message);
                }
            }
            if (!errors.isEmpty()) {
                throw new WebBuildException("the web client does not compile (" + errors.size() + " error"
                        + (errors.size() == 1 ? "" : "s") + "):\n  " + String.join("\n  ", errors));
            }
            outputs = result.outputs();
        }

        clear(output);
        for (var emitted : outputs.entrySet()) {
            if (!emitted.getKey().startsWith(OUT + "/")) {
                throw new IllegalStateException("the compiler wrote outside its output folder: " + emitted.getKey());
            }
            Path target = output.resolve(emitted.getKey().substring(OUT.length() + 1));
            Files.createDirectories(target.getParent());
            Files.writeString(target, emitted.getValue(), StandardCharsets.UTF_8);
        }
        for (var copy : copies.entrySet()) {
            Path target = output.resolve(copy.getKey());
            Files.createDirectories(target.getParent());
            Files.copy(copy.getValue(), target);
        }
        Files.createDirectories(fingerprint.getParent());
        Files.writeString(fingerprint, stamp, StandardCharsets.UTF_8);
        return new Outcome(false, outputs.size(), copies.size());
    }

    /** The diagnostic with its virtual path replaced by the real file's. */
    private static String located(TypeScriptCompiler.Diagnostic diagnostic, Map<String, Path> inputs) {
        String file = diagnostic.file();
        if (file.startsWith(ROOT + "/")) {
            Path real = inputs.get(file.substring(ROOT.length() + 1));
            if (real != null) {
                file = real.toString();
            }
        }
        return new TypeScriptCompiler.Diagnostic(file, diagnostic.line(), diagnostic.column(), diagnostic.code(),
                diagnostic.error(), diagnostic.message()).format();
    }

    private static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static String relative(Path folder, Path file) {
        return folder.relativize(file).toString().replace('\\', '/');
    }

    private static void clear(Path output) throws IOException {
        if (Files.exists(output)) {
            try (Stream<Path> walk = Files.walk(output)) {
                for (Path path : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                    Files.delete(path);
                }
            }
        }
        Files.createDirectories(output);
    }

    private static String fingerprint(String compilerVersion, Map<String, Path> inputs) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        digest.update(("typescript " + compilerVersion + "\n").getBytes(StandardCharsets.UTF_8));
        for (var input : inputs.entrySet()) {
            byte[] content = Files.readAllBytes(input.getValue());
            digest.update((input.getKey() + "\n" + content.length + "\n").getBytes(StandardCharsets.UTF_8));
            digest.update(content);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
