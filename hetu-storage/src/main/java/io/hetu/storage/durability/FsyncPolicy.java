package io.hetu.storage.durability;

import java.util.Locale;

/**
 * When the write-ahead log forces its data to stable storage. The configuration names are the ones
 * Redis users know from {@code appendfsync}: {@code always}, {@code everysec} and {@code no}.
 */
public enum FsyncPolicy {
    /**
     * Every group of commits is fsynced before any of them is reported durable. A commit that was
     * acknowledged survives a crash of the process, of the operating system and a power loss.
     */
    ALWAYS("always"),
    /**
     * Commits are reported durable once written to the operating system; the log is fsynced at least
     * once per second. Survives a crash of the process; a crash of the machine can lose about the last
     * second of acknowledged commits.
     */
    EVERYSEC("everysec"),
    /**
     * Commits are reported durable once written to the operating system, which decides when to write
     * them to disk. Survives a crash of the process; a crash of the machine can lose whatever the
     * operating system had not yet written (typically up to 30 seconds on Linux).
     */
    NO("no");

    private final String configName;

    FsyncPolicy(String configName) {
        this.configName = configName;
    }

    /** The name used in configuration files and on the command line. */
    public String configName() {
        return configName;
    }

    /**
     * Parses {@code always}, {@code everysec} or {@code no} (case-insensitive, surrounding blanks
     * ignored).
     *
     * @throws IllegalArgumentException naming the accepted values when {@code text} is none of them
     */
    public static FsyncPolicy parse(String text) {
        if (text != null) {
            String wanted = text.strip().toLowerCase(Locale.ROOT);
            for (FsyncPolicy policy : values()) {
                if (policy.configName.equals(wanted)) {
                    return policy;
                }
            }
        }
        throw new IllegalArgumentException("unknown fsync policy '" + text
                + "': use 'always' (fsync every commit group), 'everysec' (fsync once per second) or 'no' (leave it to the OS)");
    }

    @Override
    public String toString() {
        return configName;
    }
}
