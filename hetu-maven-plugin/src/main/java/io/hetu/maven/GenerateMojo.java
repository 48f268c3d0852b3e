package io.hetu.maven;

import io.hetu.manifest.SchemaManifest;
import io.hetu.sdk.GeneratedFile;
import io.hetu.sdk.csharp.CSharpGenerator;
import io.hetu.sdk.csharp.CSharpOptions;
import io.hetu.sdk.java.JavaGenerator;
import io.hetu.sdk.java.JavaOptions;
import io.hetu.sdk.typescript.TypeScriptGenerator;
import io.hetu.sdk.typescript.TypeScriptOptions;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Generates the typed client SDKs (TypeScript npm package, C# Unity/.NET package, Java sources) from
 * the schema manifest that the HeTu annotation processor wrote when the project compiled.
 *
 * <p>Bound without a phase it runs in {@code process-classes}, right after the compiler has written
 * the manifest. An output folder is only touched where its content changes; see {@link SdkWriter}.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.PROCESS_CLASSES, threadSafe = true)
public final class GenerateMojo extends AbstractMojo {

    private static final Map<String, String> PROPERTIES = Map.of("typescriptPackage", "hetu.typescriptPackage",
            "csharpNamespace", "hetu.csharpNamespace", "unityPackage", "hetu.unityPackage", "javaPackage",
            "hetu.javaPackage", "version", "hetu.sdkVersion");
    private static final List<String> TARGETS = List.of("typescript", "csharp", "java");

    /** The schema manifest the annotation processor writes. */
    @Parameter(property = "hetu.manifest",
            defaultValue = "${project.build.outputDirectory}/META-INF/hetu/schema.json", required = true)
    private File manifest;

    /** The SDKs to generate: {@code typescript}, {@code csharp}, {@code java}. */
    @Parameter(property = "hetu.targets", defaultValue = "typescript,csharp", required = true)
    private List<String> targets;

    /** Where the TypeScript npm package goes. */
    @Parameter(property = "hetu.typescriptOutput", defaultValue = "${project.build.directory}/hetu-sdk/typescript",
            required = true)
    private File typescriptOutput;

    /** Where the C# package (Unity package and plain .NET sources) goes. */
    @Parameter(property = "hetu.csharpOutput", defaultValue = "${project.build.directory}/hetu-sdk/csharp",
            required = true)
    private File csharpOutput;

    /**
     * Where the Java SDK goes: a source root, holding the package's folder. It compiles against
     * {@code io.hetu:hetu-api}.
     */
    @Parameter(property = "hetu.javaOutput", defaultValue = "${project.build.directory}/hetu-sdk/java",
            required = true)
    private File javaOutput;

    /** The npm package name; by default the artifactId followed by {@code -client}. */
    @Parameter(property = "hetu.typescriptPackage")
    private String typescriptPackage;

    /** The C# namespace and assembly name; by default the artifactId in PascalCase followed by {@code .Client}. */
    @Parameter(property = "hetu.csharpNamespace")
    private String csharpNamespace;

    /** The Unity package name; by default the groupId, then the artifactId followed by {@code -client}. */
    @Parameter(property = "hetu.unityPackage")
    private String unityPackage;

    /** The Java SDK's package; by default the groupId, then the artifactId's letters and digits, then {@code client}. */
    @Parameter(property = "hetu.javaPackage")
    private String javaPackage;

    /** The SDKs' package version; by default the project's version as a semantic version (1.2-SNAPSHOT: 1.2.0-SNAPSHOT). */
    @Parameter(property = "hetu.sdkVersion")
    private String version;

    /** Skips the goal. */
    @Parameter(property = "hetu.skip", defaultValue = "false")
    private boolean skip;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    @Parameter(defaultValue = "${plugin}", readonly = true, required = true)
    private PluginDescriptor plugin;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Skipping the HeTu SDKs (hetu.skip)");
            return;
        }
        Path manifestPath = manifest.toPath().toAbsolutePath();
        byte[] manifestBytes = readManifest(manifestPath);
        SchemaManifest schema;
        try {
            schema = SchemaManifest.parse(manifestBytes);
        } catch (IOException e) {
            throw new MojoFailureException("Cannot read the HeTu schema manifest " + manifestPath + ": "
                    + e.getMessage() + ". Recompile the project (mvn compile) to write it again.", e);
        }
        Set<String> chosen = chosenTargets();
        Map<File, String> outputs = new HashMap<>();
        for (String target : chosen) {
            File output = output(target).getAbsoluteFile();
            String other = outputs.put(output, target);
            if (other != null) {
                throw new MojoFailureException(other + "Output and " + target + "Output are both " + output
                        + "; give each SDK its own folder");
            }
        }
        String sdkVersion = version != null ? version : SdkOptions.semanticVersion(project.getVersion());
        try {
            if (chosen.contains("typescript")) {
                TypeScriptOptions options = SdkOptions.typescript(
                        orDefault(typescriptPackage, SdkOptions.npmName(project.getArtifactId())), sdkVersion);
                generate("TypeScript", typescriptOutput, manifestPath, manifestBytes, options.toString(),
                        () -> TypeScriptGenerator.generate(schema, options));
            }
            if (chosen.contains("csharp")) {
                CSharpOptions options = SdkOptions.csharp(
                        orDefault(csharpNamespace, SdkOptions.csharpNamespace(project.getArtifactId())),
                        orDefault(unityPackage, SdkOptions.unityPackage(project.getGroupId(), project.getArtifactId())),
                        sdkVersion);
                generate("C#", csharpOutput, manifestPath, manifestBytes, options.toString(),
                        () -> CSharpGenerator.generate(schema, options));
            }
            if (chosen.contains("java")) {
                JavaOptions options = SdkOptions.java(orDefault(javaPackage,
                        SdkOptions.javaPackage(project.getGroupId(), project.getArtifactId())));
                generate("Java", javaOutput, manifestPath, manifestBytes, options.toString(),
                        () -> JavaGenerator.generate(schema, options));
            }
        } catch (SdkOptions.InvalidOption e) {
            throw new MojoFailureException("Invalid HeTu SDK option <" + e.parameter() + "> (-D"
                    + PROPERTIES.get(e.parameter()) + "): " + e.getMessage()
                    + ". Set it in the hetu-maven-plugin configuration.", e);
        }
    }

    private static byte[] readManifest(Path path) throws MojoFailureException, MojoExecutionException {
        if (!Files.isRegularFile(path)) {
            throw new MojoFailureException("No HeTu schema manifest at " + path + ". The HeTu annotation "
                    + "processor writes it when the project compiles: add io.hetu:hetu-processor to the "
                    + "maven-compiler-plugin's annotationProcessorPaths and annotate at least one @Component or "
                    + "@GameSystem (see docs/COMPONENTS.md), then run 'mvn compile hetu:generate'. If the manifest "
                    + "is elsewhere, set <manifest> (-Dhetu.manifest).");
        }
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new MojoExecutionException("Cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    private Set<String> chosenTargets() throws MojoFailureException {
        Set<String> chosen = new LinkedHashSet<>();
        for (String target : targets) {
            String name = target.trim().toLowerCase(Locale.ROOT);
            if (!TARGETS.contains(name)) {
                throw new MojoFailureException("Invalid HeTu SDK option <targets> (-Dhetu.targets): '" + target
                        + "' is not a target; use any of typescript, csharp and java, separated by commas");
            }
            chosen.add(name);
        }
        if (chosen.isEmpty()) {
            throw new MojoFailureException("Invalid HeTu SDK option <targets> (-Dhetu.targets): it is empty; use "
                    + "any of typescript, csharp and java, or set hetu.skip to generate nothing");
        }
        return chosen;
    }

    private File output(String target) {
        return switch (target) {
            case "typescript" -> typescriptOutput;
            case "csharp" -> csharpOutput;
            default -> javaOutput;
        };
    }

    private void generate(String language, File output, Path manifestPath, byte[] manifestBytes, String options,
            Supplier<List<GeneratedFile>> generator) throws MojoExecutionException, MojoFailureException {
        List<String> inputs = new ArrayList<>(List.of(language, options));
        inputs.addAll(generatorIdentity());
        String fingerprint = SdkWriter.fingerprint(manifestBytes, inputs);
        SdkWriter.Result result;
        try {
            result = new SdkWriter(output.toPath()).update(fingerprint, generator);
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("Cannot generate the " + language + " SDK from " + manifestPath + ": "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new MojoExecutionException("Cannot write the " + language + " SDK to " + output + ": " + e, e);
        }
        if (result.upToDate()) {
            getLog().info(language + " SDK in " + output + " is up to date (manifest and options unchanged)");
            return;
        }
        getLog().info(language + " SDK in " + output + ": " + result.written() + " files written, "
                + result.unchanged() + " unchanged, " + result.removed() + " removed");
        for (Path kept : result.kept()) {
            getLog().warn("Left " + kept + " in place: an earlier run generated it and this one does not, but it "
                    + "was edited since. Delete it if it is no longer needed.");
        }
    }

    /** The plugin's version, and for snapshots its jars, which can change without the version changing. */
    private List<String> generatorIdentity() {
        List<String> identity = new ArrayList<>();
        identity.add(plugin.getId());
        for (Artifact artifact : plugin.getArtifacts()) {
            File file = artifact.getFile();
            if (artifact.isSnapshot() && file != null) {
                identity.add(artifact.getId() + " " + file.length() + " " + file.lastModified());
            }
        }
        return identity;
    }

    private static String orDefault(String value, String fallback) {
        return value != null ? value : fallback;
    }
}
