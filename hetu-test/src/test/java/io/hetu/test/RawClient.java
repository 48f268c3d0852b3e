package io.hetu.test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The least client there is: a WebSocket that notes when it closes. For the link tests. */
final class RawClient implements AutoCloseable, WebSocket.Listener {

    final CompletableFuture<Void> closed = new CompletableFuture<>();
    private WebSocket socket;

    static CompletableFuture<RawClient> connect(String url) {
        RawClient client = new RawClient();
        return HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(url), client)
                .thenApply(socket -> {
                    client.socket = socket;
                    return client;
                });
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(null);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(null);
    }

    @Override
    public String toString() {
        return "a raw WebSocket client, " + (closed.isDone() ? "closed" : "open");
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.abort();
        }
    }
}
