package io.hetu.server.cli;

import io.hetu.storage.durability.LogArchive;
import io.hetu.storage.durability.Durability;

import io.hetu.server.AdminConfig;
import io.hetu.server.HetuServer;
import io.hetu.server.ServerConfig;
import io.hetu.server.app.App;
import io.hetu.storage.Database;
import io.hetu.storage.spi.BackendProvider;
import io.hetu.system.StorageException;
import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** The {@code hetu} command. */
@Command(name = "hetu", mixinStandardHelpOptions = true, version = "HeTu for Java 0.1.0",
        description = "A game-server engine in which the database and the server are one.",
        subcommands = {HetuCli.Start.class, TokenCommand.class, Operate.Backup.class, Operate.Restore.class,
                Operate.Verify.class, Inspect.Call.class, Inspect.Query.class})
public final class HetuCli {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, with a setting or option that is wrong reported in one line, without a trace. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new HetuCli());
        cli.setExecutionExceptionHandler((failure, command, parsed) -> {
            if (failure instanceof IllegalArgumentException) {
                command.getErr().println("hetu " + command.getCommandName() + ": " + failure.getMessage());
                return 2;
            }
            throw failure;
        });
        return cli;
    }

    /** {@code hetu start}: serve an app until stopped (Ctrl-C or SIGTERM drains and flushes). */
    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Serve a HeTu app over WebSocket on the embedded store or Redis.")
    static final class Start implements Callable<Integer> {

        private static final Logger LOG = LoggerFactory.getLogger(Start.class);

        @Option(names = "--app", description = "The app: a jar or classes folder, or several joined with the "
                + "path separator (':' on Linux and macOS).")
        String app;

        @Option(names = "--db", description = "Where data lives: embedded:<dir> (default embedded:./data) or "
                + "redis://host:port/db[?name=<name>] to share one database between servers.")
        String db;

        @Option(names = "--namespace", description = "Serve only this namespace's systems.")
        String namespace;

        @Option(names = "--instance", description = "This server's name, in logs.")
        String instance;

        @Option(names = "--host", description = "The address to listen on (default 0.0.0.0).")
        String host;

        @Option(names = "--port", description = "The port to listen on (default 2466).")
        Integer port;

        @Option(names = "--fsync", description = "always | everysec | no (default always).")
        String fsync;

        @Option(names = "--snapshot-every-commits",
                description = "Write a snapshot after this many commits (default 1000000; 0: not by count).")
        Long snapshotEveryCommits;

        @Option(names = "--snapshot-every-seconds",
                description = "Write a snapshot after this many seconds with commits (default 0: not by time).")
        Long snapshotEverySeconds;

        @Option(names = "--dev-login", description = "Hand out a login token for any user at "
                + "GET <path>/dev-token?user=N (auth.devLogin; needs auth.secret). For development only: anyone can "
                + "then log in as anyone.")
        boolean devLogin;

        @Option(names = "--config", description = "A YAML file with the same keys (see docs/CONFIGURATION.md).")
        Path config;

        @Override
        public Integer call() throws Exception {
            StartSettings settings = StartSettings.load(config);
            override(settings, "app", app);
            override(settings, "db", db);
            override(settings, "namespace", namespace);
            override(settings, "instance", instance);
            override(settings, "host", host);
            override(settings, "port", port == null ? null : port.toString());
            override(settings, "fsync", fsync);
            override(settings, "snapshot.everyCommits", snapshotEveryCommits == null ? null : snapshotEveryCommits.toString());
            override(settings, "snapshot.everySeconds", snapshotEverySeconds == null ? null : snapshotEverySeconds.toString());
            override(settings, "auth.devLogin", devLogin ? "true" : null);
            return serve(settings);
        }

        private static void override(StartSettings settings, String key, String value) {
            if (value != null) {
                settings.set(key, value, "on the command line");
            }
        }

        private int serve(StartSettings settings) throws Exception {
            String appPath = settings.get("app");
            if (appPath == null) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        "no app given: pass --app <jar or classes folder> (or set app in --config / HETU_APP)");
            }
            // A setting that is wrong stops the start before the app is loaded and the data opened.
            ServerConfig serverConfig = settings.serverConfig();
            AdminConfig adminConfig = settings.adminConfig();
            Path archiveFolder = settings.archive();
            ClassLoader loader = appLoader(appPath);
            App loaded = App.load(loader, settings.get("namespace"));
            Database database = openDatabase(settings, loaded);
            HetuServer server;
            LogArchive archive = null;
            try {
                if (archiveFolder != null) {
                    archive = LogArchive.start(Durability.opened(adminConfig.dataDirectory()).orElseThrow(),
                            archiveFolder);
                    LOG.info("Shipping the log to {} (backup.archive)", archiveFolder);
                }
                server = HetuServer.start(loaded, database, serverConfig, adminConfig);
            } catch (Exception e) {
                if (archive != null) {
                    archive.close();
                }
                database.close();
                throw e;
            }
            LogArchive shipping = archive;
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                LOG.info("Stopping: closing connections, then flushing the log");
                server.close();
                if (shipping != null) {
                    shipping.close();
                }
                try {
                    database.close();
                } catch (StorageException e) {
                    // The failure was logged when it happened; one line says what the stop left behind.
                    LOG.error("Stopped, but the store could not be closed cleanly: {}", e.getMessage());
                }
                stopped.countDown();
            }, "hetu-shutdown"));
            boolean tls = serverConfig.tlsCertificate() != null;
            String address = displayHost(settings.get("host")) + ":" + server.port();
            System.out.println("HeTu is serving on " + (tls ? "wss://" : "ws://") + address + settings.get("path"));
            if (server.servesWebClient()) {
                System.out.println("Open " + (tls ? "https://" : "http://") + address + "/ to play (Ctrl-C stops "
                        + "the server)");
            }
            System.out.flush();
            stopped.await();
            return 0;
        }

        private static String displayHost(String host) {
            return host.equals("0.0.0.0") ? "localhost" : host;
        }

        private static Database openDatabase(StartSettings settings, App loaded) throws IOException {
            String db = settings.get("db");
            BackendProvider backend = Database.provider(db);
            LOG.info("Instance {}: app {} (schema {}), data in {}{}", settings.get("instance"), settings.get("app"),
                    loaded.schemaHash(), backend.describe(db),
                    db.startsWith("embedded:") ? ", fsync " + settings.fsync().configName() : "");
            return Database.open(db, settings.durabilityConfig(), loaded.tables());
        }

        static ClassLoader appLoader(String appPath) throws MalformedURLException {
            List<URL> urls = new ArrayList<>();
            for (String part : appPath.split(File.pathSeparator)) {
                Path path = Path.of(part);
                if (!Files.exists(path)) {
                    throw new IllegalArgumentException("--app names " + path + ", which does not exist; build the "
                            + "app first (mvn package)");
                }
                urls.add(path.toUri().toURL());
            }
            return new URLClassLoader(urls.toArray(URL[]::new), HetuCli.class.getClassLoader());
        }
    }
}
