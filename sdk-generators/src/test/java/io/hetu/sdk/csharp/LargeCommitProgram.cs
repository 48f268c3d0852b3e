// Run by CSharpMonoEndToEndTest: one commit of more gadgets than an UPDATE frame holds, into a query subscription.
// A dispatcher notes the cache's size after every action the connection posts: the SDK applies the commit's frames
// in one action, so the app sees the cache empty or full, never at the 65,535 rows of the first frame.
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

    private static async Task Run(string url, int count)
    {
        var dispatcher = new ObservingDispatcher();
        using (var client = new HetuClient(url, new HetuOptions { Dispatcher = dispatcher }))
        {
            await client.ConnectAsync();
            var gadgets = await client.Sdk.Gadget.QueryByLevel(7, 7);
            var seen = new SortedSet<int>();
            var inserts = 0;
            gadgets.OnInsert += (id, row) => inserts++;
            dispatcher.After = () => { lock (seen) seen.Add(gadgets.Rows.Count); };
            await client.Sdk.FillGadgets(1000000, count, 7);
            var start = DateTime.UtcNow;
            while (gadgets.Rows.Count < count)
            {
                if (DateTime.UtcNow - start > TimeSpan.FromSeconds(60)) throw new TimeoutException("the rows of the commit");
                await Task.Delay(5);
            }
            lock (seen) Console.WriteLine("SUMMARY inserts=" + inserts + " sizes=" + string.Join(",", seen));
        }
    }
}
