package io.hetu.server.login;

import io.hetu.storage.Database;
import io.hetu.storage.Transaction;
import io.hetu.storage.spi.Change;
import io.hetu.storage.spi.ChangeKind;
import io.hetu.storage.spi.ChangeListener;
import io.hetu.storage.spi.ChangeSet;
import io.hetu.system.Rejection;
import io.hetu.wire.Codes;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One login per user across the servers of a shared store (docs/REDIS.md, one login across
 * servers). A login's transaction reads the user's {@link UserLogin}: held by a live connection
 * elsewhere, a login without kick is refused with {@code ALREADY_LOGGED_IN}; otherwise the row is
 * taken over in the login's own commit. Every server follows the commits, and closes its own
 * connection of a user whose row now names another connection with {@code KICKED}. A server's
 * logins count as live while its {@link ServerLease} does; a clean stop and every disconnect give
 * their rows up. On a store no other server shares, the server's own session table is the whole
 * truth and this does nothing.
 */
public final class SharedLogins implements ChangeListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SharedLogins.class);
    /** How long a lease lasts unless renewed; renewed every third of it. */
    public static final Duration LEASE = Duration.ofSeconds(15);

    /** What the server does with its own connections. */
    public interface Local {
        /** Whether this server has connection {@code connectionId} open. */
        boolean open(long connectionId);

        /** Whether a connection of this server is logged in as {@code user}. */
        boolean holds(long user);

        /** Closes this server's connection of {@code user}, if any, except {@code keep}, with KICKED. */
        void kick(long user, long keep, String reason);
    }

    private final Database database;
    private final InstantSource clock;
    private final Local local;
    private final long server;
    private final boolean active;
    private final ScheduledExecutorService thread;

    public SharedLogins(Database database, InstantSource clock, Local local) {
        this.database = database;
        this.clock = clock;
        this.local = local;
        long id;
        do {
            id = new SecureRandom().nextLong() & Long.MAX_VALUE;
        } while (id == 0);
        this.server = id;
        this.active = database.backend().shared();
        this.thread = active ? Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("hetu-logins")
                .daemon().factory()) : null;
        if (active) {
            renew();
            database.addChangeListener(this);
            long every = LEASE.toMillis() / 3;
            thread.scheduleWithFixedDelay(this::renewQuietly, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** This server's id in {@link UserLogin} and {@link ServerLease} rows. */
    public long server() {
        return server;
    }

    /** Whether logins are shared: the store is shared with other servers. */
    public boolean active() {
        return active;
    }

    private void renew() {
        Instant until = clock.instant().plus(LEASE);
        database.transact(10, tx -> tx.upsert(ServerLeaseTable.SERVER, server).until(until));
    }

    private void renewQuietly() {
        try {
            renew();
        } catch (RuntimeException e) {
            LOG.warn("The login lease of this server could not be renewed ({}); trying again", e.toString());
        }
    }

    /**
     * In the transaction of a login of {@code connection} as {@code user}: refuses it without
     * {@code kick} when another live connection holds the user, and takes the user's row over.
     */
    public void login(Transaction tx, long connection, long user, boolean kick, long previousUser) {
        if (!active) {
            return;
        }
        UserLoginRow row = tx.getBy(UserLoginTable.USER, user);
        if (row != null && !(row.server() == server && row.connection() == connection)) {
            long holder = row.server();
            if (!kick && live(tx, holder, row.connection())) {
                throw new Rejection(Codes.ALREADY_LOGGED_IN, "user " + user + " is logged in on "
                        + (holder == server ? "another connection" : "another server") + "; log in with kick to take "
                        + "the user over");
            }
        }
        Instant now = clock.instant();
        if (row == null) {
            tx.insert(UserLoginTable.TABLE).user(user).server(server).connection(connection).since(now);
        } else {
            tx.update(UserLoginTable.TABLE, tx.id(row)).server(server).connection(connection).since(now);
        }
        if (previousUser != 0 && previousUser != user) {
            UserLoginRow previous = tx.getBy(UserLoginTable.USER, previousUser);
            if (previous != null && previous.server() == server && previous.connection() == connection) {
                tx.delete(UserLoginTable.TABLE, tx.id(previous));
            }
        }
    }

    private boolean live(Transaction tx, long holder, long connection) {
        if (holder == server) {
            return local.open(connection);
        }
        ServerLeaseRow lease = tx.getBy(ServerLeaseTable.SERVER, holder);
        return lease != null && lease.until().isAfter(clock.instant());
    }

    /** Connection {@code connection}, logged in as {@code user}, closed: its row goes, unless taken over. */
    public void disconnected(long connection, long user) {
        if (!active || user == 0) {
            return;
        }
        try {
            thread.execute(() -> release(connection, user));
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // The server is stopping: its lease goes, and with it what its logins held.
        }
    }

    private void release(long connection, long user) {
        try {
            database.transact(10, tx -> {
                UserLoginRow row = tx.getBy(UserLoginTable.USER, user);
                if (row != null && row.server() == server && row.connection() == connection) {
                    tx.delete(UserLoginTable.TABLE, tx.id(row));
                }
                return null;
            });
        } catch (RuntimeException e) {
            LOG.debug("the login row of user {} was not released ({}); its lease ends it", user, e.toString());
        }
    }

    /**
     * Kicks this server's connection of every user another server's login took over. The commit
     * may be heard after a later login here took the user back, so the kick reads the user's row
     * as it is now (on this class's thread, not the change stream's) and spares the connection it names.
     */
    @Override
    public void onCommit(ChangeSet changes) {
        for (Change change : changes.changes()) {
            if (change.table() == UserLoginTable.TABLE && change.kind() != ChangeKind.DELETE) {
                UserLogin login = UserLoginTable.TABLE.newRow().wrap(change.after(), 0).toRecord();
                if (login.server() != server && local.holds(login.user())) {
                    try {
                        thread.execute(() -> kickUnlessBack(login.user()));
                    } catch (java.util.concurrent.RejectedExecutionException stopping) {
                        // The server is stopping: its connections are closing anyway.
                    }
                }
            }
        }
    }

    private void kickUnlessBack(long user) {
        long keep;
        try {
            keep = database.transact(10, tx -> {
                UserLoginRow row = tx.getBy(UserLoginTable.USER, user);
                return row != null && row.server() == server ? row.connection() : -1L;
            });
        } catch (RuntimeException e) {
            keep = -1; // the store cannot say: the commit heard is the newest news
        }
        local.kick(user, keep, "user " + user + " logged in on another server");
    }

    /** Gives up the lease (the connections' rows went with them). */
    @Override
    public void close() {
        if (!active) {
            return;
        }
        database.removeChangeListener(this);
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
            database.transact(3, tx -> {
                ServerLeaseRow lease = tx.getBy(ServerLeaseTable.SERVER, server);
                if (lease != null) {
                    tx.delete(ServerLeaseTable.TABLE, tx.id(lease));
                }
                return null;
            });
        } catch (RuntimeException e) {
            LOG.debug("the login lease was not given up ({}); it runs out by itself", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
