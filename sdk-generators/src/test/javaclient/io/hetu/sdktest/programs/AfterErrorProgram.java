package io.hetu.sdktest.programs;

import static io.hetu.sdktest.programs.Checks.await;
import static io.hetu.sdktest.programs.Checks.failure;
import static io.hetu.sdktest.programs.Checks.rejection;
import static io.hetu.sdktest.programs.Checks.same;
import static io.hetu.sdktest.programs.Checks.untilState;

import io.hetu.sdktest.client.ConnectOptions;
import io.hetu.sdktest.client.ConnectionState;
import io.hetu.sdktest.client.HetuClient;
import io.hetu.sdktest.client.HetuError;
import io.hetu.sdktest.client.HetuRejection;
import io.hetu.sdktest.client.ReconnectOptions;
import io.hetu.sdktest.client.Vec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * What the client does after each ERROR code: the test runs a stand-in server whose path /CODE ends the first
 * connection with that ERROR once the client sent a frame, and accepts the next. For each code this says whether
 * the client came back ("reconnect") or closed for good ("close"). Also: a call in flight when a connection drops,
 * first connects to a port where nothing listens, to a server that never answers and to one of another protocol
 * version.
 */
public final class AfterErrorProgram implements Function<Map<String, Object>, Map<String, Object>> {

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Object> apply(Map<String, Object> args) {
        String url = (String) args.get("url");
        ReconnectOptions quick = ReconnectOptions.backoff(Duration.ofMillis(10), Duration.ofMillis(50));
        Map<String, Object> outcomes = new LinkedHashMap<>();
        Map<String, Object> reported = new LinkedHashMap<>();
        for (String code : (List<String>) args.get("codes")) {
            List<String> errors = new CopyOnWriteArrayList<>();
            ConnectOptions options = ConnectOptions.to(url + "/" + code).withReconnect(quick)
                    // The stand-in sends the ERROR once it has the first PING.
                    .withPingInterval(Duration.ofMillis(10))
                    .withOnError(e -> errors.add(e instanceof HetuError error ? error.code() : e.toString()));
            try (HetuClient client = await(HetuClient.connect(options), "the connect to " + code)) {
                long first = client.connection().connectionId();
                untilState(client.connection(), state -> state == ConnectionState.CLOSED
                        || state == ConnectionState.OPEN && client.connection().connectionId() != first,
                        "the client's state after " + code);
                outcomes.put(code, client.connection().state() == ConnectionState.CLOSED ? "close" : "reconnect");
                reported.put(code, List.copyOf(errors));
            }
        }

        // A call in flight when the connection drops (the stand-in drops /NONE at the client's first frame, this
        // CALL): it may or may not have run, so it fails with DISCONNECTED; the client reconnects.
        ConnectOptions dropping = ConnectOptions.to((String) args.get("droppingUrl")).withReconnect(quick)
                .withPingInterval(Duration.ZERO);
        Map<String, Object> summary = new LinkedHashMap<>();
        try (HetuClient client = await(HetuClient.connect(dropping), "the connect to the dropping server")) {
            long first = client.connection().connectionId();
            HetuRejection lost = rejection(client.systems().add(new Vec(1, 1), new Vec(2, 2)), "the call in flight");
            summary.put("inFlight", lost.code());
            untilState(client.connection(), state -> state == ConnectionState.OPEN
                    && client.connection().connectionId() != first, "the reconnect after the drop");
        }
        HetuError refused = failure(HetuClient.connect(ConnectOptions.to((String) args.get("deadUrl"))),
                HetuError.class, "a connect to a port where nothing listens");
        same("CONNECT_FAILED", refused.code(), "the first connect's failure");
        summary.put("deadConnect", refused.code());
        // A server that accepts the connection and never answers: the attempt fails after the connect timeout.
        HetuError silent = failure(HetuClient.connect(ConnectOptions.to((String) args.get("silentUrl"))
                .withConnectTimeout(Duration.ofMillis(300))), HetuError.class, "a connect to a server that never answers");
        same("CONNECT_FAILED", silent.code(), "the silent server's failure");
        summary.put("silentConnect", silent.getMessage());
        // A server of another protocol version: its WELCOME is refused, the client closes with PROTOCOL.
        HetuError version = failure(HetuClient.connect((String) args.get("newerUrl")), HetuError.class,
                "a connect to a server of protocol version 3");
        summary.put("newerVersion", version.code() + ": " + version.getMessage());
        summary.put("outcomes", outcomes);
        summary.put("reported", reported);
        return summary;
    }
}
