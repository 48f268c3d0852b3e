package io.hetu.server.cli;

import io.hetu.server.AdminClient;
import io.hetu.storage.durability.Backups;
import io.hetu.storage.durability.LogArchive;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The operator's commands: {@code hetu backup}, {@code hetu restore}, {@code hetu verify}. */
final class Operate {

    private Operate() {}

    /** How a command reaches a running server: its endpoint and the admin secret. */
    static final class ServerOptions {
        @Option(names = "--server", defaultValue = "http://localhost:2466/hetu",
                description = "The server's endpoint: http(s)://host:port/path (default ${DEFAULT-VALUE}).")
        String server;

        @Option(names = "--secret-file", description = "A file holding the admin secret (default: the "
                + "HETU_ADMIN_SECRET environment variable).")
        Path secretFile;

        AdminClient client() throws Exception {
            return new AdminClient(server, secret());
        }

        /** The admin secret, from --secret-file or HETU_ADMIN_SECRET. */
        String secret() throws Exception {
            String secret;
            if (secretFile != null) {
                secret = Files.readString(secretFile).strip();
            } else {
                secret = System.getenv("HETU_ADMIN_SECRET");
                if (secret == null || secret.isBlank()) {
                    throw new IllegalArgumentException("no admin secret: set HETU_ADMIN_SECRET or pass --secret-file"
                            + " (the server's admin.secret)");
                }
            }
            return secret.strip();
        }
    }

    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = "Back up a running server (embedded: data) into a backup folder while it serves.")
    static final class Backup implements Callable<Integer> {
        @Option(names = "--to", required = true, description = "The backup folder; each backup is a new directory in it.")
        Path to;

        @Option(names = "--max-bytes-per-second", defaultValue = "0",
                description = "Read the backup no faster than this, to spare the server's disk (default: no limit).")
        long maxBytesPerSecond;

        @CommandLine.Mixin
        ServerOptions server = new ServerOptions();

        @Override
        public Integer call() throws Exception {
            Bar bar = new Bar("backup", System.err);
            Backups.Backup backup = server.client().backup(to, maxBytesPerSecond, bar::total, bar);
            bar.done();
            System.out.println("Backed up " + backup.dir() + ": snapshot at seq " + backup.snapshotSeq()
                    + ", commits up to seq " + backup.lastSeq() + ", " + backup.files().size() + " files, "
                    + Bar.size(backup.totalBytes()) + ", checksums verified");
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Verify a backup: every file's checksum and every record in it.")
    static final class Verify implements Callable<Integer> {
        @Option(names = "--from", required = true, description = "A backup, or a backup folder (its newest backup).")
        Path from;

        @Override
        public Integer call() throws Exception {
            Backups.Backup found = Backups.find(from);
            Bar bar = new Bar("verify", System.err);
            bar.total(found.totalBytes());
            Backups.Backup backup = Backups.verify(found.dir(), bar);
            bar.done();
            System.out.println("Verified " + backup.dir() + ": snapshot at seq " + backup.snapshotSeq()
                    + ", commits up to seq " + backup.lastSeq() + ", taken " + backup.created());
            return 0;
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = "Restore a backup into a new data directory, whole or up to a commit seq or a time.")
    static final class Restore implements Callable<Integer> {
        @Option(names = "--from", required = true, description = "A backup, a backup folder (its newest backup), "
                + "or a log archive (backup.archive: its base and every shipped segment).")
        Path from;

        @Option(names = "--data", required = true,
                description = "The data directory to create (embedded:<dir> or <dir>); it must not exist or be empty.")
        String data;

        @ArgGroup(exclusive = true)
        Point point;

        static final class Point {
            @Option(names = "--to-seq", description = "Keep the commits up to this seq and none after it.")
            Long seq;

            @Option(names = "--to-time", description = "Keep what was committed by this time (ISO-8601 such as "
                    + "2026-01-02T03:04:05Z), to within a second.")
            String time;
        }

        @Override
        public Integer call() throws Exception {
            String directory = data.startsWith("embedded:") ? data.substring("embedded:".length()) : data;
            if (directory.isBlank()) {
                throw new IllegalArgumentException("--data needs a directory, such as embedded:./data");
            }
            Path target = Path.of(directory);
            if (LogArchive.isArchive(from)) {
                if (point != null && point.time != null) {
                    throw new IllegalArgumentException("--to-time works on a backup; restore the archive --to-seq, "
                            + "or whole");
                }
                Bar copying = new Bar("restore", System.err);
                long restored = Backups.restoreArchive(from, target, point != null && point.seq != null ? point.seq
                        : Long.MAX_VALUE, copying);
                copying.done();
                System.out.println("Restored the archive " + from + " into " + target + ": commits up to seq "
                        + restored + ", every checksum verified");
                return 0;
            }
            Backups.Backup found = Backups.find(from);
            Bar verifying = new Bar("verify", System.err);
            verifying.total(found.totalBytes());
            Backups.Backup backup = Backups.verify(found.dir(), verifying);
            verifying.done();
            long toSeq = backup.lastSeq();
            if (point != null && point.seq != null) {
                toSeq = point.seq;
            } else if (point != null && point.time != null) {
                Instant time;
                try {
                    time = Instant.parse(point.time);
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("--to-time must be an ISO-8601 instant such as "
                            + "2026-01-02T03:04:05Z, was '" + point.time + "'");
                }
                toSeq = Backups.seqAt(backup, time);
            }
            Bar restoring = new Bar("restore", System.err);
            restoring.total(backup.totalBytes());
            long restored = Backups.restore(backup, target, toSeq, restoring);
            restoring.done();
            System.out.println("Restored " + backup.dir() + " into " + target + ": commits up to seq " + restored
                    + (restored < backup.lastSeq() ? " (of " + backup.lastSeq() + " in the backup)" : "")
                    + "; start the server with --db embedded:" + target);
            return 0;
        }
    }

    /** A progress bar on standard error: redrawn in place on a terminal, a line per tenth otherwise. */
    static final class Bar implements Backups.Progress {
        private final String what;
        private final PrintStream out;
        private final boolean terminal = System.console() != null;
        private long total;
        private long done;
        private int shown = -1;

        Bar(String what, PrintStream out) {
            this.what = what;
            this.out = out;
        }

        void total(long bytes) {
            this.total = bytes;
        }

        @Override
        public void copied(long bytes) {
            done += bytes;
            int percent = total <= 0 ? 100 : (int) Math.min(100, done * 100 / total);
            if (terminal ? percent != shown : percent / 10 != shown / 10 || shown < 0) {
                shown = percent;
                String line = String.format(Locale.ROOT, "%-8s [%-30s] %3d%% %s of %s", what,
                        "#".repeat(percent * 30 / 100), percent, size(done), size(total));
                if (terminal) {
                    out.print("\r" + line);
                } else {
                    out.println(line);
                }
                out.flush();
            }
        }

        void done() {
            if (terminal && shown >= 0) {
                out.println();
            }
        }

        static String size(long bytes) {
            return bytes < 1024 ? bytes + " B" : bytes < 1 << 20 ? String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0)
                    : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
        }
    }
}
