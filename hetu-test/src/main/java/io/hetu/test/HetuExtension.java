package io.hetu.test;

import io.hetu.server.app.App;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The extension behind {@link HetuTest}: loads the app once per test class, serves it on a fresh
 * {@link TestServer} for each test, hands that to the test, and closes it after. A failing test's
 * error carries what each client it connected saw (the client's own description of itself: the
 * generated SDKs list the frames they received).
 */
public final class HetuExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver,
        TestExecutionExceptionHandler {

    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(HetuExtension.class);

    private static HetuTest settings(ExtensionContext context) {
        return AnnotationSupport.findAnnotation(context.getRequiredTestClass(), HetuTest.class)
                .orElseThrow(() -> new IllegalStateException("HetuExtension needs @HetuTest on the test class"));
    }

    private static App app(ExtensionContext context) {
        HetuTest settings = settings(context);
        ExtensionContext classContext = context.getParent().orElse(context);
        return classContext.getStore(STORE).getOrComputeIfAbsent("app", key -> {
            try {
                return App.load(context.getRequiredTestClass().getClassLoader(),
                        settings.namespace().isEmpty() ? null : settings.namespace());
            } catch (java.io.IOException e) {
                throw new IllegalStateException("@HetuTest cannot load the app from the test class path: "
                        + e.getMessage(), e);
            }
        }, App.class);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        HetuTest settings = settings(context);
        TestServer server = new TestServer(app(context), settings.durable(), Instant.parse(settings.start()));
        context.getStore(STORE).put("server", server);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        TestServer server = context.getStore(STORE).remove("server", TestServer.class);
        if (server != null) {
            server.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        TestServer server = context.getStore(STORE).get("server", TestServer.class);
        if (server == null) {
            throw new ParameterResolutionException("a TestServer is handed to test methods (and @BeforeEach "
                    + "methods), not to constructors or @BeforeAll methods");
        }
        return server;
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        TestServer server = context.getStore(STORE).get("server", TestServer.class);
        if (server != null) {
            Map<String, Object> clients = server.clients();
            if (!clients.isEmpty()) {
                StringBuilder seen = new StringBuilder("what each client saw:");
                clients.forEach((name, client) -> seen.append("\n--- ").append(name).append(":\n").append(client));
                failure.addSuppressed(new ClientsSaw(seen.toString()));
            }
        }
        throw failure;
    }

    /** Carries the clients' report on a failed test, printed with its stack trace. */
    static final class ClientsSaw extends Exception {
        private static final long serialVersionUID = 1L;

        ClientsSaw(String report) {
            super(report, null, false, false);
        }
    }
}
