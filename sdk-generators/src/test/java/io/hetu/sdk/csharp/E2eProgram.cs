// A client of the test app, run by CSharpMonoEndToEndTest against a live server.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using SdkTest.Client;
using static Checks;

public static class E2eProgram
{
    public static int Main(string[] args)
    {
        return Checks.Run(() => Run(args[0]));
    }

    private static string InListOrder(HetuSubscription<StandingRow> subscription)
    {
        var rows = subscription.Rows.Values.ToList();
        rows.Sort(StandingRow.CompareListOrder);
        return string.Join(",", rows.Select(r => r.Player + ":" + r.Points));
    }

    /// <summary>Waits until the condition holds; the bound only guards against a hang.</summary>
    private static async Task Until(Func<bool> condition, string what)
    {
        var start = DateTime.UtcNow;
        while (!condition())
        {
            if (DateTime.UtcNow - start > TimeSpan.FromSeconds(60)) throw new TimeoutException(what);
            await Task.Delay(5);
        }
        Check(true, what);
    }

    /// <summary>Guards against a hang only; the Java side has its own process limit too.</summary>
    private static async Task<T> Within<T>(Task<T> task, string what)
    {
        if (await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(60))) != task) throw new TimeoutException(what);
        return await task;
    }

    private static async Task Run(string url)
    {
        using (var client = new HetuClient(url))
        {
            await client.ConnectAsync();
            Check(client.Connection.State == HetuConnectionState.Connected, "connected");

            try
            {
                await client.Sdk.RefuseAsync("NOT_ENOUGH_GOLD");
                Check(false, "refuse rejects");
            }
            catch (HetuRejectionException e)
            {
                Eq("NOT_ENOUGH_GOLD", e.Code, "rejection code");
                Eq("refused: NOT_ENOUGH_GOLD", e.Message, "rejection message");
            }
            try
            {
                await client.Sdk.MoveToAsync(1, 2);
                Check(false, "moveTo before login rejects");
            }
            catch (HetuRejectionException e)
            {
                Eq("PERMISSION", e.Code, "moveTo before login");
            }
            await client.Sdk.LoginAsync(42);

            var sum = await client.Sdk.AddAsync(new Vec(1.5f, -2f), new Vec(0.25f, 4f));
            Eq(1.75f, sum.X, "add x");
            Eq(2f, sum.Y, "add y");
            var words = await client.Sdk.SplitAsync("héllo wörld 你好 🎲");
            Eq("héllo|wörld|你好|🎲", string.Join("|", words), "split multi-byte");
            Eq((long?)21, await client.Sdk.HalfAsync(42), "half 42");
            Eq((long?)null, await client.Sdk.HalfAsync(null), "half null");
            Eq((long?)-4611686018427387904L, await client.Sdk.HalfAsync(long.MinValue), "half min");
            var extremes = await client.Sdk.ExtremesAsync();
            Eq("-9223372036854775808,9223372036854775807,0", string.Join(",", extremes), "extremes");
            Eq(long.MinValue, extremes[0], "extremes min");
            Eq(long.MaxValue, extremes[1], "extremes max");

            var inFlight = Enumerable.Range(0, 64).Select(i => client.Sdk.HalfAsync(i * 2L)).ToArray();
            await Task.WhenAll(inFlight);
            Check(inFlight.Select((t, i) => t.Result == i).All(x => x), "64 calls in flight, each its own result");

            var gadgets = await client.Sdk.Gadget.QueryByLevelAsync(10, 20);
            Eq(0, gadgets.Rows.Count, "empty query");
            var spot = await client.Sdk.Spot.SelectByOwnerAsync(42);
            Check(spot.Row == null, "no spot yet");

            var inserted = new TaskCompletionSource<GadgetRow>();
            gadgets.OnInsert += (id, row) => inserted.TrySetResult(row);
            var at = -1500000123L;
            var gadgetId = await client.Sdk.SaveGadgetAsync(7, 12, "Ünï✓你好", Mood.Angry, new byte[] { 1, 2, 255 }, at,
                    3600000000001L, null, "ø€");
            var g = await Within(inserted.Task, "gadget insert");
            Check(gadgets.Rows.ContainsKey(gadgetId) && gadgets.Rows[gadgetId] == g, "cache holds the row by id");
            Eq(7L, g.Owner, "owner");
            Eq(12, g.Level, "level");
            Eq("Ünï✓你好", g.Name, "multi-byte name");
            Eq(true, g.Flag, "flag");
            Eq((sbyte)-12, g.Tiny, "tiny");
            Eq((short)36, g.Small, "small");
            Eq(3f, g.Ratio, "ratio");
            Eq(4.0, g.Precise, "precise");
            Eq('Ü', g.Letter, "letter");
            Eq(Mood.Angry, g.Mood, "mood");
            Eq("01-02-FF", BitConverter.ToString(g.Data), "data");
            Eq(at, g.AtNanos, "negative instant nanos");
            Eq(new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(-15000002), g.At, "negative instant as DateTime");
            Eq(3600000000001L, g.SpanNanos, "duration nanos");
            Eq(TimeSpan.FromHours(1), g.Span, "duration as TimeSpan");
            Eq((int?)null, g.Maybe, "null int");
            Eq("ø€", g.Note, "nullable string present");

            var updated = new TaskCompletionSource<GadgetRow[]>();
            gadgets.OnUpdate += (id, old, now) => updated.TrySetResult(new[] { old, now });
            await client.Sdk.SaveGadgetAsync(7, 14, "", Mood.Calm, new byte[0], 0, -1, -5, null);
            var pair = await Within(updated.Task, "gadget update");
            Eq(12, pair[0].Level, "update old level");
            Eq(14, pair[1].Level, "update new level");
            Eq((int?)-5, pair[1].Maybe, "nullable int present");
            Eq((string)null, pair[1].Note, "null string");
            Eq("", pair[1].Name, "empty string");
            Eq('-', pair[1].Letter, "letter of empty name");
            Eq(-1L, pair[1].SpanNanos, "negative duration");
            Eq(gadgets.Rows[gadgetId], pair[1], "cache has the new row");

            var spotInserted = new TaskCompletionSource<SpotRow>();
            spot.OnInsert += (id, row) => spotInserted.TrySetResult(row);
            await client.Sdk.MoveToAsync(3.5f, -1f);
            var s = await Within(spotInserted.Task, "spot insert");
            Eq(3.5f, s.X, "spot x");
            Eq(-1f, s.Y, "spot y");
            Eq(42L, s.Owner, "spot owner");
            Check(spot.Row == s, "select row");

            var deleted = new TaskCompletionSource<long>();
            gadgets.OnDelete += (id, row) => deleted.TrySetResult(id);
            await client.Sdk.SaveGadgetAsync(7, 30, "far", Mood.Happy, new byte[0], 0, 0, null, null);
            Eq(gadgetId, await Within(deleted.Task, "gadget leaves the range"), "delete when out of range");
            Eq(0, gadgets.Rows.Count, "cache empty after delete");

            var byId = await client.Sdk.Gadget.SelectByIdAsync(gadgetId);
            Eq(30, byId.Row.Level, "select by id");
            Eq(Mood.Happy, byId.Row.Mood, "select by id mood");

            for (var i = 1; i <= 5; i++) await client.Sdk.SaveGadgetAsync(100 + i, i, "n" + i, Mood.Calm, new byte[0], 0, 0, i, null);
            var top = await client.Sdk.Gadget.QueryByLevelAsync(1, 5, 2, true);
            Eq("4,5", string.Join(",", top.Rows.Values.Select(r => r.Level).OrderBy(l => l)), "descending limit 2");
            var open = await client.Sdk.Gadget.QueryByLevelAsync(2, 4, HetuQuery.NoLimit, false, false, true);
            Eq("3,4", string.Join(",", open.Rows.Values.Select(r => r.Level).OrderBy(l => l)), "exclusive low bound");

            await top.UnsubscribeAsync();
            Check(!top.IsActive, "unsubscribed");
            var watcher = await client.Sdk.Gadget.QueryByLevelAsync(5, 6);
            var watched = new TaskCompletionSource<GadgetRow>();
            watcher.OnInsert += (id, row) => watched.TrySetResult(row);
            await client.Sdk.SaveGadgetAsync(106, 6, "six", Mood.Calm, new byte[0], 0, 0, null, null);
            await Within(watched.Task, "watcher insert");
            // Subscriptions move together: once the watcher saw level 6, an active 'top' would have too.
            Eq("4,5", string.Join(",", top.Rows.Values.Select(r => r.Level).OrderBy(l => l)), "no updates after unsubscribe");

            Eq(true, await client.Sdk.RemoveGadgetAsync(106), "remove existing");
            Eq(false, await client.Sdk.RemoveGadgetAsync(106), "remove missing");
            // A sorted list: one standing per player, at most ten, most points first, then name, then posting order.
            var podium = await client.Sdk.Standing.SubscribeTopAsync(3, 3);
            var board = await client.Sdk.Standing.SubscribeListAsync(3);
            var model = new List<Tuple<long, int, string, int>>();
            var podiumLeft = 0;
            podium.OnDelete += (id, row) => podiumLeft++;
            for (var i = 0; i < 30; i++)
            {
                long player = (i * 7) % 13;
                var points = (i * 37) % 50;
                model.RemoveAll(t => t.Item1 == player);
                model.Add(Tuple.Create(player, points, "p" + player, i));
                model = model.OrderByDescending(t => t.Item2).ThenBy(t => t.Item3, StringComparer.Ordinal)
                        .ThenBy(t => t.Item4).Take(10).ToList();
                await client.Sdk.PostStandingAsync(3, player, points, "p" + player);
                var expected = string.Join(",", model.Select(t => t.Item1 + ":" + t.Item2));
                await Until(() => InListOrder(board) == expected, "the board after post " + i);
                await Until(() => InListOrder(podium) == string.Join(",", model.Take(3).Select(t => t.Item1 + ":" + t.Item2)),
                        "the podium after post " + i);
            }
            Eq(10, board.Rows.Count, "the board keeps ten");
            Check(podiumLeft > 0, "rows left the podium as deletes");
            // Names whose UTF-16 order is not the server's (code points, the order of their UTF-8 bytes): U+FF01 comes
            // before U+1F600. CompareListOrder agrees with the row the server puts first.
            await client.Sdk.PostStandingAsync(4, 1, 5, "\U0001F600");
            await client.Sdk.PostStandingAsync(4, 2, 5, "\uFF01");
            var first = await client.Sdk.Standing.SubscribeTopAsync(4, 1);
            var both = await client.Sdk.Standing.SubscribeListAsync(4);
            Eq("2", string.Join(",", first.Rows.Values.Select(r => r.Player)), "the server's first row of season 4");
            Eq("2:5,1:5", InListOrder(both), "CompareListOrder orders text by code point");

            Check(await client.Connection.PingAsync() >= TimeSpan.Zero, "ping");
            Check(client.Connection.Seq > 0, "seq advanced");
            await client.CloseAsync();
            Eq(HetuConnectionState.Closed, client.Connection.State, "closed");
        }
    }
}
