// Run by CSharpMonoEndToEndTest: after a call, WhenSeenAsync waits until the subscriptions hold its writes. A call
// completes when its RESULT comes, which may be before the UPDATE of its commit; WhenSeenAsync(LastCallSeq) completes
// once that UPDATE (or a later frame) is applied.
using System;
using System.Linq;
using System.Threading.Tasks;
using SdkTest.Client;
using static Checks;

public static class SeenProgram
{
    public static int Main(string[] args)
    {
        return Checks.Run(() => Run(args[0]));
    }

    private static async Task Run(string url)
    {
        var client = new HetuClient(url, new HetuOptions { PingInterval = TimeSpan.FromHours(1) });
        var connection = client.Connection;
        await client.ConnectAsync();

        // Nothing subscribed: nothing could still change, so it completes at once, whatever the seq.
        await Within(connection.WhenSeenAsync(1L << 60), "WhenSeenAsync without subscriptions");

        await client.LoginAsync(c => c.Sdk.LoginAsync(21));
        var spot = await client.Sdk.Spot.SelectByOwnerAsync(21);
        long previous = 0;
        var growing = true;
        for (var i = 1; i <= 20; i++)
        {
            await client.Sdk.MoveToAsync(i, -i);
            var seq = connection.LastCallSeq;
            growing &= seq > previous;
            previous = seq;
            await Within(connection.WhenSeenAsync(seq), "WhenSeenAsync of move " + i);
            Eq((float)i, spot.Rows.Values.Single().X, "after WhenSeenAsync the cache holds move " + i);
        }
        Check(growing, "every move commits, so LastCallSeq grows");

        // One commit of 3,000 rows, all inside a query: every one is in the cache once WhenSeenAsync() completes.
        var gadgets = await client.Sdk.Gadget.QueryByOwnerAsync(100000, 102999);
        await client.Sdk.FillGadgetsAsync(100000, 3000, 7);
        await Within(connection.WhenSeenAsync(), "WhenSeenAsync of the fill");
        Eq(3000, gadgets.Rows.Count, "the whole commit is in the cache");

        // A write no subscription covers sends this connection no frame: WhenSeenAsync waits, and completes once
        // nothing subscribed could still change it (here: both subscriptions ended).
        await client.Sdk.SaveGadgetAsync(5, 1, "outside", Mood.Calm, new byte[0], 0, 0, null, null);
        var waiting = connection.WhenSeenAsync();
        await Task.Delay(100);
        Check(!waiting.IsCompleted, "a write no subscription covers leaves WhenSeenAsync waiting");
        await gadgets.UnsubscribeAsync();
        await spot.UnsubscribeAsync();
        await Within(waiting, "WhenSeenAsync once nothing is subscribed");

        await client.CloseAsync();
        try
        {
            await Within(connection.WhenSeenAsync(connection.LastCallSeq + 1), "WhenSeenAsync after close");
            Check(false, "WhenSeenAsync after close fails");
        }
        catch (HetuConnectionException e)
        {
            Eq("CLOSED", e.Code, "WhenSeenAsync after close fails with CLOSED");
        }
    }
}
