// Run by CSharpMonoEndToEndTest: a login as another user on the same connection, a subscription cancelled while
// that login renews it, the client kicked by that login, and what a rejection prints.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using SdkTest.Client;
using static Checks;

public static class SessionsProgram
{
    public static int Main(string[] args)
    {
        return Checks.Run(() => Run(args[0]));
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

    private static string Owners(HetuSubscription<SpotRow> spots)
    {
        lock (spots) return string.Join(",", spots.Rows.Values.Select(r => r.Owner).OrderBy(o => o));
    }

    private static async Task Run(string url)
    {
        using (var client = new HetuClient(url))
        using (var other = new HetuClient(url))
        {
            var errors = new List<string>();
            client.Connection.Error += e => { lock (errors) errors.Add(e.ToString()); };
            var otherErrors = new List<string>();
            other.Connection.Error += e => { lock (otherErrors) otherErrors.Add(e.Message); };
            await client.ConnectAsync();
            await other.ConnectAsync();
            await client.LoginAsync(c => c.Sdk.LoginAsync(7));
            await client.Sdk.MoveToAsync(1, 1);
            await other.LoginAsync(c => c.Sdk.LoginAsync(8));
            await other.Sdk.MoveToAsync(8, 8);
            foreach (var owner in new long[] { 300, 301 }) await client.Sdk.SaveGadgetAsync(owner, 70, "g" + owner, Mood.Calm, new byte[0], 0, 0, null, null);

            var spots = await client.Sdk.Spot.QueryByOwnerAsync();
            Check(Owners(spots) == "7", "before the switch the cache holds user 7's spot: " + Owners(spots));
            var events = new List<string>();
            spots.OnInsert += (id, row) => { lock (events) events.Add("insert " + row.Owner); };
            spots.OnDelete += (id, row) => { lock (events) events.Add("delete " + row.Owner); };
            var kept = await client.Sdk.Gadget.QueryByLevelAsync(70, 99);
            var doomed = await client.Sdk.Gadget.QueryByLevelAsync(70, 99);
            var keptEvents = 0;
            kept.OnInsert += (id, row) => keptEvents++;
            kept.OnDelete += (id, row) => keptEvents++;

            // The login renews every subscription; one is cancelled while its renewal is in flight, with writes
            // behind it that change its result.
            var login = client.LoginAsync(c => c.Sdk.LoginAsync(8));
            var cancelled = doomed.UnsubscribeAsync();
            var writes = new[] { 300L, 301L }.Select(owner => client.Sdk.SaveGadgetAsync(owner, 71, "g" + owner, Mood.Calm, new byte[0], 0, 0, null, null)).ToArray();
            await login;
            Check(Owners(spots) == "8", "when LoginAsync completes the cache holds user 8's spot only: " + Owners(spots));
            lock (events) Check(string.Join(",", events.OrderBy(e => e)) == "delete 7,insert 8", "the switch fired: " + string.Join(",", events));
            await cancelled;
            await Task.WhenAll(writes);
            await Until(() => { lock (kept) return kept.Rows.Values.All(r => r.Level == 71); }, "the kept subscription follows the writes");
            Check(keptEvents == 0, "rows the login does not change fire no insert or delete");
            Check(!doomed.IsActive, "the cancelled subscription ended");
            Check(client.Connection.State == HetuConnectionState.Connected, "the client stays connected");

            await Until(() => other.Connection.State == HetuConnectionState.Closed, "the other client is kicked and closes");
            lock (otherErrors) Check(otherErrors.Any(e => e.StartsWith("KICKED")), "the kick reached Error: " + string.Join(" | ", otherErrors));

            try
            {
                await client.Sdk.RefuseAsync("NO_WAY");
                Check(false, "refuse rejects");
            }
            catch (HetuRejectionException e)
            {
                Check(e.ToString().StartsWith("HetuRejectionException NO_WAY: refused: NO_WAY"), "ToString has the code: " + e);
                Check(e.StackTrace != null && e.ToString().EndsWith(e.StackTrace), "ToString keeps the stack trace");
            }
            lock (errors) Check(errors.Count == 0, "no errors: " + string.Join(" | ", errors));
        }
    }
}
