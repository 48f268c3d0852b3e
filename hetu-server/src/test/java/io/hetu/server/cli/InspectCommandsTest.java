package io.hetu.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hetu.server.AdminConfig;
import io.hetu.server.HetuServer;
import io.hetu.server.ServerConfig;
import io.hetu.server.app.App;
import io.hetu.server.fixtures.BannerTable;
import io.hetu.server.fixtures.MarkerTable;
import io.hetu.storage.Database;
import io.hetu.storage.embedded.Embedded;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hetu call} and {@code hetu query} against a running server over real sockets, with the
 * admin secret: a system runs as an administrator, rows of any permission are printed, and every
 * mistake (a wrong secret, a system that does not exist, arguments that do not fit) is one line.
 */
class InspectCommandsTest {

    private static final String SECRET = "the operators' secret of this test";

    @TempDir
    Path tmp;

    private Database database;
    private HetuServer server;
    private Path secretFile;

    @BeforeEach
    void start() throws Exception {
        App app = App.load(getClass().getClassLoader(), null);
        database = Embedded.inMemory(app.tables());
        server = HetuServer.start(app, database, ServerConfig.defaults().withHost("127.0.0.1").withPort(0),
                AdminConfig.defaults().withSecret(SECRET));
        secretFile = Files.writeString(tmp.resolve("secret"), SECRET + "\n");
    }

    @AfterEach
    void stop() {
        server.close();
        database.close();
    }

    private record Run(int code, String out, String err) {}

    private Run hetu(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine command = HetuCli.commandLine();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int code = command.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Run operator(String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command, "--server", "http://127.0.0.1:" + server.port() + "/hetu",
                "--secret-file", secretFile.toString()));
        all.addAll(List.of(args));
        return hetu(all.toArray(String[]::new));
    }

    @Test
    void callRunsASystemAsAnAdministratorAndPrintsItsResult() throws Exception {
        Run marked = operator("call", "servertest.mark", "77", "5");
        assertEquals(0, marked.code(), marked.err());
        long id = Long.parseLong(marked.out().strip());
        assertEquals(id, (long) database.transact(0, tx -> tx.id(tx.getBy(MarkerTable.OWNER, 77L))));
        assertTrue(marked.err().contains("answered at seq"), marked.err());

        Run admin = operator("call", "adminOnly");
        assertEquals(0, admin.code(), admin.err());
        assertEquals("null", admin.out().strip(), "a void system prints null");

        Run label = operator("call", "label", "78", "a b");
        assertEquals(0, label.code(), label.err());
        assertEquals("a b", database.transact(0, tx -> tx.getBy(io.hetu.server.fixtures.LabelTable.OWNER, 78L).text()),
                "a string argument is taken as it is");
        Run labels = operator("query", "servertest.Label", "--json");
        assertEquals(0, labels.code(), labels.err());
        assertTrue(labels.out().contains("\"owner\":78,\"text\":\"a b\""), "a string column read back: " + labels.out());
        Run tooLong = operator("call", "label", "78", "a text with spaces");
        assertEquals(Inspect.REJECTED, tooLong.code());
        assertTrue(tooLong.err().contains("INVALID_VALUE: Label.text"), tooLong.err());

        Run refused = operator("call", "servertest.refuse", "NOT_TODAY");
        assertEquals(Inspect.REJECTED, refused.code());
        assertTrue(refused.err().contains("rejected NOT_TODAY: refused on purpose"), refused.err());
    }

    @Test
    void queryPrintsRowsOfAnyPermissionByAnIndexRange() throws Exception {
        database.run(0, tx -> {
            for (int i = 0; i < 5; i++) {
                tx.upsert(MarkerTable.OWNER, 100L + i).value(i * 10);
                tx.insert(BannerTable.TABLE).zone(i).guild(900 + i).color(i);
            }
        });
        Run json = operator("query", "Marker", "--index", "value", "--from", "10", "--to", "30", "--json");
        assertEquals(0, json.code(), json.err());
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> rows = new ArrayList<>();
        for (String line : json.out().strip().split("\n")) {
            rows.add(mapper.readTree(line));
        }
        assertEquals(List.of(101L, 102L, 103L), rows.stream().map(r -> r.get("owner").asLong()).toList());
        assertTrue(json.err().contains("3 row(s) of servertest.Marker"), json.err());

        // RLS: a player sees only its guild's banners; an operator sees every one.
        Run banners = operator("query", "wiremodel.Banner", "--from", "1", "--desc", "--limit", "3");
        assertEquals(0, banners.code(), banners.err());
        String[] lines = banners.out().strip().split("\n");
        assertEquals(4, lines.length, banners.out());
        assertTrue(lines[0].matches("id\\s+zone\\s+guild\\s+color"), lines[0]);
        assertTrue(lines[1].matches("\\d+\\s+4\\s+904\\s+4"), lines[1]);
        assertTrue(lines[3].matches("\\d+\\s+2\\s+902\\s+2"), lines[3]);

        Run exclusive = operator("query", "Marker", "--index", "value", "--from", "10", "--to", "30", "--exclusive",
                "--json");
        assertEquals(1, exclusive.out().strip().split("\n").length, exclusive.out());
    }

    @Test
    void everyMistakeIsOneLineThatSaysWhatToDo() throws Exception {
        Path wrong = Files.writeString(tmp.resolve("wrong"), "not the secret at all, sorry");
        Run unauthorized = hetu("call", "adminOnly", "--server", "http://127.0.0.1:" + server.port() + "/hetu",
                "--secret-file", wrong.toString());
        assertEquals(Inspect.UNREACHABLE, unauthorized.code());
        assertTrue(unauthorized.err().contains("401") && unauthorized.err().contains("admin.secret"),
                unauthorized.err());

        Run unknown = operator("call", "nosuch");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("no system 'nosuch'") && unknown.err().contains("servertest.mark"),
                unknown.err());

        Run ambiguous = operator("call", "refuse", "X");
        assertEquals(2, ambiguous.code());
        assertTrue(ambiguous.err().contains("names 2 systems; say which"), ambiguous.err());

        Run count = operator("call", "mark", "1");
        assertEquals(2, count.code());
        assertTrue(count.err().contains("takes 2 argument(s) (owner: i64, value: i32), got 1"), count.err());

        Run type = operator("call", "mark", "1", "lots");
        assertEquals(2, type.code());
        assertTrue(type.err().contains("argument 2 (value)"), type.err());

        Run range = operator("call", "mark", "1", "3000000000");
        assertEquals(2, range.code());
        assertTrue(range.err().contains("not a whole number from -2147483648 to 2147483647"), range.err());

        Run noIndex = operator("query", "Marker", "--index", "color");
        assertEquals(2, noIndex.code());
        assertTrue(noIndex.err().contains("no index on 'color'"), noIndex.err());

        int port = server.port();
        server.close();
        Run down = hetu("query", "Marker", "--server", "http://127.0.0.1:" + port + "/hetu", "--secret-file",
                secretFile.toString(), "--timeout", "2s");
        assertEquals(Inspect.UNREACHABLE, down.code());
        assertTrue(down.err().contains("no server answers"), down.err());
        server = HetuServer.start(App.load(getClass().getClassLoader(), null), database,
                ServerConfig.defaults().withHost("127.0.0.1").withPort(0));
        int markers = database.transact(0, tx -> tx.range(MarkerTable.OWNER, io.hetu.schema.KeyRange.all(), 10,
                false).size());
        assertEquals(0, markers, "nothing ran");
    }
}
