package io.hetu.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hetu.manifest.SchemaManifest;
import io.hetu.manifest.SchemaManifest.ComponentDef;
import io.hetu.manifest.SchemaManifest.FieldDef;
import io.hetu.manifest.SchemaManifest.IndexDef;
import io.hetu.manifest.SchemaManifest.ParamDef;
import io.hetu.wire.Protocol;
import io.hetu.wire.WireReader;
import io.hetu.wire.WireWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The operator's commands that go through the game protocol with the admin secret:
 * {@code hetu call} (a system, as an administrator) and {@code hetu query} (rows of a component by
 * an index range, whatever its permission). docs/OPERATIONS.md describes them.
 */
final class Inspect {

    /** Exit code when the server rejected the call or the query. */
    static final int REJECTED = 1;
    /** Exit code when the server could not be reached or refused the connection. */
    static final int UNREACHABLE = 3;

    private Inspect() {}

    /** The connection options the two commands share. */
    static final class Connect {
        @CommandLine.Mixin
        Operate.ServerOptions server = new Operate.ServerOptions();

        @Option(names = "--timeout", defaultValue = "10s", description = "How long to wait for the server: "
                + "10s, 1m (default ${DEFAULT-VALUE}).")
        String timeout;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        OperatorClient open() throws Exception {
            return OperatorClient.connect(server.server, server.secret(), TokenCommand.duration(timeout, "--timeout"));
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }

        /** Runs {@code work} on an open connection; a server out of reach is one line and exit code 3. */
        int run(Work work) throws Exception {
            OperatorClient client;
            try {
                client = open();
            } catch (IOException e) {
                err().println("hetu " + spec.name() + ": " + e.getMessage());
                return UNREACHABLE;
            }
            try (client) {
                return work.run(client);
            } catch (IOException e) {
                err().println("hetu " + spec.name() + ": " + e.getMessage());
                return UNREACHABLE;
            }
        }
    }

    interface Work {
        int run(OperatorClient client) throws Exception;
    }

    @Command(name = "call", mixinStandardHelpOptions = true,
            description = {"Call a system of a running server as an administrator, and print its result as JSON.",
                "Arguments follow the system's parameters: a string as it is, anything else as JSON (42, true, null, "
                        + "{\"x\": 1}, [1, 2]); instants and durations in ISO-8601, enums by name, bytes in base64.",
                "Exit code 0 with the result, 1 when the server rejected the call (its code and message on stderr)."})
    static final class Call implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "SYSTEM", description = "namespace.name, or the name alone when it is "
                + "unique.")
        String system;

        @Parameters(index = "1..*", paramLabel = "ARG", description = "The system's arguments, in order.")
        List<String> arguments = new ArrayList<>();

        @CommandLine.Mixin
        Connect connect = new Connect();

        @Override
        public Integer call() throws Exception {
            return connect.run(this::call);
        }

        private int call(OperatorClient client) throws Exception {
            {
                SchemaManifest manifest = client.manifest();
                int id = find(manifest.systems(), system, s -> s.namespace() + "." + s.name(),
                        SchemaManifest.SystemDef::name, "system");
                SchemaManifest.SystemDef def = manifest.systems().get(id);
                List<ParamDef> params = def.params();
                if (arguments.size() != params.size()) {
                    throw new IllegalArgumentException(def.namespace() + "." + def.name() + " takes "
                            + params.size() + " argument(s) " + signature(params) + ", got " + arguments.size());
                }
                WireJson json = new WireJson(manifest);
                WireWriter frame = new WireWriter().writeI8(Protocol.CALL).writeI32(1).writeI16((short) id);
                for (int i = 0; i < params.size(); i++) {
                    ParamDef param = params.get(i);
                    String what = "argument " + (i + 1) + " (" + param.name() + ")";
                    json.write(frame, param.type(), json.argument(arguments.get(i), param.type(), what), what);
                }
                client.send(frame);
                ByteBuffer reply = client.next();
                if (reply.get(0) == Protocol.REJECTED) {
                    connect.err().println("rejected " + OperatorClient.describe(reply));
                    return REJECTED;
                }
                WireReader in = reader(reply, 13);
                JsonNode result = json.read(in, def.returns());
                in.expectEnd("the RESULT");
                connect.out().println(result.toString());
                connect.err().println("answered at seq " + reply.getLong(5));
                return 0;
            }
        }
    }

    @Command(name = "query", mixinStandardHelpOptions = true,
            description = {"Print the rows of a component of a running server, by a range of one of its indexes, "
                    + "whatever the component's permission.",
                "Bounds are values of the index's column (JSON, or a string as it is); both are inclusive unless "
                        + "--exclusive. Prints a table, or one JSON object per row with --json."})
    static final class Query implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "COMPONENT", description = "namespace.Name, or the name alone when it "
                + "is unique.")
        String component;

        @Option(names = "--index", description = "The indexed column to range over (default: the first index).")
        String index;

        @Option(names = "--from", description = "The low bound (default: none).")
        String from;

        @Option(names = "--to", description = "The high bound (default: none).")
        String to;

        @Option(names = "--exclusive", description = "Leave out rows equal to a bound.")
        boolean exclusive;

        @Option(names = "--limit", defaultValue = "100", description = "At most this many rows (default "
                + "${DEFAULT-VALUE}).")
        long limit;

        @Option(names = "--desc", description = "Order by the column, descending.")
        boolean descending;

        @Option(names = "--json", description = "One JSON object per row instead of a table.")
        boolean json;

        @CommandLine.Mixin
        Connect connect = new Connect();

        @Override
        public Integer call() throws Exception {
            if (limit < 0 || limit > 0xFFFFFFFEL) {
                throw new IllegalArgumentException("--limit must be from 0 to 4294967294, was " + limit);
            }
            return connect.run(this::query);
        }

        private int query(OperatorClient client) throws Exception {
            {
                SchemaManifest manifest = client.manifest();
                int id = find(manifest.components(), component, c -> c.namespace() + "." + c.name(),
                        ComponentDef::name, "component");
                ComponentDef def = manifest.components().get(id);
                int position = indexPosition(def);
                FieldDef column = field(def, def.indexes().get(position).field());
                WireJson values = new WireJson(manifest);
                int flags = descending ? Protocol.QUERY_DESCENDING : 0;
                WireWriter bounds = new WireWriter();
                if (from != null) {
                    flags |= Protocol.QUERY_HAS_LOW | (exclusive ? 0 : Protocol.QUERY_LOW_INCLUSIVE);
                    values.writeKey(bounds, column, values.argument(from, WireJson.typeOf(column), "--from"), "--from");
                }
                if (to != null) {
                    flags |= Protocol.QUERY_HAS_HIGH | (exclusive ? 0 : Protocol.QUERY_HIGH_INCLUSIVE);
                    values.writeKey(bounds, column, values.argument(to, WireJson.typeOf(column), "--to"), "--to");
                }
                WireWriter frame = new WireWriter().writeI8(Protocol.QUERY).writeI32(1).writeI16((short) id)
                        .writeI8((byte) position).writeI8((byte) flags).writeI32((int) limit)
                        .writeRaw(bounds.array(), 0, bounds.size());
                client.send(frame);
                ByteBuffer reply = client.next();
                if (reply.get(0) == Protocol.REJECTED) {
                    connect.err().println("rejected " + OperatorClient.describe(reply));
                    return REJECTED;
                }
                int count = reply.getInt(17);
                List<ObjectNode> rows = new ArrayList<>(count);
                int at = 21;
                for (int i = 0; i < count; i++) {
                    rows.add(WireJson.row(def, reply.getLong(at), reply, at + 8));
                    at += 8 + def.rowSize();
                }
                print(connect.out(), def, rows);
                connect.err().println(count + " row(s) of " + def.namespace() + "." + def.name() + " at seq "
                        + reply.getLong(9));
                return 0;
            }
        }

        private int indexPosition(ComponentDef def) {
            if (def.indexes().isEmpty()) {
                throw new IllegalArgumentException(def.name() + " has no index to query by");
            }
            if (index == null) {
                return 0;
            }
            for (int i = 0; i < def.indexes().size(); i++) {
                if (def.indexes().get(i).field().equals(index)) {
                    return i;
                }
            }
            throw new IllegalArgumentException(def.name() + " has no index on '" + index + "'; its indexes: "
                    + def.indexes().stream().map(IndexDef::field).toList());
        }

        private void print(PrintWriter out, ComponentDef def, List<ObjectNode> rows) {
            if (json) {
                rows.forEach(row -> out.println(row.toString()));
                return;
            }
            List<String> columns = new ArrayList<>();
            columns.add("id");
            def.fields().forEach(f -> columns.add(f.name()));
            List<List<String>> cells = new ArrayList<>();
            cells.add(columns);
            for (ObjectNode row : rows) {
                List<String> line = new ArrayList<>();
                for (String column : columns) {
                    JsonNode value = row.get(column);
                    line.add(value.isTextual() ? value.textValue() : value.toString());
                }
                cells.add(line);
            }
            int[] widths = new int[columns.size()];
            for (List<String> line : cells) {
                for (int i = 0; i < line.size(); i++) {
                    widths[i] = Math.max(widths[i], Math.min(40, line.get(i).length()));
                }
            }
            for (List<String> line : cells) {
                StringBuilder text = new StringBuilder();
                for (int i = 0; i < line.size(); i++) {
                    String cell = line.get(i).length() > 40 ? line.get(i).substring(0, 39) + "…" : line.get(i);
                    text.append(i == 0 ? "" : "  ").append(cell).append(" ".repeat(widths[i] - cell.length()));
                }
                out.println(text.toString().stripTrailing());
            }
        }
    }

    private static FieldDef field(ComponentDef def, String name) {
        return def.fields().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
    }

    /** The position of the entry named {@code wanted} ("ns.name", or "name" when unique). */
    private static <T> int find(List<T> entries, String wanted, java.util.function.Function<T, String> qualified,
            java.util.function.Function<T, String> simple, String kind) {
        List<Integer> matches = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (qualified.apply(entries.get(i)).equals(wanted) || simple.apply(entries.get(i)).equals(wanted)) {
                matches.add(i);
            }
        }
        if (matches.size() == 1) {
            return matches.getFirst();
        }
        List<String> names = entries.stream().map(qualified).toList();
        if (matches.isEmpty()) {
            throw new IllegalArgumentException("the server has no " + kind + " '" + wanted + "'; it has " + names);
        }
        throw new IllegalArgumentException("'" + wanted + "' names " + matches.size() + " " + kind + "s; say which: "
                + matches.stream().map(i -> names.get(i)).toList());
    }

    private static String signature(List<ParamDef> params) {
        List<String> parts = new ArrayList<>();
        for (ParamDef p : params) {
            parts.add(p.name() + ": " + WireJson.describe(p.type()));
        }
        return "(" + String.join(", ", parts) + ")";
    }

    private static WireReader reader(ByteBuffer frame, int from) {
        MemorySegment bytes = MemorySegment.ofBuffer(frame.duplicate().position(0));
        return new WireReader().reset(bytes, from, bytes.byteSize() - from);
    }
}
