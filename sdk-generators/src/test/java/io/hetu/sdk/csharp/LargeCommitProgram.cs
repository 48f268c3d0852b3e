// Run by CSharpMonoEndToEndTest: one commit of more gadgets than an UPDATE frame holds, into a query subscription.
// A dispatcher notes the cache's size after every action the connection posts: the SDK applies the commit's frames
// in one action, so the app sees the cache empty or whole, never at the 65,535 rows of the first frame. A second commit
// of exactly 65,535 rows is one full frame and an empty one, which ends it.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using SdkTest.Client;

public static class LargeCommitProgram
{
    private sealed class ObservingDispatcher : IHetuDispatcher
    {
        public Action After;

        public void Post(Action action)
        {
            action();
            var after = After;
            if (after != null) after();
        }
    }

    public static int Main(string[] args)
    {
        try
        {
            Run(args[0], int.Parse(args[1])).GetAwaiter().GetResult();
            return 0;
        }
        catch (Exception e)
        {
            Console.WriteLine("FAIL " + e);
            return 1;
        }
    }

    private static async Task Fill(HetuClient client, HetuSubscription<GadgetRow> gadgets, long firstOwner, int count)
    {
        var expected = gadgets.Rows.Count + count;
        await client.Sdk.FillGadgetsAsync(firstOwner, count, 7);
        var start = DateTime.UtcNow;
        while (gadgets.Rows.Count < expected)
        {
            if (DateTime.UtcNow - start > TimeSpan.FromSeconds(60)) throw new TimeoutException("the rows of a commit of " + count);
            await Task.Delay(5);
        }
    }

    private static async Task Run(string url, int count)
    {
        var dispatcher = new ObservingDispatcher();
        using (var client = new HetuClient(url, new HetuOptions { Dispatcher = dispatcher }))
        {
            await client.ConnectAsync();
            var gadgets = await client.Sdk.Gadget.QueryByLevelAsync(7, 7);
            var seen = new SortedSet<int>();
            var inserts = 0;
            gadgets.OnInsert += (id, row) => inserts++;
            // The sizes seen once rows came; before, the cache is empty.
            dispatcher.After = () => { lock (seen) if (gadgets.Rows.Count > 0) seen.Add(gadgets.Rows.Count); };
            await Fill(client, gadgets, 1000000, count);
            await Fill(client, gadgets, 2000000, 65535);
            lock (seen) Console.WriteLine("SUMMARY inserts=" + inserts + " sizes=" + string.Join(",", seen));
        }
    }
}
