package io.hetu.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;

/**
 * The TypeScript compiler itself ({@code typescript.js} from the TypeScript npm package, as
 * published on Maven Central as a WebJar), run in the JVM by GraalJS: a Maven build type-checks and
 * compiles a browser client without Node.js on the machine.
 *
 * <p>A program is compiled in memory: sources by virtual absolute path (under one root folder) in,
 * JavaScript and source maps under an output folder out, with every diagnostic. Loading the
 * compiler takes seconds, so one instance should compile many programs; it is not thread-safe.
 */
public final class TypeScriptCompiler implements AutoCloseable {

    private static final String WEBJAR_PROPERTIES = "META-INF/maven/org.webjars.npm/typescript/pom.properties";

    /** One problem the compiler found; {@code line} and {@code column} count from 1 (0: no position). */
    public record Diagnostic(String file, int line, int column, int code, boolean error, String message) {

        /** {@code file(line,column): error TS2322: message}, as tsc prints it. */
        public String format() {
            String where = file.isEmpty() ? "" : file + (line > 0 ? "(" + line + "," + column + ")" : "") + ": ";
            return where + (error ? "error" : "warning") + " TS" + code + ": " + message;
        }
    }

    /** What a compilation produced: outputs by virtual path (none when there are errors) and diagnostics. */
    public record Result(Map<String, String> outputs, List<Diagnostic> diagnostics) {

        public boolean failed() {
            return diagnostics.stream().anyMatch(Diagnostic::error);
        }
    }

    private final String version;
    private final String libFolder;
    private final Engine engine;
    private final Context context;
    private final Value compile;

    private TypeScriptCompiler(String version, Engine engine, Context context, Value compile) {
        this.version = version;
        this.libFolder = "META-INF/resources/webjars/typescript/" + version + "/lib/";
        this.engine = engine;
        this.context = context;
        this.compile = compile;
    }

    /** Loads the compiler (a few seconds). */
    public static TypeScriptCompiler load() {
        ClassLoader loader = TypeScriptCompiler.class.getClassLoader();
        String version = webJarVersion(loader);
        String compiler = resource(loader, "META-INF/resources/webjars/typescript/" + version + "/lib/typescript.js");
        String glue = resource(loader, "io/hetu/web/compile.js");
        // The JVM running Maven has no Graal compiler: the interpreter is fast enough for a build and
        // its warning about that is noise here.
        // Truffle finds the JavaScript language through the context class loader: inside a Maven
        // plugin that must be the plugin's own.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        Engine engine = null;
        Context context = null;
        try {
            engine = Engine.newBuilder("js").option("engine.WarnInterpreterOnly", "false").build();
            context = Context.newBuilder("js").engine(engine).allowHostAccess(HostAccess.NONE).build();
            context.eval(Source.newBuilder("js", compiler, "typescript.js").buildLiteral());
            Value compile = context.eval(Source.newBuilder("js", glue, "compile.js").buildLiteral());
            return new TypeScriptCompiler(version, engine, context, compile);
        } catch (RuntimeException e) {
            if (context != null) {
                context.close();
            }
            if (engine != null) {
                engine.close();
            }
            throw e;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** The TypeScript version, such as 5.9.3. */
    public String version() {
        return version;
    }

    /**
     * Type-checks and compiles the {@code .ts} files among {@code sources} (the other files may be
     * imported, such as {@code .d.ts}), each keyed by an absolute virtual path under {@code rootDir};
     * outputs are keyed by their path under {@code outDir}.
     */
    public Result compile(Map<String, String> sources, String rootDir, String outDir) {
        Value files = context.eval("js", "({})");
        sources.forEach(files::putMember);
        ProxyExecutable readLib = arguments -> {
            String name = arguments[0].asString();
            if (name.contains("/") || name.contains("..")) {
                return null;
            }
            try {
                return resource(TypeScriptCompiler.class.getClassLoader(), libFolder + name);
            } catch (UncheckedIOException e) {
                return null;
            }
        };
        Value result;
        try {
            result = compile.execute(files, readLib, rootDir, outDir);
        } catch (PolyglotException e) {
            throw new IllegalStateException("the TypeScript compiler failed: " + e.getMessage(), e);
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        Value emitted = result.getMember("outputs");
        for (String key : emitted.getMemberKeys()) {
            outputs.put(key, emitted.getMember(key).asString());
        }
        List<Diagnostic> diagnostics = new ArrayList<>();
        Value found = result.getMember("diagnostics");
        for (long i = 0; i < found.getArraySize(); i++) {
            Value d = found.getArrayElement(i);
            diagnostics.add(new Diagnostic(d.getMember("file").asString(), d.getMember("line").asInt(),
                    d.getMember("column").asInt(), d.getMember("code").asInt(), d.getMember("error").asBoolean(),
                    d.getMember("message").asString()));
        }
        return new Result(outputs, diagnostics);
    }

    @Override
    public void close() {
        context.close();
        engine.close();
    }

    /** The version of the TypeScript compiler this plugin carries, without loading it. */
    public static String bundledVersion() {
        return webJarVersion(TypeScriptCompiler.class.getClassLoader());
    }

    private static String webJarVersion(ClassLoader loader) {
        try (InputStream in = loader.getResourceAsStream(WEBJAR_PROPERTIES)) {
            if (in == null) {
                throw new IllegalStateException("the TypeScript compiler (org.webjars.npm:typescript) is not on the "
                        + "plugin's class path");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String resource(ClassLoader loader, String name) {
        try (InputStream in = loader.getResourceAsStream(name)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("missing resource " + name));
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
