package io.hetu.sdktest.programs;

import static io.hetu.sdktest.programs.Checks.await;

import io.hetu.sdktest.client.ConnectOptions;
import io.hetu.sdktest.client.HetuClient;
import io.hetu.sdktest.client.ReconnectOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A call whose reply is lost with the connection: the SDK sends it again with its call id after the reconnect and the
 * login, and the server answers with the first run's result instead of running it twice. The test holds the server's
 * replies after {@code ready}, completes {@code go}, waits for the call ({@code sent}) to commit, then cuts the
 * connection.
 */
public final class OnceProgram implements Function<Map<String, Object>, Map<String, Object>> {

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Object> apply(Map<String, Object> args) {
        List<String> errors = new CopyOnWriteArrayList<>();
        List<String> states = new CopyOnWriteArrayList<>();
        ConnectOptions options = ConnectOptions.to((String) args.get("url"))
                .withReconnect(ReconnectOptions.backoff(Duration.ofMillis(20), Duration.ofMillis(200)))
                .withPingInterval(Duration.ZERO)
                .withOnError(e -> errors.add(e.toString()));
        try (HetuClient client = await(HetuClient.connect(options), "the connect")) {
            client.connection().onStateChange(state -> states.add(state.name()));
            await(client.login(c -> c.systems().login(11L)), "the login");
            int before = await(client.systems().step(), "the first step");
            ((CompletableFuture<Integer>) args.get("ready")).complete(before);
            await((CompletableFuture<Void>) args.get("go"), "the test's go");

            // Its reply is lost: the server runs it, the relay drops the RESULT, then the connection is cut.
            CompletableFuture<Integer> lost = client.systems().step();
            ((CompletableFuture<Void>) args.get("sent")).complete(null);
            int first = await(lost, "the step whose reply was lost");
            int next = await(client.systems().step(), "the step after it");

            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("before", before);
            summary.put("first", first);
            summary.put("next", next);
            summary.put("states", List.copyOf(states));
            summary.put("errors", List.copyOf(errors));
            return summary;
        }
    }
}
