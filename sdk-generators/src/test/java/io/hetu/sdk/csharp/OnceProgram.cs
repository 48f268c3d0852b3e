// Run by CSharpMonoEndToEndTest through a relay: a call whose reply is lost with the connection is sent again with
// its call id after the reconnect and SessionStart, and the server answers with the first run's result instead of
// running it twice. The test holds the server's replies after READY, writes "go", waits for the call (SENT) to
// commit, then cuts the connection.
using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using SdkTest.Client;
using static Checks;

public static class OnceProgram
{
    public static int Main(string[] args)
    {
        return Checks.Run(() => Run(args[0]));
    }

    private static async Task Run(string url)
    {
        var options = new HetuOptions { InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromMilliseconds(200),
                PingInterval = TimeSpan.FromHours(1) };
        using (var client = new HetuClient(url, options))
        {
            var states = new List<HetuConnectionState>();
            var errors = new List<string>();
            client.Connection.StateChanged += state => { lock (states) states.Add(state); };
            client.Connection.Error += error => { lock (errors) errors.Add(error.ToString()); };
            await client.ConnectAsync();
            await client.LoginAsync(c => c.Sdk.LoginAsync(11));
            Eq(1, await client.Sdk.StepAsync(), "the first step");
            Console.WriteLine("READY");
            Console.Out.Flush();
            Eq("go", Console.ReadLine(), "the test's signal");

            // Its reply is lost: the server runs it, the relay drops the RESULT, then the connection is cut.
            var lost = client.Sdk.StepAsync();
            Console.WriteLine("SENT");
            Console.Out.Flush();
            Eq(2, await Within(lost, "the step whose reply was lost"), "the lost call completed with its first run's result");
            Eq(3, await Within(client.Sdk.StepAsync(), "the step after it"), "and did not run again: the next call is the third run");
            lock (states) Check(states.Contains(HetuConnectionState.Reconnecting), "went through Reconnecting");
            lock (errors) Eq("", string.Join("; ", errors), "no errors reached the Error event");
        }
    }
}
