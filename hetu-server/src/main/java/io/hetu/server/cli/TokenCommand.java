package io.hetu.server.cli;

import io.hetu.server.auth.AuthConfig;
import io.hetu.server.auth.DevTokens;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hetu token}: prints a token signed with the server's own HS256 secret, for development and tests. */
@Command(name = "token", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print a login token (an HS256 JWT) signed with auth.secret, with the issuer and audience "
                + "the server checks, for development and tests. A live game gets tokens from its login service."})
final class TokenCommand implements Callable<Integer> {

    @Option(names = "--user", required = true, description = "The user id the token names (a positive number).")
    long user;

    @Option(names = "--role", description = "A role the token grants; repeat for more.")
    List<String> roles = new ArrayList<>();

    @Option(names = "--admin", description = "Grant the admin role (auth.adminRole).")
    boolean admin;

    @Option(names = "--ttl", defaultValue = "24h", description = "How long the token is valid: 90s, 30m, 24h, 7d "
            + "(default ${DEFAULT-VALUE}).")
    String ttl;

    @Option(names = "--secret", description = "The HS256 secret (default: auth.secret from --config or "
            + "HETU_AUTH_SECRET).")
    String secret;

    @Option(names = "--config", description = "The server's YAML settings file, for its auth.* keys.")
    Path config;

    @Override
    public Integer call() throws Exception {
        StartSettings settings = StartSettings.load(config);
        if (secret != null) {
            settings.set("auth.secret", secret, "on the command line");
        }
        AuthConfig auth = settings.authConfig();
        if (auth.secret() == null) {
            throw new IllegalArgumentException("no secret to sign with: give --secret, set HETU_AUTH_SECRET, or "
                    + "auth.secret in the --config file");
        }
        List<String> granted = new ArrayList<>(roles);
        if (admin) {
            granted.add(auth.adminRole());
        }
        System.out.println(DevTokens.sign(auth, user, granted, duration(ttl, "--ttl")));
        return 0;
    }

    /** A duration such as 90s, 30m, 24h or 7d, given with {@code option}. */
    static Duration duration(String text, String option) {
        if (!text.matches("[1-9][0-9]{0,8}[smhd]")) {
            throw new IllegalArgumentException(option + " must be a number and a unit (s, m, h, d), such as 24h; was '"
                    + text + "'");
        }
        long amount = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (text.charAt(text.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }
}
