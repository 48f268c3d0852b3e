package io.hetu.server.subscription;

import io.hetu.annotations.Permission;
import io.hetu.schema.FieldLayout;
import io.hetu.schema.IndexDef;
import io.hetu.schema.Key;
import io.hetu.schema.TableDescriptor;
import io.hetu.server.system.Session;
import io.hetu.server.system.SessionState;
import io.hetu.storage.Database;
import io.hetu.storage.spi.Backend;
import io.hetu.storage.spi.Change;
import io.hetu.storage.spi.ChangeListener;
import io.hetu.storage.spi.ChangeSet;
import io.hetu.system.Rejection;
import io.hetu.wire.Codes;
import io.hetu.wire.WireWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscription engine: serves SELECT and QUERY subscriptions (docs/PROTOCOL.md) and pushes
 * every committed change to exactly the subscriptions it concerns, under read permissions.
 *
 * <h2>Threads</h2>
 *
 * <ul>
 *   <li>{@link #onCommit} runs on the storage's publishing thread and only enqueues, or, for a
 *       commit no subscription or session depends on while nothing is queued, marks it processed.
 *   <li>One daemon thread, {@code hetu-subscriptions}, matches commits in seq order, re-reads
 *       windows and sessions that need it, and is the only thread that calls
 *       {@link Subscriber#send} and {@link Subscriber#limitExceeded}.
 *   <li>{@link #select}, {@link #selectUnique} and {@link #query} run on the caller's thread: they
 *       validate, take the snapshot with {@link Backend#readConsistent} (holding off commits for
 *       the duration of the read) and register, under the engine's lock, so they may wait for
 *       the fan-out thread to finish one commit. They never send; the SUBSCRIBED frame follows on
 *       the fan-out thread.
 *   <li>{@link #unsubscribe} and {@link #disconnected} take effect at once; {@link #sessionChanged}
 *       is queued behind the commits already published.
 * </ul>
 *
 * <h2>What a connection receives</h2>
 *
 * A SUBSCRIBED frame holds the result at its seq S, sent only once every commit up to S is durable
 * and matched, and before any UPDATE of that subscription; changes up to S are never sent for it.
 * UPDATE frames come in seq order (frames of 65,535 changes say that more of the seq follow). The
 * fan-out thread matches every commit queued while it was busy (up to {@link #MAX_BATCH}) before
 * it flushes, so one frame carries, per connection, the net effect of all of them per row and
 * subscription, stamped with the newest seq among them.
 * When a window runs out of known rows or the session changes, the engine re-reads the result at a
 * newer seq R and sends the difference with the connection's other changes up to R in one frame
 * stamped R (after a session change with no commit since, R may equal the seq of the frame
 * before); after a session change that frame goes out even when empty, and the reply to the call
 * waits for it ({@link #switched}). Whenever a connection has
 * received seq X, each of its subscriptions equals its query re-run at X with the connection's
 * permissions.
 */
public final class Subscriptions implements ChangeListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);

    /** Marks a subscription whose SUBSCRIBED frame is not built yet. */
    private static final byte[] NOT_BUILT = new byte[0];
    private static final Object WAKE = new Object();
    /**
     * The most events matched before one flush. The batch is what queued while the last one was
     * handled, so an idle engine sends each commit at once; under load the flush is shared by up
     * to this many commits.
     */
    private static final int MAX_BATCH = 512;

    private record SessionChange(Subscriber subscriber) {}

    private record Drain(CompletableFuture<Void> done) {}

    private record Gap(long toSeq, String reason) {}

    @FunctionalInterface
    private interface Factory {
        Subscription create(SubscriberState owner, int subscriptionId);
    }

    private final Backend backend;
    private final List<TableDescriptor<?, ?>> tables;
    private final SubscriptionLimits limits;
    private final TableMatcher[] matchers;
    private final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
    /** Commits and gaps queued or being handled: while there are any, commits are queued behind them. */
    private final AtomicInteger intake = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Thread fanOut;
    private final long pushWindowNanos;
    private volatile boolean closed;

    // Guarded by lock.
    private final Map<Subscriber, SubscriberState> subscribers = new IdentityHashMap<>();
    private final Set<SubscriberState> dirty = Collections.newSetFromMap(new IdentityHashMap<>());
    private final TreeMap<Long, List<CompletableFuture<Void>>> waiters = new TreeMap<>();
    private final WireWriter buffer = new WireWriter();
    /** The last commit matched. */
    private volatile long processedSeq;
    /** The last commit matched and flushed: what {@link #processed} and its waiters go by. */
    private volatile long sentSeq;
    /**
     * No SUBSCRIBED frame waiting to be sent is older than this. A batch is flushed before it
     * matches a later commit, so a snapshot never follows an UPDATE that is newer than it.
     */
    private long earliestSnapshot = Long.MAX_VALUE;
    private long changeCount;
    private long examined;
    private long serials;

    /**
     * Starts the engine over {@code database}: registers it as a change listener and starts the
     * fan-out thread.
     */
    public Subscriptions(Database database, SubscriptionLimits limits) {
        this(database, limits, Duration.ZERO);
    }

    /**
     * As above, with a push window: the fan-out thread lets at least {@code pushWindow} pass
     * between two flushes, matching what arrives meanwhile, so each connection gets at most one
     * frame per window (zero: flush after every batch).
     */
    public Subscriptions(Database database, SubscriptionLimits limits, Duration pushWindow) {
        this.pushWindowNanos = pushWindow.toNanos();
        this.backend = database.backend();
        this.tables = backend.tables();
        this.limits = limits;
        this.matchers = new TableMatcher[tables.size()];
        for (int i = 0; i < matchers.length; i++) {
            matchers[i] = new TableMatcher(tables.get(i));
        }
        database.addChangeListener(this);
        // Read after registering: every later commit is published to this listener.
        long start = backend.lastSeq();
        this.processedSeq = start;
        this.sentSeq = start;
        this.fanOut = Thread.ofPlatform().daemon().name("hetu-subscriptions").unstarted(() -> run(start));
        fanOut.start();
    }

    /** With the default limits. */
    public Subscriptions(Database database) {
        this(database, SubscriptionLimits.DEFAULTS);
    }

    // ---------------------------------------------------------------- subscribing

    /**
     * Subscribes to the row with this id of component {@code table} (its number in the database):
     * a result of one row, or none while the row does not exist or may not be read.
     *
     * @return the subscription id, which the SUBSCRIBED frame also carries
     * @throws IllegalArgumentException for an unknown table
     * @throws Rejection {@code PERMISSION} when the caller may not read the component at all
     * @throws LimitExceededException when the connection would break a {@link SubscriptionLimits}
     */
    public int select(Subscriber subscriber, int requestId, int table, long id) {
        TableDescriptor<?, ?> descriptor = table(table);
        checkReadable(subscriber.session(), descriptor);
        return register(subscriber, table, (owner, subscriptionId) -> new SelectById(owner, subscriptionId,
                requestId, table, descriptor, ReadFilter.of(descriptor, owner.viewer), id));
    }

    /**
     * Subscribes to the row whose unique column (index {@code index} of the component) holds
     * {@code key}. A row that takes the key later enters the result; one that gives it up leaves.
     *
     * @throws IllegalArgumentException for an unknown table or index, an index that is not unique,
     *     or a key of another type than the column
     * @throws Rejection {@code PERMISSION} when the caller may not read the component at all
     * @throws LimitExceededException when the connection would break a {@link SubscriptionLimits}
     */
    public int selectUnique(Subscriber subscriber, int requestId, int table, int index, Key key) {
        TableDescriptor<?, ?> descriptor = table(table);
        IndexDef indexDef = index(descriptor, index);
        if (!indexDef.unique()) {
            throw new IllegalArgumentException("index " + index + " of " + descriptor.name() + " (column "
                    + indexDef.field() + ") is not unique; select by a @Unique column, or query this one");
        }
        FieldLayout column = descriptor.layout().field(indexDef.field());
        checkKey(descriptor, column, key, "the key");
        checkReadable(subscriber.session(), descriptor);
        return register(subscriber, table, (owner, subscriptionId) -> new RangeSubscription(owner, subscriptionId,
                requestId, table, descriptor, ReadFilter.of(descriptor, owner.viewer), index, column, key, true, key,
                true, 1, false, ++serials));
    }

    /**
     * Subscribes to the rows of component {@code table} whose key on index {@code index} lies between
     * the bounds (null: unbounded), ordered by key then id (both reversed when {@code descending}),
     * at most {@code limit} of them. The window stays full: when a row leaves it, the next one
     * enters. A limit of 0 is taken as given, a result that stays empty; for "no limit" pass
     * {@link Integer#MAX_VALUE} (the connection's row limit still applies).
     *
     * @throws IllegalArgumentException for an unknown table or index, a negative limit, or a bound
     *     of another type than the column
     * @throws Rejection {@code PERMISSION} when the caller may not read the component at all
     * @throws LimitExceededException when the connection would break a {@link SubscriptionLimits}
     */
    public int query(Subscriber subscriber, int requestId, int table, int index, Key low, boolean lowInclusive,
            Key high, boolean highInclusive, int limit, boolean descending) {
        TableDescriptor<?, ?> descriptor = table(table);
        FieldLayout column = descriptor.layout().field(index(descriptor, index).field());
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, was " + limit);
        }
        if (low != null) {
            checkKey(descriptor, column, low, "the low bound");
        }
        if (high != null) {
            checkKey(descriptor, column, high, "the high bound");
        }
        checkReadable(subscriber.session(), descriptor);
        return register(subscriber, table, (owner, subscriptionId) -> new RangeSubscription(owner, subscriptionId,
                requestId, table, descriptor, ReadFilter.of(descriptor, owner.viewer), index, column, low,
                lowInclusive, high, highInclusive, limit, descending, ++serials));
    }

    private int register(Subscriber subscriber, int table, Factory factory) {
        lock.lock();
        try {
            ensureOpen();
            SubscriberState owner = subscribers.get(subscriber);
            boolean fresh = owner == null;
            if (fresh) {
                owner = new SubscriberState(subscriber, Viewer.of(subscriber.session()));
            }
            if (owner.subscriptions.size() >= limits.maxSubscriptions()) {
                throw new LimitExceededException(Codes.TOO_MANY_SUBSCRIPTIONS, "a connection may hold "
                        + limits.maxSubscriptions() + " subscriptions; unsubscribe from some before subscribing again");
            }
            Subscription subscription = factory.create(owner, owner.nextId);
            subscription.subscribedFrame = NOT_BUILT;
            Subscription.Reading[] reading = new Subscription.Reading[1];
            long seq = backend.readConsistent(() -> reading[0] = subscription.read(backend));
            if (owner.rows + reading[0].resultCount() > limits.maxRows()) {
                throw new LimitExceededException(Codes.TOO_MANY_ROWS, "this subscription would bring"
                        + " the connection's subscribed rows to " + (owner.rows + reading[0].resultCount())
                        + ", over the limit of " + limits.maxRows() + "; subscribe with a smaller limit or range");
            }
            subscription.install(reading[0], seq, buffer);
            owner.nextId++;
            owner.subscriptions.put(subscription.id, subscription);
            subscription.countedRows = subscription.rows();
            owner.rows += subscription.countedRows;
            if (fresh) {
                subscribers.put(subscriber, owner);
            }
            if (matches(subscription)) {
                matchers[table].add(subscription);
            }
            owner.awaitSubscribed(subscription);
            earliestSnapshot = Math.min(earliestSnapshot, seq);
            dirty.add(owner);
            if (seq <= processedSeq) {
                // Nothing left to match before the snapshot: let the fan-out thread send it now.
                events.add(WAKE);
            }
            return subscription.id;
        } finally {
            lock.unlock();
        }
    }

    /** A query with limit 0 can never hold a row, so no change needs to reach it. */
    private static boolean matches(Subscription subscription) {
        return !(subscription instanceof RangeSubscription range && range.limit == 0);
    }

    /**
     * Ends a subscription. Changes already sent for it may still arrive at the client; none are
     * sent after this returns.
     *
     * @return false when the connection has no subscription with this id
     */
    public boolean unsubscribe(Subscriber subscriber, int subscriptionId) {
        lock.lock();
        try {
            SubscriberState owner = subscribers.get(subscriber);
            Subscription subscription = owner == null ? null : owner.subscriptions.remove(subscriptionId);
            if (subscription == null) {
                return false;
            }
            forget(owner, subscription);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The connection's caller, admin flag or session values changed: the engine re-reads every
     * subscription of it with the new permissions, after the commits published so far, and sends
     * rows that became readable as inserts and those that did not as deletes.
     */
    public void sessionChanged(Subscriber subscriber) {
        if (!closed) {
            events.add(new SessionChange(subscriber));
        }
    }

    /** How many subscriptions each subscriber holds (those with none are absent), for the admin console. */
    public java.util.Map<Subscriber, Integer> subscriptionCounts() {
        lock.lock();
        try {
            java.util.Map<Subscriber, Integer> counts = new java.util.HashMap<>();
            subscribers.forEach((subscriber, state) -> counts.put(subscriber, state.subscriptions.size()));
            return counts;
        } finally {
            lock.unlock();
        }
    }

    /** Forgets every subscription of the connection and every frame not sent to it yet. */
    public void disconnected(Subscriber subscriber) {
        lock.lock();
        try {
            SubscriberState owner = subscribers.remove(subscriber);
            if (owner != null) {
                drop(owner);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Receives a commit from storage and enqueues it for the fan-out thread, except a commit that
     * concerns no subscription when nothing is queued before it: that one is matched here at once
     * (there is nothing to match or send), so the fan-out thread need not wake up for it.
     */
    @Override
    public void onCommit(ChangeSet changes) {
        if (closed) {
            return;
        }
        if (intake.get() == 0 && lock.tryLock()) {
            List<CompletableFuture<Void>> done = null;
            try {
                if (!closed && intake.get() == 0 && dirty.isEmpty() && concernsNobody(changes)) {
                    processedSeq = Math.max(processedSeq, changes.seq());
                    // Nothing is waiting to be sent (dirty is empty), so this one counts as sent.
                    sentSeq = processedSeq;
                    done = ripeWaiters();
                }
            } finally {
                lock.unlock();
            }
            if (done != null) {
                done.forEach(future -> future.complete(null));
                return;
            }
        }
        intake.incrementAndGet();
        events.add(changes);
    }

    /**
     * Whether matching the commit would change nothing: no subscription watches a component it
     * changed, and no connection's session could be switched by it. Under the lock.
     */
    private boolean concernsNobody(ChangeSet commit) {
        if (!commit.attachments().isEmpty() && !subscribers.isEmpty()) {
            return false;
        }
        for (Change change : commit.changes()) {
            if (!matchers[change.tableNumber()].isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** Removes and returns the waiters for seqs up to the processed one. Under the lock. */
    private List<CompletableFuture<Void>> ripeWaiters() {
        if (waiters.isEmpty() || waiters.firstKey() > sentSeq) {
            return List.of();
        }
        List<CompletableFuture<Void>> done = new ArrayList<>();
        while (!waiters.isEmpty() && waiters.firstKey() <= sentSeq) {
            done.addAll(waiters.pollFirstEntry().getValue());
        }
        return done;
    }

    /**
     * Commits this engine needed will never arrive (a shared database moved on without this
     * server): every connection's subscriptions are ended with {@code RESYNC}, so its client
     * reconnects and subscribes again from a fresh result.
     */
    @Override
    public void onGap(long fromSeq, long toSeq, String reason) {
        if (!closed) {
            intake.incrementAndGet();
            events.add(new Gap(toSeq, reason));
        }
    }

    // ---------------------------------------------------------------- waiting

    /** The seq of the last commit the engine has matched and sent (except to connections held for a re-read). */
    public long processedSeq() {
        return sentSeq;
    }

    /**
     * Completes once the engine has matched every commit up to {@code seq} and sent the frames for
     * them, except to a connection held for a re-read at a later seq (it gets them with that one).
     */
    public CompletableFuture<Void> processed(long seq) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        lock.lock();
        try {
            if (seq > sentSeq) {
                waiters.computeIfAbsent(seq, s -> new ArrayList<>()).add(done);
                return done;
            }
        } finally {
            lock.unlock();
        }
        done.complete(null);
        return done;
    }

    /**
     * Completes once the connection has been sent every frame stamped below {@code seq} and the
     * frame that switches its subscriptions to the session committed at {@code seq} (or it has no
     * subscriptions, or is gone). The reply to a call that changed the session waits for this, so
     * that nothing filtered with the old session reaches the client after the reply.
     */
    public CompletableFuture<Void> switched(Subscriber subscriber, long seq) {
        // processed(seq) completes after the flush that follows matching seq: the connection's
        // frames are sent then, unless a re-read holds them for a later seq.
        return processed(seq).thenCompose(ignored -> {
            lock.lock();
            try {
                SubscriberState owner = subscribers.get(subscriber);
                if (owner == null) {
                    return CompletableFuture.completedFuture(null);
                }
                CompletableFuture<Void> released = owner.released(sentSeq);
                if (!released.isDone()) {
                    // Kept dirty, so that the flush at the held seq completes it.
                    dirty.add(owner);
                }
                return released;
            } finally {
                lock.unlock();
            }
        });
    }

    /**
     * Completes once everything that happened before this call is delivered: every commit made
     * before it, and every subscription and session change requested before it, have all their
     * frames sent.
     */
    public CompletableFuture<Void> drained() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new IllegalStateException("the subscription engine is closed"));
        } else {
            events.add(new Drain(done));
        }
        return done;
    }

    // ---------------------------------------------------------------- the fan-out thread

    private void run(long start) {
        if (start > 0) {
            // Snapshots at the starting seq may be sent once it is durable; later seqs arrive durable.
            try {
                backend.durable(start).get();
            } catch (InterruptedException e) {
                return;
            } catch (ExecutionException e) {
                LOG.error("The subscription engine could not learn whether commit {} is durable", start, e);
            }
        }
        List<Object> batch = new ArrayList<>();
        long lastFlush = System.nanoTime() - pushWindowNanos;
        while (!closed) {
            try {
                batch.add(events.take());
            } catch (InterruptedException e) {
                break;
            }
            long flushAt = lastFlush + pushWindowNanos;
            List<CompletableFuture<Void>> done;
            // Everything queued meanwhile joins the batch (and, with a push window, everything that
            // arrives before the window ends): its frames go out in one flush, so a connection gets
            // one UPDATE for all the commits of the batch that concern it.
            while (true) {
                events.drainTo(batch, MAX_BATCH - batch.size());
                if (!handleAll(batch)) {
                    return;
                }
                long wait = flushAt - System.nanoTime();
                if (wait <= 0) {
                    break;
                }
                try {
                    Object next = events.poll(wait, TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                } catch (InterruptedException e) {
                    return;
                }
            }
            lock.lock();
            try {
                if (closed) {
                    break;
                }
                flushDirty();
                sentSeq = processedSeq;
                done = ripeWaiters();
            } finally {
                lock.unlock();
            }
            lastFlush = System.nanoTime();
            done.forEach(future -> future.complete(null));
        }
    }

    /** Matches a batch of events under the lock and empties it; false once the engine is closed. */
    private boolean handleAll(List<Object> batch) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            for (Object event : batch) {
                try {
                    handle(event);
                } catch (RuntimeException e) {
                    LOG.error("The subscription engine failed on {}", event, e);
                } finally {
                    if (event instanceof ChangeSet || event instanceof Gap) {
                        intake.decrementAndGet();
                    }
                }
            }
            return true;
        } finally {
            lock.unlock();
            batch.clear();
        }
    }

    private void handle(Object event) {
        switch (event) {
            case ChangeSet commit -> match(commit);
            case SessionChange change -> reevaluate(change.subscriber());
            case Gap gap -> resync(gap);
            // Every re-read and snapshot so far saw at most the latest seq: once that is matched, all is sent.
            case Drain drain -> waiters.computeIfAbsent(Math.max(backend.lastSeq(), processedSeq),
                    s -> new ArrayList<>()).add(drain.done());
            default -> {
                // WAKE: only the flush that follows every event.
            }
        }
    }

    private void match(ChangeSet commit) {
        long seq = commit.seq();
        if (seq <= processedSeq) {
            return;
        }
        if (seq > earliestSnapshot) {
            // The connections with this snapshot get what is gathered so far, then the snapshot,
            // before any change newer than it.
            flushDirty();
            earliestSnapshot = Long.MAX_VALUE;
            for (SubscriberState owner : dirty) {
                earliestSnapshot = Math.min(earliestSnapshot, owner.earliestAwaiting());
            }
        }
        List<Subscription> involved = new ArrayList<>();
        for (Change change : commit.changes()) {
            TableMatcher matcher = matchers[change.tableNumber()];
            if (matcher.isEmpty()) {
                continue;
            }
            long changeNumber = ++changeCount;
            matcher.candidates(change, subscription -> {
                if (subscription.lastChange == changeNumber || seq <= subscription.ignoreThrough) {
                    return;
                }
                subscription.lastChange = changeNumber;
                examined++;
                if (subscription.lastCommit != seq) {
                    subscription.lastCommit = seq;
                    involved.add(subscription);
                }
                subscription.apply(change, seq);
            });
        }
        processedSeq = seq;
        applySessions(commit);
        List<Subscription> unknown = new ArrayList<>();
        for (Subscription subscription : involved) {
            if (!subscription.finish(backend, seq)) {
                unknown.add(subscription);
            }
            dirty.add(subscription.owner);
        }
        countRows(involved);
        if (!unknown.isEmpty()) {
            countRows(reread(unknown));
        }
    }

    /**
     * A committed call changed a connection's session: its subscriptions switch to the new
     * identity at this commit's seq, in order with every other commit (a re-read holds the
     * connection's frames until the engine reaches it).
     */
    private void applySessions(ChangeSet commit) {
        for (Object attachment : commit.attachments()) {
            if (attachment instanceof SessionState state) {
                for (SubscriberState owner : subscribers.values()) {
                    if (owner.subscriber.session() == state.session()) {
                        reevaluate(owner, new Viewer(state.caller(), state.admin(), state.session().isOperator(),
                                Map.copyOf(state.values())));
                    }
                }
            }
        }
    }

    private void reevaluate(Subscriber subscriber) {
        SubscriberState owner = subscribers.get(subscriber);
        if (owner != null) {
            reevaluate(owner, Viewer.of(subscriber.session()));
        }
    }

    private void reevaluate(SubscriberState owner, Viewer viewer) {
        if (viewer.equals(owner.viewer)) {
            return;
        }
        owner.viewer = viewer;
        List<Subscription> all = new ArrayList<>(owner.subscriptions.values());
        for (Subscription subscription : all) {
            subscription.filter = ReadFilter.of(subscription.descriptor, viewer);
        }
        if (!all.isEmpty()) {
            countRows(reread(all));
            owner.switched();
        }
    }

    /**
     * Re-reads subscriptions at one new seq R and sends each the difference from what its
     * subscriber holds. Their connections are held until the engine reaches R, and snapshots of
     * theirs not sent yet are re-read too, so that nothing they receive is older than R. Returns
     * every subscription it re-read.
     */
    private List<Subscription> reread(List<Subscription> subscriptions) {
        Set<Subscription> all = new LinkedHashSet<>(subscriptions);
        Set<SubscriberState> owners = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Subscription subscription : subscriptions) {
            if (owners.add(subscription.owner)) {
                for (Subscription sibling : subscription.owner.subscriptions.values()) {
                    if (sibling.awaitingSubscribed()) {
                        all.add(sibling);
                    }
                }
            }
        }
        List<Subscription> list = new ArrayList<>(all);
        Subscription.Reading[] readings = new Subscription.Reading[list.size()];
        long seq = backend.readConsistent(() -> {
            for (int i = 0; i < readings.length; i++) {
                readings[i] = list.get(i).read(backend);
            }
        });
        for (int i = 0; i < readings.length; i++) {
            Subscription subscription = list.get(i);
            subscription.install(readings[i], seq, buffer);
            if (subscription.awaitingSubscribed()) {
                earliestSnapshot = Math.min(earliestSnapshot, seq);
            }
        }
        for (SubscriberState owner : owners) {
            owner.holdUntil(seq);
            dirty.add(owner);
        }
        return list;
    }

    /** Updates the connections' row counts and closes those over the limit. */
    private void countRows(List<Subscription> subscriptions) {
        List<SubscriberState> over = new ArrayList<>();
        for (Subscription subscription : subscriptions) {
            SubscriberState owner = subscription.owner;
            if (owner.closed) {
                continue;
            }
            int rows = subscription.rows();
            owner.rows += rows - subscription.countedRows;
            subscription.countedRows = rows;
            if (owner.rows > limits.maxRows() && !over.contains(owner)) {
                over.add(owner);
            }
        }
        for (SubscriberState owner : over) {
            if (owner.rows > limits.maxRows()) {
                // Counted before drop(), which gives the rows back.
                long held = owner.rows;
                subscribers.remove(owner.subscriber);
                drop(owner);
                owner.subscriber.limitExceeded(new LimitExceededException(Codes.TOO_MANY_ROWS,
                        "the connection's subscriptions grew to " + held + " rows, over the limit of "
                                + limits.maxRows() + "; subscribe with limits or narrower ranges"));
            }
        }
    }

    private void flushDirty() {
        if (dirty.isEmpty()) {
            return;
        }
        for (SubscriberState owner : new ArrayList<>(dirty)) {
            try {
                owner.flush(processedSeq);
            } catch (RuntimeException e) {
                LOG.error("Sending to a subscriber failed; forgetting its subscriptions", e);
                if (subscribers.get(owner.subscriber) == owner) {
                    subscribers.remove(owner.subscriber);
                }
                drop(owner);
            }
            if (owner.closed || !owner.pending()) {
                dirty.remove(owner);
            }
        }
    }

    private void resync(Gap gap) {
        for (SubscriberState owner : new ArrayList<>(subscribers.values())) {
            subscribers.remove(owner.subscriber);
            drop(owner);
            owner.subscriber.limitExceeded(new LimitExceededException(Codes.RESYNC, gap.reason()
                    + "; reconnect and subscribe again"));
        }
        processedSeq = Math.max(processedSeq, gap.toSeq());
    }

    private void forget(SubscriberState owner, Subscription subscription) {
        if (matches(subscription)) {
            matchers[subscription.table].remove(subscription);
        }
        owner.rows -= subscription.countedRows;
        owner.forget(subscription);
    }

    private void drop(SubscriberState owner) {
        for (Subscription subscription : owner.subscriptions.values()) {
            forget(owner, subscription);
        }
        owner.subscriptions.clear();
        owner.close();
        dirty.remove(owner);
    }

    // ---------------------------------------------------------------- validation

    private TableDescriptor<?, ?> table(int table) {
        if (table < 0 || table >= tables.size()) {
            throw new IllegalArgumentException("no component has number " + table + "; there are " + tables.size());
        }
        return tables.get(table);
    }

    private static IndexDef index(TableDescriptor<?, ?> table, int index) {
        if (index < 0 || index >= table.indexes().size()) {
            throw new IllegalArgumentException(table.name() + " has no index " + index + "; it has "
                    + table.indexes().size());
        }
        return table.indexes().get(index);
    }

    private static void checkKey(TableDescriptor<?, ?> table, FieldLayout column, Key key, String what) {
        if (key == null) {
            throw new IllegalArgumentException(what + " for " + table.name() + "." + column.name() + " is missing");
        }
        if (key.type() != column.type()) {
            throw new IllegalArgumentException(what + " is a " + key.type().wireName() + " key, but "
                    + table.name() + "." + column.name() + " is " + column.type().wireName());
        }
    }

    private static void checkReadable(Session session, TableDescriptor<?, ?> table) {
        Permission permission = table.permission();
        String problem = switch (permission) {
            case NONE -> " is read by server code only";
            case USER -> session.caller() == 0 ? " can be read by logged-in users only; log in first" : null;
            case ADMIN -> session.isAdmin() ? null : " can be read by administrators only";
            case EVERYBODY, OWNER, RLS -> null;
        };
        if (problem != null) {
            throw new Rejection(Codes.PERMISSION, table.namespace() + "." + table.name() + problem);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the subscription engine is closed");
        }
    }

    // ---------------------------------------------------------------- for tests of matching cost

    /** How many times a change was applied to a subscription that its index lookups returned. */
    long examined() {
        lock.lock();
        try {
            return examined;
        } finally {
            lock.unlock();
        }
    }

    /** How many interval-tree nodes range lookups have visited. */
    long rangeNodesVisited() {
        lock.lock();
        try {
            long visited = 0;
            for (TableMatcher matcher : matchers) {
                visited += matcher.nodesVisited();
            }
            return visited;
        } finally {
            lock.unlock();
        }
    }

    /** Stops the fan-out thread; frames not sent yet are dropped and waiters fail. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        backend.removeChangeListener(this);
        fanOut.interrupt();
        if (Thread.currentThread() != fanOut) {
            try {
                fanOut.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        lock.lock();
        try {
            waiters.values().forEach(pending::addAll);
            waiters.clear();
            for (SubscriberState owner : subscribers.values()) {
                drop(owner);
            }
            subscribers.clear();
        } finally {
            lock.unlock();
        }
        IllegalStateException reason = new IllegalStateException("the subscription engine is closed");
        pending.forEach(future -> future.completeExceptionally(reason));
        for (Object event : events) {
            if (event instanceof Drain drain) {
                drain.done().completeExceptionally(reason);
            }
        }
        events.clear();
    }
}
