package io.hetu.bench;

import io.netty.buffer.ByteBuf;
import java.util.SplittableRandom;

/**
 * What a bench connection calls. The systems are those of the bench app
 * ({@code samples/bench-app}, namespace {@code bench}); the key ranges match the rows it creates.
 */
public enum Workload {

    /** {@code bench.hello}: returns a constant string; no storage. */
    HELLO("hello", "hello"),
    /** {@code bench.get}: one read by unique key among {@value #ITEMS} rows. */
    GET("get", "get"),
    /** {@code bench.getUpdate}: a read and a write of one of {@value #ITEMS} rows. */
    GET_UPDATE("get-update", "getUpdate"),
    /** {@code bench.getUpdate2}: two reads and two writes over two components. */
    GET2_UPDATE2("get2-update2", "getUpdate2"),
    /** {@code bench.transfer}: SpacetimeDB's transfer between two of {@value #ACCOUNTS} accounts. */
    TRANSFER("transfer", "transfer"),
    /** Subscribers hold ranges of {@code bench.Slot}; a writer calls {@code bench.touch} at a set rate. */
    PUSH("push", "touch"),
    /** The bare Netty server {@link EchoServer}: the same frames as hello world, answered without an engine. */
    ECHO("echo", null);

    /** Rows of {@code bench.Item} and {@code bench.Stock}. */
    static final int ITEMS = 30_000;
    /** Rows of {@code bench.Account}. */
    static final int ACCOUNTS = 100_000;
    /** Rows of {@code bench.Slot}. */
    static final int SLOTS = 10_000;
    static final String NAMESPACE = "bench";

    private final String label;
    private final String system;

    Workload(String label, String system) {
        this.label = label;
        this.system = system;
    }

    /** The name on the command line and in reports. */
    public String label() {
        return label;
    }

    /** The system called, in namespace {@value #NAMESPACE}; null for {@link #ECHO}. */
    String system() {
        return system;
    }

    public static Workload of(String label) {
        for (Workload workload : values()) {
            if (workload.label.equals(label)) {
                return workload;
            }
        }
        StringBuilder known = new StringBuilder();
        for (Workload workload : values()) {
            known.append(known.isEmpty() ? "" : ", ").append(workload.label);
        }
        throw new IllegalArgumentException("no workload '" + label + "'; choose one of " + known);
    }

    /** Writes one call's arguments. */
    void writeArguments(ByteBuf out, SplittableRandom random, Zipf accounts, int pushKeys) {
        switch (this) {
            case HELLO, ECHO -> { }
            case GET, GET_UPDATE -> out.writeLongLE(random.nextInt(ITEMS));
            case GET2_UPDATE2 -> out.writeLongLE(random.nextInt(ITEMS)).writeLongLE(random.nextInt(ITEMS));
            case TRANSFER -> {
                long from = accounts.next(random);
                long to = accounts.next(random);
                while (to == from) {
                    to = accounts.next(random);
                }
                out.writeLongLE(from).writeLongLE(to).writeLongLE(1 + random.nextInt(10));
            }
            case PUSH -> out.writeLongLE(random.nextInt(pushKeys));
        }
    }
}
