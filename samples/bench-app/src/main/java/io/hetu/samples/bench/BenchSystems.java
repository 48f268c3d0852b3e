package io.hetu.samples.bench;

import io.hetu.annotations.GameSystem;
import io.hetu.annotations.OnServerStart;
import io.hetu.annotations.Permission;
import io.hetu.system.SystemContext;

/**
 * The systems {@code hetu bench} calls. HeTu's four workloads (hello world, get, get+update,
 * get×2+update×2 over 30,000 rows), SpacetimeDB's transfer (100,000 accounts) and a push workload.
 * The rows are created on the first start.
 */
public final class BenchSystems {

    /** Rows of {@link Item} and of {@link Stock}. */
    public static final int ITEMS = 30_000;
    /** Rows of {@link Account}. */
    public static final int ACCOUNTS = 100_000;
    /** The balance every account starts with. */
    public static final long OPENING_BALANCE = 1_000;
    /** Rows of {@link Slot}. */
    public static final int SLOTS = 10_000;

    private BenchSystems() {}

    /** Creates the rows when the store is empty; a store that has them keeps them. */
    @OnServerStart
    static void seed(SystemContext ctx) {
        if (ctx.getBy(SlotTable.KEY, SLOTS - 1) != null) {
            return;
        }
        // Inserts, not upserts: a transaction looks a unique key up among its own writes first.
        for (long key = 0; key < ITEMS; key++) {
            ctx.insert(ItemTable.TABLE, new Item(key, key));
            ctx.insert(StockTable.TABLE, new Stock(key, key));
        }
        for (long key = 0; key < ACCOUNTS; key++) {
            ctx.insert(AccountTable.TABLE, new Account(key, OPENING_BALANCE));
        }
        for (long key = 0; key < SLOTS; key++) {
            ctx.insert(SlotTable.TABLE, new Slot(key, 0, 0));
        }
    }

    /** Logs the connection in as {@code user}: {@code hetu bench --once} does, so that its calls run once. */
    @GameSystem(namespace = "bench", permission = Permission.EVERYBODY)
    static void login(SystemContext ctx, long user) {
        ctx.elevate(user, true);
    }

    /** Hello world: no storage at all. */
    @GameSystem(namespace = "bench", permission = Permission.EVERYBODY)
    static String hello(SystemContext ctx) {
        return "hello world";
    }

    /** Get: one read by unique key. */
    @GameSystem(namespace = "bench", permission = Permission.EVERYBODY)
    static long get(SystemContext ctx, long key) {
        return item(ctx, key).value();
    }

    /** Get+update: read a row by unique key and write it back changed. */
    @GameSystem(namespace = "bench", permission = Permission.EVERYBODY, retry = 999)
    static long getUpdate(SystemContext ctx, long key) {
        ItemRow item = item(ctx, key);
        long value = item.value() + 1;
        ctx.update(ItemTable.TABLE, ctx.id(item)).value(value);
        return value;
    }

    /** Get×2+update×2: the same on two rows of two components. */
    @GameSystem(namespace = "bench", permission = Permission.EVERYBODY, retry = 999)
    static long getUpdate2(SystemContext ctx, long itemKey, long stockKey) {
        ItemRow item = item(ctx, itemKey);
        StockRow stock = ctx.getBy(StockTable.KEY, stockKey);
        if (stock == null) {
            throw ctx.reject("NO_ROW", "no Stock has key " + stockKey + "; keys are 0.." + (ITEMS - 1));
        }
        long itemValue = item.value() + 1;
        long stockValue = stock.value() - 1;
        ctx.update(ItemTable.TABLE, ctx.id(item)).value(itemValue);
        ctx.update(StockTable.TABLE, ctx.id(stock)).value(stockValue);
        return itemValue + stockValue;
    }

    /**
     * Transfer: moves {@code amount} from one account to another when the first holds enough;
     * returns whether it moved. The total over all accounts never changes.
     */
    @GameSystem(namespace = "bench", permission = Permission.EVERYBODY, retry = 999)
    static boolean transfer(SystemContext ctx, long from, long to, long amount) {
        if (from == to || amount <= 0) {
            return false;
        }
        AccountRow source = account(ctx, from);
        AccountRow target = account(ctx, to);
        long sourceBalance = source.balance();
        long targetBalance = target.balance();
        if (sourceBalance < amount) {
            return false;
        }
        ctx.update(AccountTable.TABLE, ctx.id(source)).balance(sourceBalance - amount);
        ctx.update(AccountTable.TABLE, ctx.id(target)).balance(targetBalance + amount);
        return true;
    }

    /** The sum of all balances: {@code ACCOUNTS * OPENING_BALANCE} whatever the transfers did. */
    @GameSystem(namespace = "bench", permission = Permission.EVERYBODY)
    static long totalBalance(SystemContext ctx) {
        long total = 0;
        for (long key = 0; key < ACCOUNTS; key++) {
            total += account(ctx, key).balance();
        }
        return total;
    }

    /** Push: stamps a slot with the server's clock, so subscribers can time the change's way to them. */
    @GameSystem(namespace = "bench", permission = Permission.EVERYBODY, retry = 999)
    static void touch(SystemContext ctx, long key) {
        SlotRow slot = ctx.getBy(SlotTable.KEY, key);
        if (slot == null) {
            throw ctx.reject("NO_ROW", "no Slot has key " + key + "; keys are 0.." + (SLOTS - 1));
        }
        long writes = slot.writes() + 1;
        ctx.update(SlotTable.TABLE, ctx.id(slot)).writes(writes).stamp(System.nanoTime());
    }

    private static ItemRow item(SystemContext ctx, long key) {
        ItemRow item = ctx.getBy(ItemTable.KEY, key);
        if (item == null) {
            throw ctx.reject("NO_ROW", "no Item has key " + key + "; keys are 0.." + (ITEMS - 1));
        }
        return item;
    }

    private static AccountRow account(SystemContext ctx, long key) {
        AccountRow account = ctx.getBy(AccountTable.KEY, key);
        if (account == null) {
            throw ctx.reject("NO_ROW", "no Account has key " + key + "; keys are 0.." + (ACCOUNTS - 1));
        }
        return account;
    }
}
