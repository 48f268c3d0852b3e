package io.hetu.redis;

import io.hetu.schema.Key;
import io.hetu.schema.Layouts;
import io.hetu.schema.TableDescriptor;
import io.hetu.storage.spi.Backend;
import io.hetu.storage.spi.ChangeKind;
import io.hetu.storage.spi.ChangeListener;
import io.hetu.storage.spi.ChangeSet;
import io.hetu.storage.spi.CommitRequest;
import io.hetu.storage.spi.RowVisitor;
import io.hetu.storage.spi.ScanRead;
import io.hetu.system.ConflictException;
import io.hetu.system.StorageException;
import io.hetu.system.UniqueViolationException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis backend: committed rows live in one Redis database, so several server instances can
 * serve one game. docs/REDIS.md describes the keys, the commit script and the guarantees.
 *
 * <ul>
 *   <li>A row is a hash {@code v} (its version: the seq of the commit that last wrote it),
 *       {@code d} (its layout bytes) and {@code k0..} (its encoded index keys, so a commit can
 *       remove the old entries). Indexes are sorted sets ordered by bytes (see {@link KeySpace}),
 *       unique indexes also hashes from key to id.
 *   <li>A commit is one Lua script, {@code commit.lua}: it checks every point read, unique lookup
 *       and scan of the transaction against the current rows, checks unique columns, and only
 *       then takes the next seq (INCR), applies every write and appends the change set to the
 *       change stream, all atomically. A scan is checked by its exact rows: the backend first
 *       re-runs it here (with the scan's filter, which only Java can evaluate) and compares the
 *       rows matched; the script then checks that the range still holds exactly the rows, at the
 *       same versions, that this re-run walked, so the filtered result cannot have changed.
 *   <li>Every instance reads the change stream ({@link ChangeFeed}) and publishes each commit to
 *       its listeners in seq order, its own commits included.
 * </ul>
 *
 * <p>While Redis is unreachable, every call fails at once with a {@link StorageException} whose
 * cause is the client's error (the server answers {@code UNAVAILABLE}); the client reconnects by
 * itself and calls succeed again when Redis is back.
 */
public final class RedisBackend implements Backend {

    private static final Logger LOG = LoggerFactory.getLogger(RedisBackend.class);
    private static final int PAGE = 128;
    private static final int ID_BLOCK = 1000;
    /** After this many conflicts in a row, a thread's next transaction holds commits off while it runs. */
    private static final int HOLD_AFTER_CONFLICTS = 4;
    /** A hold expires by itself after this long, in case its server dies holding it. */
    private static final long HOLD_MILLIS = 2000;
    /** What {@link #durable(long)} returns: a commit is as durable as Redis makes it once applied. */
    private static final CompletableFuture<Void> DURABLE = CompletableFuture.completedFuture(null);
    private static final byte[] ONE = {'1'};
    private static final byte[] ZERO = {'0'};
    private static final byte[] EMPTY = {};
    private static final byte[] ROW = KeySpace.bytes("row");
    private static final byte[] LOOKUP = KeySpace.bytes("lookup");
    private static final byte[] RANGE = KeySpace.bytes("range");
    private static final byte[] COMMIT = KeySpace.bytes("commit");
    private static final byte[] VALIDATE = KeySpace.bytes("validate");
    private static final String HELD = "held";
    private static final byte[] ALL = {'-'};
    private static final byte[] NONE = {'+'};
    private static final Script COMMIT_SCRIPT = new Script("commit.lua");
    private static final Script READ_SCRIPT = new Script("read.lua");
    private static final Script RELEASE_SCRIPT = new Script("release.lua");

    private final RedisConfig config;
    private final List<TableDescriptor<?, ?>> descriptors;
    private final KeySpace keys;
    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<byte[], byte[]> connection;
    private final RedisCommands<byte[], byte[]> redis;
    private final byte[][] seqKey;
    private final byte[][] commitKeys;
    private final IdBlock[] ids;
    private final AtomicLong knownSeq = new AtomicLong();
    private final ThreadLocal<SeqStamp> stamps = new ThreadLocal<>();
    private final ThreadLocal<Streak> streaks = ThreadLocal.withInitial(Streak::new);
    private final CopyOnWriteArrayList<ChangeListener> listeners = new CopyOnWriteArrayList<>();
    /** Attachments of commits made here, by origin tag, until the change feed delivers them. */
    private final Map<String, List<Object>> attachments = new ConcurrentHashMap<>();
    private final String originPrefix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + ":";
    private final AtomicLong originCounter = new AtomicLong();
    private final StatefulRedisConnection<byte[], byte[]> feedConnection;
    private final ChangeFeed feed;
    private final Thread feedThread;
    /** Why this instance stopped serving for good (Redis lost commits it had seen), or null. */
    private volatile String diverged;
    private volatile boolean closed;

    /** The seqs a thread's reads saw inside {@link #readConsistent}. */
    private static final class SeqStamp {
        long seq = -1;
        boolean torn;
    }

    /** A thread's conflicts in a row, and the hold it took because of them. */
    private static final class Streak {
        int conflicts;
        byte[] hold;
    }

    /** Ids handed out by this instance: blocks taken from the table's counter in Redis. */
    private static final class IdBlock {
        long next = 1;
        long end;
    }

    private RedisBackend(RedisConfig config, List<? extends TableDescriptor<?, ?>> tables) {
        this.config = config;
        this.descriptors = List.copyOf(tables);
        this.keys = new KeySpace(config.name(), descriptors);
        for (KeySpace.Table table : keys.tables) {
            if (table.name.length > 255) {
                throw new IllegalArgumentException("component " + table.qualifiedName + " has a name over 255 bytes, "
                        + "which the Redis backend's change stream cannot carry");
            }
        }
        this.seqKey = new byte[][] {keys.seq};
        this.commitKeys = new byte[][] {keys.seq, keys.stream, keys.hold};
        this.ids = new IdBlock[descriptors.size()];
        for (int t = 0; t < ids.length; t++) {
            ids[t] = new IdBlock();
        }
        this.resources = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(20), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        RedisURI.Builder uri = RedisURI.builder().withHost(config.host()).withPort(config.port())
                .withDatabase(config.database()).withTimeout(config.timeout());
        if (config.password() != null) {
            uri.withPassword(config.password().toCharArray());
        }
        this.client = RedisClient.create(resources, uri.build());
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(config.timeout()))
                .socketOptions(SocketOptions.builder().connectTimeout(config.timeout()).keepAlive(true).build())
                .build());
        StatefulRedisConnection<byte[], byte[]> main = null;
        StatefulRedisConnection<byte[], byte[]> feeding = null;
        try {
            main = client.connect(ByteArrayCodec.INSTANCE);
            feeding = client.connect(ByteArrayCodec.INSTANCE);
        } catch (RedisException e) {
            if (main != null) {
                main.close();
            }
            shutdownClient();
            throw new StorageException("cannot reach Redis at " + config.display() + ": " + e.getMessage()
                    + "; start Redis there or correct --db", e);
        }
        this.connection = main;
        this.redis = main.sync();
        this.feedConnection = feeding;
        long start;
        try {
            RedisCatalog.check(redis, config, keys, descriptors);
            start = parseLong(redis.get(keys.seq));
        } catch (RuntimeException e) {
            feeding.close();
            main.close();
            shutdownClient();
            throw e;
        }
        knownSeq.set(start);
        long block = Math.max(100, Math.min(1000, config.timeout().toMillis() / 2));
        this.feed = new ChangeFeed(feeding, keys, descriptors, start, block, new FeedSink());
        this.feedThread = Thread.ofPlatform().daemon().name("hetu-redis-feed").start(feed);
        LOG.info("Opened {} at commit seq {} ({} tables)", config.display(), start, descriptors.size());
    }

    /**
     * Connects to the database {@code config} names, checks that Redis can serve it and that the
     * stored schema matches the app's components, and starts following its change stream.
     *
     * @throws io.hetu.system.SchemaMismatchException when stored rows were written with
     *     another layout or other indexes
     * @throws StorageException when Redis cannot be reached or cannot serve the backend
     */
    public static RedisBackend open(RedisConfig config, List<? extends TableDescriptor<?, ?>> tables) {
        return new RedisBackend(config, tables);
    }

    @Override
    public List<TableDescriptor<?, ?>> tables() {
        return descriptors;
    }

    // ---------------------------------------------------------------- reads

    @Override
    public long read(int table, long id, MemorySegment target, long targetOffset) {
        KeySpace.Table t = keys.tables[table];
        List<Object> row = read(ROW, t.rowKey(id));
        long version = parseLong((byte[]) row.get(1));
        if (version != 0 && target != null) {
            byte[] bytes = (byte[]) row.get(2);
            checkRowSize(t, bytes);
            MemorySegment.copy(bytes, 0, target, Layouts.I8, targetOffset, bytes.length);
        }
        return version;
    }

    @Override
    public long lookup(int table, int index, Key key) {
        KeySpace.Table t = keys.tables[table];
        if (t.unique[index] == null) {
            throw new IllegalArgumentException("index " + index + " of " + t.qualifiedName + " is not unique");
        }
        byte[] id = (byte[]) read(LOOKUP, t.unique[index], KeySpace.key(key)).get(1);
        return id.length == 0 ? 0 : KeySpace.idAtEnd(id);
    }

    @Override
    public void scan(int table, int index, Key low, boolean lowInclusive, Key high, boolean highInclusive, int limit,
            boolean descending, RowVisitor visitor) {
        KeySpace.Table t = keys.tables[table];
        range(t, t.ordered[index], descending, KeySpace.lowBound(low, lowInclusive),
                KeySpace.highBound(high, highInclusive), limit,
                (member, version, row) -> visitor.visit(KeySpace.idAtEnd(member), version, MemorySegment.ofArray(row), 0));
    }

    @Override
    public void scanTable(int table, RowVisitor visitor) {
        KeySpace.Table t = keys.tables[table];
        range(t, t.all, false, ALL, NONE, Integer.MAX_VALUE,
                (member, version, row) -> visitor.visit(KeySpace.idAtEnd(member), version, MemorySegment.ofArray(row), 0));
    }

    /** Receives the rows of a range with their sorted-set members; returns false to stop. */
    @FunctionalInterface
    private interface MemberVisitor {
        boolean visit(byte[] member, long version, byte[] row);
    }

    /** Walks a sorted set's range page by page, up to {@code limit} rows. */
    private void range(KeySpace.Table t, byte[] set, boolean descending, byte[] min, byte[] max, int limit,
            MemberVisitor visitor) {
        int remaining = limit;
        byte[] from = min;
        byte[] to = max;
        while (remaining > 0) {
            int page = Math.min(remaining, PAGE);
            List<Object> rows = read(RANGE, set, t.rowPrefix, descending ? ONE : ZERO, from, to,
                    Integer.toString(page).getBytes(StandardCharsets.US_ASCII));
            int count = (rows.size() - 1) / 3;
            byte[] member = null;
            for (int r = 0; r < count; r++) {
                member = (byte[]) rows.get(1 + 3 * r);
                byte[] bytes = (byte[]) rows.get(3 + 3 * r);
                checkRowSize(t, bytes);
                if (!visitor.visit(member, parseLong((byte[]) rows.get(2 + 3 * r)), bytes)) {
                    return;
                }
            }
            if (count < page) {
                return;
            }
            remaining -= count;
            if (descending) {
                to = KeySpace.after(member);
            } else {
                from = KeySpace.after(member);
            }
        }
    }

    private List<Object> read(byte[]... args) {
        ensureUsable();
        Streak streak = streaks.get();
        if (streak.conflicts >= HOLD_AFTER_CONFLICTS && streak.hold == null && stamps.get() == null) {
            // Optimism keeps failing for this thread (its reads are slow next to others' commits):
            // this attempt runs with commits held off, so it sees one state and cannot starve.
            streak.hold = acquireHold();
        }
        List<Object> result = call(() -> READ_SCRIPT.run(redis, seqKey, args));
        observe(parseLong((byte[]) result.get(0)));
        return result;
    }

    /** Notes a seq a read saw: it is known to be committed, and stamps a consistent read. */
    private void observe(long seq) {
        knownSeq.accumulateAndGet(seq, Math::max);
        SeqStamp stamp = stamps.get();
        if (stamp != null) {
            if (stamp.seq < 0) {
                stamp.seq = seq;
            } else if (stamp.seq != seq) {
                stamp.torn = true;
            }
        }
    }

    private static void checkRowSize(KeySpace.Table t, byte[] bytes) {
        if (bytes.length != t.rowSize) {
            throw new StorageException("a row of " + t.qualifiedName + " in Redis has " + bytes.length
                    + " bytes where the component's layout has " + t.rowSize + "; the database was written by "
                    + "another version of the app");
        }
    }

    // ---------------------------------------------------------------- ids

    @Override
    public long reserveId(int table) {
        IdBlock block = ids[table];
        synchronized (block) {
            if (block.next > block.end) {
                ensureUsable();
                long top = call(() -> redis.incrby(keys.tables[table].ids, ID_BLOCK));
                block.next = top - ID_BLOCK + 1;
                block.end = top;
            }
            return block.next++;
        }
    }

    /**
     * Ids are never handed out twice: one given back may belong to a commit whose outcome was
     * unknown (Redis went away during it), so it is dropped rather than reused.
     */
    @Override
    public void releaseId(int table, long id) {
        // Ids are 64-bit: dropping one costs nothing.
    }

    // ---------------------------------------------------------------- commit

    @Override
    public long commit(CommitRequest request) {
        ensureUsable();
        List<Object> attached = request.attachments();
        String origin = attached.isEmpty() ? "" : originPrefix + originCounter.incrementAndGet();
        if (!attached.isEmpty()) {
            attachments.put(origin, List.copyOf(attached));
        }
        boolean committed = false;
        boolean conflicted = false;
        try {
            byte[][] args = arguments(request, COMMIT, origin);
            if (!connection.isOpen()) {
                throw unavailable("the commit was not made", null);
            }
            List<Object> result;
            try {
                result = runCommit(args);
            } catch (RedisException e) {
                throw unavailable("the commit may or may not have been applied", e);
            }
            long seq = outcome(request, result);
            knownSeq.accumulateAndGet(seq, Math::max);
            committed = true;
            return seq;
        } catch (ConflictException e) {
            conflicted = true;
            throw e;
        } finally {
            if (!committed && !origin.isEmpty()) {
                attachments.remove(origin);
            }
            countConflict(conflicted);
        }
    }

    /** Runs the commit script, waiting while a consistent read holds commits off. */
    private List<Object> runCommit(byte[][] args) {
        long deadline = System.nanoTime() + config.timeout().toNanos();
        while (true) {
            List<Object> result = COMMIT_SCRIPT.run(redis, commitKeys, args);
            if (!HELD.equals(text(result.get(0)))) {
                return result;
            }
            if (System.nanoTime() > deadline) {
                throw new StorageException("commits stayed held by a consistent read for over "
                        + config.timeout().toSeconds() + " s; a server holding them may have died (the hold expires)");
            }
            LockSupport.parkNanos(200_000);
        }
    }

    @Override
    public boolean validateReadOnly(CommitRequest request) {
        ensureUsable();
        boolean current = false;
        try {
            byte[][] args = arguments(request, VALIDATE, "");
            List<Object> result = call(() -> COMMIT_SCRIPT.run(redis, commitKeys, args));
            if ("ok".equals(text(result.get(0)))) {
                observe((Long) result.get(1));
                current = true;
            }
        } catch (ConflictException e) {
            // A scan already sees other rows: not current.
        } finally {
            countConflict(!current);
        }
        return current;
    }

    /** Counts this thread's conflicts in a row. */
    private void countConflict(boolean conflicted) {
        Streak streak = streaks.get();
        streak.conflicts = conflicted ? streak.conflicts + 1 : 0;
    }

    /** Ends the hold this thread's attempt took, if any. */
    @Override
    public void attemptFinished() {
        Streak streak = streaks.get();
        if (streak.hold != null) {
            byte[] token = streak.hold;
            streak.hold = null;
            releaseHold(token);
        }
    }

    /** Takes the read hold: commits by others wait until it is released or expires. */
    private byte[] acquireHold() {
        byte[] token = KeySpace.bytes(HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
        long deadline = System.nanoTime() + config.timeout().toNanos();
        SetArgs hold = SetArgs.Builder.nx().px(HOLD_MILLIS);
        while (!"OK".equals(call(() -> redis.set(keys.hold, token, hold)))) {
            if (System.nanoTime() > deadline) {
                throw new StorageException("could not hold commits off within " + config.timeout().toSeconds()
                        + " s: other servers held them the whole time", new IllegalStateException("held"));
            }
            LockSupport.parkNanos(200_000);
        }
        return token;
    }

    private void releaseHold(byte[] token) {
        try {
            RELEASE_SCRIPT.run(redis, new byte[][] {keys.hold}, token);
        } catch (RedisException e) {
            // The hold expires by itself.
        }
    }

    /** The seq of an applied commit, or the exception the script's refusal stands for. */
    private long outcome(CommitRequest request, List<Object> result) {
        String status = text(result.get(0));
        switch (status) {
            case "ok" -> {
                return (Long) result.get(1);
            }
            case "conflict" -> throw new ConflictException(conflictMessage(request, text(result.get(1)),
                    (int) (long) (Long) result.get(2) - 1));
            case "unique" -> {
                int write = (int) (long) (Long) result.get(1) - 1;
                int index = (int) (long) (Long) result.get(2) - 1;
                Object holder = result.get(3);
                KeySpace.Table t = keys.tables[request.writeTable(write)];
                throw new UniqueViolationException(t.qualifiedName + "." + t.columns[index].name()
                        + " is unique, but row " + request.writeId(write) + " would take the value row "
                        + KeySpace.idAtEnd((byte[]) holder) + " holds; look the row up with getBy/upsert instead "
                        + "of inserting another");
            }
            default -> throw new StorageException("the Redis commit script answered '" + status + "'");
        }
    }

    private String conflictMessage(CommitRequest request, String what, int n) {
        return switch (what) {
            case "point" -> keys.tables[request.pointReadTable(n)].qualifiedName + " row " + request.pointReadId(n)
                    + " changed (version " + request.pointReadVersion(n) + " was read)";
            case "lookup" -> keys.tables[request.lookupTable(n)].qualifiedName + "."
                    + keys.tables[request.lookupTable(n)].columns[request.lookupIndex(n)].name() + " = "
                    + request.lookupKey(n) + " now names another row";
            case "scan" -> scanChanged(request.scan(scanNumber(request, n)));
            case "exists" -> keys.tables[request.writeTable(n)].qualifiedName + " row " + request.writeId(n)
                    + " was inserted by another commit";
            case "gone" -> keys.tables[request.writeTable(n)].qualifiedName + " row " + request.writeId(n)
                    + " was deleted by another commit";
            default -> "a read changed (" + what + ")";
        };
    }

    /** The scan behind the n-th scan check sent (scans with limit 0 are not sent). */
    private static int scanNumber(CommitRequest request, int n) {
        int sent = -1;
        for (int i = 0; i < request.scanCount(); i++) {
            if (request.scan(i).limit() > 0 && ++sent == n) {
                return i;
            }
        }
        return 0;
    }

    private String scanChanged(ScanRead scan) {
        KeySpace.Table t = keys.tables[scan.table()];
        return "the rows of a " + (scan.index() < 0 ? "scan of " + t.qualifiedName
                : "range over " + t.qualifiedName + "." + t.columns[scan.index()].name()) + " changed";
    }

    /** The commit script's arguments for a request (see commit.lua for their order). */
    private byte[][] arguments(CommitRequest request, byte[] mode, String origin) {
        List<byte[]> args = new ArrayList<>(16 + request.pointReadCount() * 2 + request.writeCount() * 10);
        args.add(mode);
        args.add(number(config.streamLength()));
        args.add(KeySpace.bytes(origin));
        byte[] hold = streaks.get().hold;
        args.add(hold == null ? EMPTY : hold);
        args.add(number(request.pointReadCount()));
        for (int i = 0; i < request.pointReadCount(); i++) {
            args.add(keys.tables[request.pointReadTable(i)].rowKey(request.pointReadId(i)));
            args.add(number(request.pointReadVersion(i)));
        }
        args.add(number(request.lookupCount()));
        for (int i = 0; i < request.lookupCount(); i++) {
            args.add(keys.tables[request.lookupTable(i)].unique[request.lookupIndex(i)]);
            args.add(KeySpace.key(request.lookupKey(i)));
            long found = request.lookupResult(i);
            args.add(found == 0 ? EMPTY : KeySpace.id(found));
        }
        int countAt = args.size();
        args.add(null);
        int scans = 0;
        for (int i = 0; i < request.scanCount(); i++) {
            ScanRead scan = request.scan(i);
            if (scan.limit() > 0) {
                addScanCheck(scan, args);
                scans++;
            }
        }
        args.set(countAt, number(scans));
        // Validating checks the reads alone: a read-only check of a transaction that writes (one whose
        // body failed) must not fail on its writes.
        int writes = mode == COMMIT ? request.writeCount() : 0;
        args.add(number(writes));
        for (int i = 0; i < writes; i++) {
            addWrite(request, i, args);
        }
        return args.toArray(byte[][]::new);
    }

    /**
     * Re-runs a scan to find the rows its range holds up to where it stopped, checks that the
     * rows it matches are still those the transaction saw, and adds the check the script repeats
     * atomically: exactly these members, at these versions.
     *
     * @throws ConflictException when the scan already sees other rows
     */
    private void addScanCheck(ScanRead scan, List<byte[]> args) {
        KeySpace.Table t = keys.tables[scan.table()];
        byte[] set = scan.index() < 0 ? t.all : t.ordered[scan.index()];
        byte[] min = scan.index() < 0 ? ALL : KeySpace.lowBound(scan.low(), scan.lowInclusive());
        byte[] max = scan.index() < 0 ? NONE : KeySpace.highBound(scan.high(), scan.highInclusive());
        List<byte[]> walked = new ArrayList<>();
        int[] matched = {0};
        boolean[] same = {true};
        range(t, set, scan.descending(), min, max, Integer.MAX_VALUE, (member, version, row) -> {
            walked.add(member);
            walked.add(number(version));
            if (scan.filter() != null && !scan.filter().test(MemorySegment.ofArray(row), 0)) {
                return true;
            }
            int n = matched[0]++;
            if (n >= scan.count() || scan.ids()[n] != KeySpace.idAtEnd(member) || scan.versions()[n] != version) {
                same[0] = false;
                return false;
            }
            return matched[0] < scan.limit();
        });
        if (!same[0] || matched[0] != scan.count()) {
            throw new ConflictException(scanChanged(scan));
        }
        args.add(set);
        args.add(t.rowPrefix);
        args.add(scan.descending() ? ONE : ZERO);
        args.add(min);
        args.add(max);
        args.add(matched[0] < scan.limit() ? ONE : ZERO);
        args.add(number(walked.size() / 2));
        args.addAll(walked);
    }

    private void addWrite(CommitRequest request, int i, List<byte[]> args) {
        KeySpace.Table t = keys.tables[request.writeTable(i)];
        ChangeKind kind = request.writeKind(i);
        long id = request.writeId(i);
        args.add(switch (kind) {
            case INSERT -> new byte[] {'I'};
            case UPDATE -> new byte[] {'U'};
            case DELETE -> new byte[] {'D'};
        });
        args.add(t.name);
        args.add(t.rowKey(id));
        args.add(KeySpace.id(id));
        args.add(t.all);
        MemorySegment row = request.writeSegment(i);
        long offset = request.writeOffset(i);
        if (kind == ChangeKind.DELETE) {
            args.add(EMPTY);
        } else {
            byte[] bytes = new byte[t.rowSize];
            MemorySegment.copy(row, Layouts.I8, offset, bytes, 0, t.rowSize);
            args.add(bytes);
        }
        args.add(number(t.columns.length));
        for (int index = 0; index < t.columns.length; index++) {
            args.add(t.ordered[index]);
            args.add(t.unique[index] == null ? EMPTY : t.unique[index]);
            args.add(kind == ChangeKind.DELETE ? EMPTY : t.indexKey(index, row, offset));
        }
    }

    // ---------------------------------------------------------------- seqs and consistency

    /**
     * Completes at once: a commit returns only after Redis applied it, and how far Redis makes it
     * durable is Redis's own persistence configuration ({@code appendonly}, {@code appendfsync}).
     */
    @Override
    public CompletableFuture<Void> durable(long seq) {
        return DURABLE;
    }

    @Override
    public boolean isDurable(long seq) {
        return true;
    }

    /**
     * The latest seq this instance knows to be committed: its own commits, those its reads saw
     * and those the change feed delivered. Another instance's newer commit is known once it is
     * delivered or seen.
     */
    /** Every server of the store commits to it. */
    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public long lastSeq() {
        return Math.max(knownSeq.get(), feed.delivered());
    }

    /**
     * Runs the reads and checks that each saw the same seq (every read reports the seq it ran at);
     * after three torn attempts it holds commits off (a key every commit script checks, with an
     * expiry in case this server dies) and reads once more.
     */
    @Override
    public long readConsistent(Runnable reads) {
        ensureUsable();
        for (int attempt = 0; attempt < 3; attempt++) {
            long seq = stamped(reads);
            if (seq >= 0) {
                return seq;
            }
        }
        byte[] token = acquireHold();
        try {
            long seq = stamped(reads);
            if (seq < 0) {
                throw new StorageException("a consistent read saw commits while they were held (the hold expired "
                        + "after " + HOLD_MILLIS + " ms); keep consistent reads short", new IllegalStateException("torn"));
            }
            return seq;
        } finally {
            releaseHold(token);
        }
    }

    /** Runs the reads; returns the one seq they all saw, or -1 when they saw different ones. */
    private long stamped(Runnable reads) {
        SeqStamp stamp = new SeqStamp();
        stamps.set(stamp);
        try {
            reads.run();
        } finally {
            stamps.remove();
        }
        if (stamp.torn) {
            return -1;
        }
        if (stamp.seq >= 0) {
            return stamp.seq;
        }
        long seq = parseLong(call(() -> redis.get(keys.seq)));
        knownSeq.accumulateAndGet(seq, Math::max);
        return seq;
    }

    @Override
    public void addChangeListener(ChangeListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeChangeListener(ChangeListener listener) {
        listeners.remove(listener);
    }

    /** What the change feed hands over, on its thread. */
    private final class FeedSink implements ChangeFeed.Sink {

        @Override
        public void commit(ChangeSet changes) {
            knownSeq.accumulateAndGet(changes.seq(), Math::max);
            for (ChangeListener listener : listeners) {
                listener.onCommit(changes);
            }
        }

        @Override
        public void gap(long from, long to, String reason) {
            LOG.warn("Commits {} to {} cannot be delivered: {}", from, to, reason);
            for (ChangeListener listener : listeners) {
                listener.onGap(from, to, reason);
            }
        }

        @Override
        public void connectivity(boolean away, RedisException failure) {
            if (away) {
                LOG.warn("Lost Redis at {} ({}); calls fail until it is back, reconnecting", config.display(),
                        failure.getMessage());
                return;
            }
            long seq;
            try {
                seq = parseLong(redis.get(keys.seq));
            } catch (RedisException e) {
                return;
            }
            long seen = lastSeq();
            if (seq < seen) {
                diverged = "Redis at " + config.display() + " came back at commit seq " + seq + " after this server saw "
                        + seen + ": it lost commits (it restarted without persistence, or was flushed). Restart this"
                        + " server; configure Redis persistence (appendonly yes) to keep commits across restarts";
                LOG.error(diverged);
                gap(seq + 1, seen, diverged);
            } else {
                LOG.info("Redis at {} is back at commit seq {}", config.display(), seq);
            }
        }

        @Override
        public List<Object> attachments(byte[] origin) {
            List<Object> found = attachments.remove(new String(origin, StandardCharsets.UTF_8));
            return found == null ? List.of() : found;
        }
    }

    // ---------------------------------------------------------------- plumbing

    private <T> T call(Supplier<T> command) {
        try {
            return command.get();
        } catch (RedisException e) {
            throw unavailable("", e);
        }
    }

    private StorageException unavailable(String consequence, RedisException cause) {
        String detail = cause == null ? "not connected" : cause.getMessage();
        StorageException e = new StorageException("Redis at " + config.display() + " is unavailable (" + detail + ")"
                + (consequence.isEmpty() ? "" : "; " + consequence) + "; the server reconnects by itself, retry later",
                cause == null ? new RedisException("not connected") : cause);
        return e;
    }

    private void ensureUsable() {
        if (closed) {
            throw new IllegalStateException("the database is closed");
        }
        if (diverged != null) {
            throw new StorageException(diverged, new IllegalStateException("diverged"));
        }
    }

    private static long parseLong(byte[] text) {
        if (text == null || text.length == 0) {
            return 0;
        }
        long value = 0;
        for (byte b : text) {
            value = value * 10 + (b - '0');
        }
        return value;
    }

    private static byte[] number(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
    }

    private void shutdownClient() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        feed.close();
        feedConnection.close();
        try {
            feedThread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connection.close();
        shutdownClient();
    }
}
