package io.hetu.server;

import io.hetu.server.app.App;

/** The wire ids of the server tests' systems (fixtures.ServerSystems, namespace servertest). */
final class TestSystems {

    private TestSystems() {}

    static int id(App app, String name) {
        for (int id = 0; id < app.systems().size(); id++) {
            var def = app.systems().get(id).def();
            if (def.namespace().equals("servertest") && def.name().equals(name)) {
                return id;
            }
        }
        throw new AssertionError("no system servertest." + name + " in the test manifest");
    }
}
