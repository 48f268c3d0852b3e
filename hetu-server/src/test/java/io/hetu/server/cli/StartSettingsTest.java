package io.hetu.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hetu.storage.Database;
import io.hetu.server.ServerConfig;
import io.hetu.storage.durability.FsyncPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings merge in rising precedence: defaults, the YAML file, HETU_* variables, options. */
class StartSettingsTest {

    @TempDir
    Path dir;

    @Test
    void eachLayerOverridesTheOneBelow() throws Exception {
        Path yaml = dir.resolve("hetu.yml");
        Files.writeString(yaml, """
                app: game.jar
                port: 3000
                fsync: everysec
                limits:
                  maxFrameBytes: 1024
                  idleTimeoutSeconds: 5
                """);
        StartSettings settings = new StartSettings();
        settings.applyFile(yaml);
        settings.applyEnvironment(Map.of("HETU_PORT", "4000", "HETU_LIMITS_MAX_FRAME_BYTES", "2048",
                "UNRELATED", "x"));
        settings.set("port", "5000", "on the command line");

        ServerConfig config = settings.serverConfig();
        assertEquals(5000, config.port(), "the option wins");
        assertEquals(2048, config.limits().maxFrameBytes(), "the environment beats the file");
        assertEquals(Duration.ofSeconds(5), config.limits().idleTimeout(), "the file beats the default");
        assertEquals(256, config.limits().maxSubscriptions(), "the default stays");
        assertEquals(FsyncPolicy.EVERYSEC, settings.fsync());
        assertEquals("game.jar", settings.get("app"));
        assertEquals("embedded:./data", settings.get("db"));
        assertNull(settings.get("namespace"));
    }

    @Test
    void anEarlierReleasesKeyIsReadUnderItsNewName() throws Exception {
        Path yaml = dir.resolve("old.yml");
        Files.writeString(yaml, "limits:\n  callsPerSecond: 250\n");
        StartSettings fromFile = new StartSettings();
        fromFile.applyFile(yaml);
        assertEquals(250, fromFile.serverConfig().limits().requestsPerSecond());

        StartSettings fromEnvironment = new StartSettings();
        fromEnvironment.applyEnvironment(Map.of("HETU_LIMITS_CALLS_PER_SECOND", "300",
                "HETU_LIMITS_REQUESTS_PER_SECOND", "400"));
        assertEquals(400, fromEnvironment.serverConfig().limits().requestsPerSecond());
    }

    @Test
    void environmentNamesFollowTheKeys() {
        assertEquals("HETU_LIMITS_MAX_FRAME_BYTES", StartSettings.environmentName("limits.maxFrameBytes"));
        assertEquals("HETU_TLS_CERTIFICATE", StartSettings.environmentName("tls.certificate"));
        assertEquals("HETU_PORT", StartSettings.environmentName("port"));
    }

    @Test
    void mistakesAreNamed() throws Exception {
        Path yaml = dir.resolve("bad.yml");
        Files.writeString(yaml, "limits:\n  maxFrameSize: 10\n");
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> new StartSettings().applyFile(yaml));
        assertTrue(unknown.getMessage().contains("'limits.maxFrameSize'") && unknown.getMessage().contains("bad.yml")
                && unknown.getMessage().contains("limits.maxFrameBytes"), unknown.getMessage());

        StartSettings settings = new StartSettings();
        settings.set("port", "many", "on the command line");
        IllegalArgumentException number = assertThrows(IllegalArgumentException.class, settings::serverConfig);
        assertTrue(number.getMessage().contains("'port' must be a whole number"), number.getMessage());

        settings.set("port", "2466", "on the command line");
        settings.set("fsync", "sometimes", "on the command line");
        IllegalArgumentException fsync = assertThrows(IllegalArgumentException.class, settings::fsync);
        assertTrue(fsync.getMessage().contains("sometimes"), fsync.getMessage());

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> new StartSettings().applyFile(dir.resolve("absent.yml")));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    }

    @Test
    void theDatabaseLocationPicksTheBackendThatServesIt() {
        // Both providers are on the server's class path (hetu-redis at runtime scope, as in hetu.jar).
        assertEquals("io.hetu.storage.embedded.EmbeddedProvider",
                Database.provider("embedded:/var/lib/game").getClass().getName());
        assertEquals("io.hetu.redis.RedisProvider", Database.provider("redis://127.0.0.1:6379/0").getClass().getName());
        assertEquals("redis://127.0.0.1:6379/0?name=hetu",
                Database.provider("redis://:secret@127.0.0.1:6379/0").describe("redis://:secret@127.0.0.1:6379/0"));
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> Database.provider("postgres://x"));
        assertTrue(other.getMessage().contains("--db must be"), other.getMessage());
        assertTrue(other.getMessage().contains("embedded:<dir>"), other.getMessage());
        assertTrue(other.getMessage().contains("redis://host:port/db"), other.getMessage());
        assertTrue(other.getMessage().contains("'postgres://x'"), other.getMessage());
    }

    @Test
    void hetuTokenPrintsATokenTheServerVerifies() {
        String secret = "a secret for the token command, long enough";
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.PrintStream original = System.out;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
            exit = HetuCli.commandLine().execute("token", "--user", "42", "--admin", "--ttl", "10m", "--secret", secret);
        } finally {
            System.setOut(original);
        }
        assertEquals(0, exit);
        String token = printed.toString(java.nio.charset.StandardCharsets.UTF_8).strip();
        io.hetu.system.Identity identity = io.hetu.server.auth.TokenVerifier.of(
                io.hetu.server.auth.AuthConfig.hs256(secret)).verify(token);
        assertEquals(42, identity.userId());
        assertTrue(identity.admin());

        picocli.CommandLine cli = HetuCli.commandLine();
        cli.getSubcommands().get("token").setErr(new java.io.PrintWriter(out, true));
        assertEquals(2, cli.execute("token", "--user", "42", "--ttl", "forever", "--secret", secret));
        assertTrue(out.toString().contains("--ttl must be"), out.toString());
    }

    @Test
    void devLoginIsAnAuthSettingThatNeedsASecret() throws Exception {
        assertFalse(new StartSettings().authConfig().devLogin(), "off by default");
        StartSettings fromEnvironment = new StartSettings();
        fromEnvironment.applyEnvironment(Map.of("HETU_AUTH_SECRET", "a secret for development logins, long enough",
                "HETU_AUTH_DEV_LOGIN", "true"));
        assertTrue(fromEnvironment.serverConfig().auth().devLogin());

        Path yaml = dir.resolve("dev.yml");
        Files.writeString(yaml, "auth:\n  devLogin: sometimes\n");
        StartSettings fromFile = new StartSettings();
        fromFile.applyFile(yaml);
        IllegalArgumentException notABoolean = assertThrows(IllegalArgumentException.class, fromFile::authConfig);
        assertTrue(notABoolean.getMessage().contains("'auth.devLogin' must be true or false"), notABoolean.getMessage());

        // hetu start --dev-login without a secret stops before it loads the app (which is not there).
        Assumptions.assumeTrue(System.getenv("HETU_AUTH_SECRET") == null, "HETU_AUTH_SECRET is set in this shell");
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cli = HetuCli.commandLine();
        cli.getSubcommands().get("start").setErr(new java.io.PrintWriter(err, true));
        assertEquals(2, cli.execute("start", "--app", dir.resolve("no-app").toString(), "--dev-login"), err.toString());
        assertTrue(err.toString().startsWith("hetu start: auth.devLogin is on but auth.secret is not set")
                && err.toString().contains("HETU_AUTH_SECRET") && !err.toString().contains("\tat "), err.toString());
    }
}
