package io.hetu.maven;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.model.Plugin;
import org.apache.maven.model.PluginExecution;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.codehaus.plexus.util.xml.Xpp3Dom;

/**
 * Fails the build before it compiles when the sources use HeTu's annotations but maven-compiler-plugin would not run
 * the HeTu annotation processor, saying what to add ({@link ProcessorCheck}). Bound without a phase it runs in
 * {@code validate}.
 */
@Mojo(name = "check", defaultPhase = LifecyclePhase.VALIDATE, threadSafe = true)
public final class CheckMojo extends AbstractMojo {

    private static final String COMPILER = "maven-compiler-plugin";

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    /** The processor's version to show: the plugin's own. */
    @Parameter(defaultValue = "${plugin.version}", readonly = true, required = true)
    private String version;

    /** Skips the check. */
    @Parameter(property = "hetu.check.skip", defaultValue = "false")
    private boolean skip;

    @Override
    public void execute() throws MojoFailureException {
        if (skip) {
            return;
        }
        List<Path> roots = project.getCompileSourceRoots().stream().map(Path::of).toList();
        String problem = setup().problem(roots, version).orElse(null);
        if (problem != null) {
            throw new MojoFailureException(problem);
        }
    }

    /** The compiler's setup for the main sources: the plugin's configuration and that of its default-compile. */
    private ProcessorCheck setup() {
        List<String> paths = new ArrayList<>();
        List<String> args = new ArrayList<>();
        String proc = null;
        Plugin compiler = project.getBuildPlugins().stream().filter(p -> p.getArtifactId().equals(COMPILER))
                .findFirst().orElse(null);
        if (compiler != null) {
            List<Object> configurations = new ArrayList<>();
            configurations.add(compiler.getConfiguration());
            for (PluginExecution execution : compiler.getExecutions()) {
                if (execution.getId().equals("default-compile")) {
                    configurations.add(execution.getConfiguration());
                }
            }
            for (Object configuration : configurations) {
                if (!(configuration instanceof Xpp3Dom dom)) {
                    continue;
                }
                Xpp3Dom processorPaths = dom.getChild("annotationProcessorPaths");
                if (processorPaths != null) {
                    for (Xpp3Dom path : processorPaths.getChildren()) {
                        Xpp3Dom artifactId = path.getChild("artifactId");
                        if (artifactId != null && artifactId.getValue() != null) {
                            paths.add(artifactId.getValue().trim());
                        }
                    }
                }
                Xpp3Dom compilerArgs = dom.getChild("compilerArgs");
                if (compilerArgs != null) {
                    for (Xpp3Dom arg : compilerArgs.getChildren()) {
                        args.add(arg.getValue() == null ? "" : arg.getValue().trim());
                    }
                }
                Xpp3Dom compilerArgument = dom.getChild("compilerArgument");
                if (compilerArgument != null && compilerArgument.getValue() != null) {
                    args.addAll(List.of(compilerArgument.getValue().trim().split("\\s+")));
                }
                Xpp3Dom procSetting = dom.getChild("proc");
                if (procSetting != null && procSetting.getValue() != null) {
                    proc = procSetting.getValue().trim();
                }
            }
        }
        boolean onClassPath = project.getDependencies().stream()
                .anyMatch(d -> d.getArtifactId().equals(ProcessorCheck.PROCESSOR) && "io.hetu".equals(d.getGroupId()));
        return new ProcessorCheck(paths, args, proc, onClassPath);
    }
}
