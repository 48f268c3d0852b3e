package io.hetu.maven;

import io.hetu.server.cli.HetuCli;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.maven.artifact.DependencyResolutionRequiredException;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Execute;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.apache.maven.project.MavenProject;
import picocli.CommandLine;

/**
 * Serves the project with {@code hetu start} inside Maven's JVM until Ctrl-C: the app is the
 * compiled classes and the runtime classpath, the data lives under {@code target/}. Options not set
 * here fall back to {@code config}, the {@code HETU_*} environment and the runtime's defaults, as
 * docs/CONFIGURATION.md describes.
 */
@Mojo(name = "run", requiresDependencyResolution = ResolutionScope.RUNTIME)
@Execute(phase = LifecyclePhase.PROCESS_CLASSES)
public final class RunMojo extends AbstractMojo {

    /**
     * Where data lives, {@code embedded:<dir>}. By default {@code embedded:target/hetu-data}, unless
     * {@code config} is set, which then decides.
     */
    @Parameter(property = "hetu.db")
    private String db;

    /** The port to listen on (the runtime's default is 2466). */
    @Parameter(property = "hetu.port")
    private Integer port;

    /** The address to listen on (the runtime's default is 0.0.0.0). */
    @Parameter(property = "hetu.host")
    private String host;

    /** {@code always}, {@code everysec} or {@code no} (the runtime's default is always). */
    @Parameter(property = "hetu.fsync")
    private String fsync;

    /** A YAML file of start settings (docs/CONFIGURATION.md); the parameters here win over it. */
    @Parameter(property = "hetu.config")
    private File config;

    /** Serve only this namespace's systems. */
    @Parameter(property = "hetu.namespace")
    private String namespace;

    /** This server's name, in logs. */
    @Parameter(property = "hetu.instance")
    private String instance;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    @Override
    public void execute() throws MojoExecutionException {
        List<String> app;
        try {
            app = project.getRuntimeClasspathElements();
        } catch (DependencyResolutionRequiredException e) {
            throw new MojoExecutionException("Cannot resolve the project's runtime classpath: " + e.getMessage(), e);
        }
        String data = db == null && config == null
                ? "embedded:" + new File(project.getBuild().getDirectory(), "hetu-data").getAbsolutePath()
                : db;
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("--app", String.join(File.pathSeparator, app));
        options.put("--db", data);
        options.put("--host", host);
        options.put("--port", port);
        options.put("--fsync", fsync);
        options.put("--config", config == null ? null : config.getAbsolutePath());
        options.put("--namespace", namespace);
        options.put("--instance", instance);
        List<String> arguments = startArguments(options);
        getLog().debug("hetu " + String.join(" ", arguments));
        int exit = new CommandLine(new HetuCli()).execute(arguments.toArray(String[]::new));
        if (exit != 0) {
            throw new MojoExecutionException("hetu start stopped with exit code " + exit + "; its reason is above");
        }
    }

    /** {@code start} followed by each option that has a value. */
    static List<String> startArguments(Map<String, ?> options) {
        List<String> arguments = new ArrayList<>(List.of("start"));
        options.forEach((option, value) -> {
            if (value != null) {
                arguments.add(option);
                arguments.add(value.toString());
            }
        });
        return arguments;
    }
}
