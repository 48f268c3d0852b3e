package io.hetu.server;

import java.nio.file.Path;

/**
 * Who may operate the server over HTTP, and what it serves for operators (docs/OPERATIONS.md).
 *
 * @param secret the admin secret: a request carrying {@code Authorization: Bearer <secret>} may
 *     take backups and read the metrics; null turns the admin routes off
 * @param metricsEnabled whether {@code GET /metrics} is served at all
 * @param metricsPublic whether {@code /metrics} is served without the secret (to a scraper inside a
 *     private network); otherwise it needs the secret like every admin route
 * @param dataDirectory the {@code embedded:} data directory this server's database runs on, which
 *     backups are taken of; null when the database is elsewhere (Redis), where backups are Redis's own
 */
public record AdminConfig(String secret, boolean metricsEnabled, boolean metricsPublic, Path dataDirectory) {

    public AdminConfig {
        if (secret != null && secret.length() < 16) {
            throw new IllegalArgumentException("the admin secret must be at least 16 characters long, was "
                    + secret.length());
        }
    }

    /** No admin secret, metrics only with the secret (so: none), no backups. */
    public static AdminConfig defaults() {
        return new AdminConfig(null, true, false, null);
    }

    public AdminConfig withSecret(String newSecret) {
        return new AdminConfig(newSecret, metricsEnabled, metricsPublic, dataDirectory);
    }

    public AdminConfig withDataDirectory(Path directory) {
        return new AdminConfig(secret, metricsEnabled, metricsPublic, directory);
    }

    public AdminConfig withMetrics(boolean enabled, boolean isPublic) {
        return new AdminConfig(secret, enabled, isPublic, dataDirectory);
    }
}
