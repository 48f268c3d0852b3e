package io.hetu.maven;

import io.hetu.web.TypeScriptCompiler;
import io.hetu.web.WebBuilder;
import java.io.File;
import java.io.IOException;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Builds the app's browser client into the app itself, where the server serves it at {@code /}: the
 * TypeScript files under {@code src/main/web} are type-checked against the generated TypeScript SDK
 * (mounted as {@code sdk/}, imported as {@code './sdk/index.js'}) and compiled to JavaScript modules;
 * HTML, CSS and other files are copied. The compiler is TypeScript's own, run inside Maven's JVM:
 * no Node.js is needed.
 *
 * <p>Bound without a phase it runs in {@code process-classes}; declare it after {@code generate},
 * which writes the SDK in the same phase. Without a web folder it does nothing.
 */
@Mojo(name = "web", defaultPhase = LifecyclePhase.PROCESS_CLASSES, threadSafe = true)
public final class WebMojo extends AbstractMojo {

    /** The client's sources. */
    @Parameter(property = "hetu.webSources", defaultValue = "${project.basedir}/src/main/web", required = true)
    private File webSources;

    /** The TypeScript SDK that hetu:generate wrote (its {@code src} folder is compiled with the client). */
    @Parameter(property = "hetu.typescriptOutput", defaultValue = "${project.build.directory}/hetu-sdk/typescript",
            required = true)
    private File typescriptOutput;

    /** Where the built client goes: inside the app's classes, which the server serves from. */
    @Parameter(property = "hetu.webOutput", defaultValue = "${project.build.outputDirectory}/META-INF/hetu/web",
            required = true)
    private File webOutput;

    /** Records what was built last, so that an unchanged client is not compiled again. */
    @Parameter(defaultValue = "${project.build.directory}/hetu-web.fingerprint", readonly = true, required = true)
    private File fingerprint;

    /** Skips the goal. */
    @Parameter(property = "hetu.web.skip", defaultValue = "false")
    private boolean skip;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Skipping the web client (hetu.web.skip)");
            return;
        }
        if (!webSources.isDirectory()) {
            getLog().info("No web client: " + webSources + " does not exist");
            return;
        }
        File sdk = new File(typescriptOutput, "src");
        TypeScriptCompiler[] loaded = new TypeScriptCompiler[1];
        try {
            WebBuilder.Outcome outcome = new WebBuilder(() -> {
                getLog().info("Loading the TypeScript compiler " + TypeScriptCompiler.bundledVersion());
                loaded[0] = TypeScriptCompiler.load();
                return loaded[0];
            }).build(webSources.toPath(), sdk.toPath(), webOutput.toPath(), fingerprint.toPath(), getLog()::warn);
            if (outcome.upToDate()) {
                getLog().info("Web client up to date in " + webOutput);
            } else {
                getLog().info("Web client built into " + webOutput + ": " + outcome.compiled()
                        + " compiled file(s), " + outcome.copied() + " copied");
            }
        } catch (WebBuilder.WebBuildException e) {
            throw new MojoFailureException(e.getMessage());
        } catch (IOException e) {
            throw new MojoExecutionException("Cannot build the web client: " + e.getMessage(), e);
        } finally {
            if (loaded[0] != null) {
                loaded[0].close();
            }
        }
    }
}
