package io.hetu.server;

import io.hetu.server.app.App;
import io.hetu.storage.Database;
import io.hetu.storage.durability.DurabilityConfig;
import io.hetu.storage.durability.FsyncPolicy;
import io.hetu.storage.embedded.Embedded;
import java.nio.file.Path;

/**
 * A server in its own JVM for {@link ConfirmedReadsCrashTest} and {@link ScheduledCallsCrashTest}: the test app on a durable store
 * under {@code fsync always} in the directory given, serving until it is killed. Prints
 * {@code port <n> end} once it serves.
 */
public final class ServingChild {

    private ServingChild() {}

    public static void main(String[] args) throws Exception {
        App app = App.load(ServingChild.class.getClassLoader(), null);
        Database database = Embedded.open(Path.of(args[0]), DurabilityConfig.defaults().withFsync(FsyncPolicy.ALWAYS),
                app.tables());
        HetuServer server = HetuServer.start(app, database, ServerConfig.defaults().withHost("127.0.0.1").withPort(0));
        System.out.println("port " + server.port() + " end");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
