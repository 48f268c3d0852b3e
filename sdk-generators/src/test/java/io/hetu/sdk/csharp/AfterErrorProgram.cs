// Run by CSharpMonoEndToEndTest against a stand-in server whose path /<CODE> ends the first connection with that
// ERROR and accepts the next: prints, per code, whether the client came back ("reconnect") or closed ("close").
// Then, against a second stand-in, how a call in flight when the connection drops fails.
using System;
using System.Diagnostics;
using System.Threading.Tasks;
using SdkTest.Client;

public static class AfterErrorProgram
{
    public static int Main(string[] args)
    {
        try
        {
            foreach (var code in args[1].Split(',')) Console.WriteLine("AFTER " + code + " " + Outcome(args[0], code).GetAwaiter().GetResult());
            Console.WriteLine("IN_FLIGHT " + InFlight(args[2]).GetAwaiter().GetResult());
            return 0;
        }
        catch (Exception e)
        {
            Console.WriteLine("FAIL unexpected " + e);
            return 1;
        }
    }

    private static async Task<string> Outcome(string url, string code)
    {
        // The server sends the ERROR once it has the first PING.
        var options = new HetuOptions { InitialBackoff = TimeSpan.FromMilliseconds(10), MaxBackoff = TimeSpan.FromMilliseconds(50),
                PingInterval = TimeSpan.FromMilliseconds(10) };
        using (var client = new HetuClient(url + "/" + code, options))
        {
            await client.ConnectAsync();
            var first = client.Connection.ConnectionId;
            // The guard only stops a hang.
            for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(60); await Task.Delay(5))
            {
                var state = client.Connection.State;
                if (state == HetuConnectionState.Closed) return "close";
                if (state == HetuConnectionState.Connected && client.Connection.ConnectionId != first) return "reconnect";
            }
            return "hung";
        }
    }

    /// <summary>
    /// A call in flight when the connection drops (the stand-in drops /NONE at the client's first frame, this CALL),
    /// made without a SessionStart: it may or may not have run, so it fails with DISCONNECTED; the client reconnects.
    /// </summary>
    private static async Task<string> InFlight(string url)
    {
        var options = new HetuOptions { InitialBackoff = TimeSpan.FromMilliseconds(10), MaxBackoff = TimeSpan.FromMilliseconds(50),
                PingInterval = TimeSpan.FromHours(1) };
        using (var client = new HetuClient(url, options))
        {
            await client.ConnectAsync();
            try
            {
                await client.Sdk.AddAsync(new Vec(1, 1), new Vec(2, 2));
                return "ran";
            }
            catch (HetuConnectionException e)
            {
                return e.Code;
            }
        }
    }
}
