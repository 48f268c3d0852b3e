// Run by CSharpMonoEndToEndTest: survives a server restart and reconciles its caches.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using SdkTest.Client;
using static Checks;

public static class ReconnectProgram
{
    public static int Main(string[] args)
    {
        return Checks.Run(() => Run(args[0]));
    }

    private static async Task Run(string url)
    {
        var options = new HetuOptions { InitialBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromSeconds(1) };
        using (var client = new HetuClient(url, options))
        {
            var states = new List<HetuConnectionState>();
            client.Connection.StateChanged += state => { lock (states) states.Add(state); };
            // After a reconnect the login is slow on purpose: a call queued during the outage must
            // still wait for it, or it would reach the server before the login and be refused.
            bool reconnected = false;
            client.Connection.SessionStart = async connection =>
            {
                if (reconnected) await Task.Delay(300);
                reconnected = true;
                await client.Sdk.LoginAsync(42);
            };
            Task queued = null;
            client.Connection.StateChanged += state =>
            {
                if (state == HetuConnectionState.Reconnecting && queued == null) queued = client.Sdk.MoveToAsync(5, 6);
            };
            await client.ConnectAsync();

            var gadgets = await client.Sdk.Gadget.QueryByLevelAsync(1, 100);
            Eq("1,2,3", string.Join(",", gadgets.Rows.Values.Select(r => r.Owner).OrderBy(o => o)), "initial rows");
            var spot = await client.Sdk.Spot.SelectByOwnerAsync(42);
            var spotRow = new TaskCompletionSource<SpotRow>();
            spot.OnInsert += (id, row) => spotRow.TrySetResult(row);
            await client.Sdk.MoveToAsync(1, 1);
            Eq(1f, (await Within(spotRow.Task, "spot insert")).X, "spot before restart");

            var inserted = new TaskCompletionSource<GadgetRow>();
            var updated = new TaskCompletionSource<GadgetRow[]>();
            var deleted = new TaskCompletionSource<GadgetRow>();
            gadgets.OnInsert += (id, row) => { if (row.Owner == 4) inserted.TrySetResult(row); };
            gadgets.OnUpdate += (id, old, now) => { if (now.Owner == 2) updated.TrySetResult(new[] { old, now }); };
            gadgets.OnDelete += (id, row) => { if (row.Owner == 3) deleted.TrySetResult(row); };
            var moved = new TaskCompletionSource<SpotRow>();
            spot.OnUpdate += (id, old, now) => { if (now.X == 5f) moved.TrySetResult(now); };
            Console.WriteLine("READY");
            Console.Out.Flush();

            var pair = await Within(updated.Task, "update reconciled");
            Eq(20, pair[0].Level, "old row of the changed gadget");
            Eq(21, pair[1].Level, "new level after reconnect");
            Eq("changed", pair[1].Name, "new name after reconnect");
            Eq(3L, (await Within(deleted.Task, "delete reconciled")).Owner, "deleted while away");
            Eq(40, (await Within(inserted.Task, "insert reconciled")).Level, "inserted while away");
            Eq("1,2,4", string.Join(",", gadgets.Rows.Values.Select(r => r.Owner).OrderBy(o => o)), "cache equals the server");
            Check(gadgets.IsActive, "gadget subscription still active");
            lock (states) Check(states.Contains(HetuConnectionState.Reconnecting), "went through Reconnecting");

            Check(queued != null, "a call was made during the outage");
            await Within(queued.ContinueWith(t => t), "the call queued during the outage");
            Check(queued.Status == TaskStatus.RanToCompletion, "the call queued during the outage ran after the re-login: "
                    + (queued.Exception == null ? "ok" : queued.Exception.InnerException.Message));
            var s = await Within(moved.Task, "spot update after reconnect");
            Eq(5f, s.X, "spot subscription resumed with the session");
            Eq(6f, s.Y, "spot y after reconnect");
            Eq((long?)5, await client.Sdk.HalfAsync(10), "calls work after reconnect");
            Eq(HetuConnectionState.Connected, client.Connection.State, "connected again");
        }
    }
}
