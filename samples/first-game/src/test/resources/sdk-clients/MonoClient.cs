// A first-game player written against the generated C# SDK (compiled with mcs -langversion:7.2, run on Mono)
// by FirstGameSdksIT.
//
//   mono MonoClient.exe <server url> <login token>
//
// The same script as node-client.mjs: it connects, checks that MoveTo is refused before logging in and that a login
// with a token that is not one is refused, logs in with the token (again after every reconnect, through
// SessionStart), subscribes to every player's Position (owner 1..999) and follows the test's commands on stdin
// (move, expect, await-login, finish), printing one JSON object per line. A failed check prints {"event":"fail"}
// and exits 1. The waits have a hang guard only.
//
// Callbacks go through a HetuQueueDispatcher that the main thread drains while it waits, as a game loop would: the
// caches and the events are only ever touched by the main thread.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FirstGame.Client;

public static class MonoClient
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(45);
    private static readonly object ConsoleLock = new object();
    private static readonly HetuQueueDispatcher Dispatcher = new HetuQueueDispatcher();
    private static readonly BlockingCollection<string> Commands = new BlockingCollection<string>();

    private static readonly List<string> States = new List<string>();
    private static readonly List<string> Events = new List<string>();
    private static readonly List<string> Errors = new List<string>();
    private static int logins;

    public static int Main(string[] args)
    {
        try
        {
            return Run(args[0], args[1]);
        }
        catch (Exception e)
        {
            Emit(Json.Object("event", "fail", "message", e.ToString()));
            return 1;
        }
    }

    private static int Run(string url, string token)
    {
        var reader = new Thread(() =>
        {
            string line;
            while ((line = Console.In.ReadLine()) != null) Commands.Add(line);
            Commands.CompleteAdding();
        });
        reader.IsBackground = true;
        reader.Start();

        var options = new HetuOptions
        {
            Dispatcher = Dispatcher,
            // Short backoff so that the client is back soon after the server restarts.
            InitialBackoff = TimeSpan.FromMilliseconds(100),
            MaxBackoff = TimeSpan.FromMilliseconds(500),
        };
        using (var client = new HetuClient(url, options))
        {
            client.Connection.StateChanged += state =>
            {
                States.Add(state.ToString());
                Emit(Json.Object("event", "state", "state", state.ToString()));
            };
            client.Connection.Error += error =>
            {
                var connection = error as HetuConnectionException;
                var text = error.GetType().Name + (connection != null ? " " + connection.Code : "") + ": " + error.Message;
                Errors.Add(Json.Object("kind", error.GetType().Name, "code", connection != null ? connection.Code : null,
                        "message", error.Message));
                Emit(Json.Object("event", "error", "message", text));
            };
            Wait(client.ConnectAsync(), "the connection");
            Emit(Json.Object("event", "connected"));

            // Not logged in yet: a USER system refuses the call, typed.
            try
            {
                Wait(client.Ssw.MoveTo(0f, 0f), "moveTo before login");
                return Fail("MoveTo before login was accepted");
            }
            catch (HetuRejectionException e)
            {
                Emit(Json.Object("event", "rejected", "call", "moveTo", "kind", e.GetType().Name, "code", e.Code,
                        "message", e.Message));
            }

            // The server verifies the token: one that is not a signed token logs nobody in.
            try
            {
                Wait(client.Ssw.Login("not a token"), "the forged login");
                return Fail("a login with a forged token was accepted");
            }
            catch (HetuRejectionException e)
            {
                Emit(Json.Object("event", "rejected", "call", "login", "kind", e.GetType().Name, "code", e.Code,
                        "message", e.Message));
            }

            // Logs in now, and through SessionStart after every reconnect before the subscriptions resume.
            Func<Task> login = async () =>
            {
                await client.Ssw.Login(token).ConfigureAwait(false);
                var count = Interlocked.Increment(ref logins);
                Emit(Json.Object("event", "login", "count", count));
            };
            client.Connection.SessionStart = connection => login();
            Wait(login(), "the login");

            var players = Wait(client.Ssw.Position.QueryByOwner(1, 999, limit: 100), "the subscription");
            Emit(Json.Object("event", "subscribed", "rows", Json.Raw(Cache(players))));
            players.OnInsert += (id, row) => Seen(Json.Object("event", "insert", "id", id.ToString(CultureInfo.InvariantCulture),
                    "owner", row.Owner.ToString(CultureInfo.InvariantCulture), "x", row.X, "y", row.Y));
            // The C# event passes the old row before the new one.
            players.OnUpdate += (id, previous, row) => Seen(Json.Object("event", "update",
                    "id", id.ToString(CultureInfo.InvariantCulture), "owner", row.Owner.ToString(CultureInfo.InvariantCulture),
                    "x", row.X, "y", row.Y, "previousX", previous.X, "previousY", previous.Y));
            players.OnDelete += (id, previous) => Seen(Json.Object("event", "delete", "id", id.ToString(CultureInfo.InvariantCulture),
                    "owner", previous.Owner.ToString(CultureInfo.InvariantCulture), "x", previous.X, "y", previous.Y));
            players.OnError += error => Seen(Json.Object("event", "end", "error", error.ToString()));

            while (true)
            {
                var line = NextCommand();
                var words = line.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
                if (words.Length == 0) continue;
                switch (words[0])
                {
                    case "move":
                    {
                        var x = Number(words[1]);
                        var y = Number(words[2]);
                        Wait(client.Ssw.MoveTo(x, y), "moveTo");
                        Emit(Json.Object("event", "moved", "x", x, "y", y));
                        break;
                    }
                    case "expect":
                    {
                        var owner = long.Parse(words[1], CultureInfo.InvariantCulture);
                        var x = Number(words[2]);
                        var y = Number(words[3]);
                        Until(() =>
                        {
                            var row = RowOf(players, owner);
                            return row.Value != null && row.Value.X == x && row.Value.Y == y;
                        }, "the row of owner " + owner + " at (" + x + ", " + y + ")");
                        var found = RowOf(players, owner);
                        Emit(Json.Object("event", "saw", "id", found.Key.ToString(CultureInfo.InvariantCulture),
                                "owner", found.Value.Owner.ToString(CultureInfo.InvariantCulture), "x", found.Value.X, "y", found.Value.Y));
                        break;
                    }
                    case "await-login":
                    {
                        var count = int.Parse(words[1], CultureInfo.InvariantCulture);
                        Until(() => Volatile.Read(ref logins) >= count && client.Connection.State == HetuConnectionState.Connected,
                                "login number " + count);
                        Emit(Json.Object("event", "ready", "logins", Volatile.Read(ref logins), "state", client.Connection.State.ToString()));
                        break;
                    }
                    case "finish":
                    {
                        if (!players.IsActive) return Fail("the subscription ended");
                        Dispatcher.Drain();
                        var done = Json.Object("event", "done", "rows", Json.Raw(Cache(players)), "logins", Volatile.Read(ref logins),
                                "states", Json.Raw(Json.Array(States.Select(Json.String))), "events", Json.Raw(Json.Array(Events)),
                                "errors", Json.Raw(Json.Array(Errors)), "state", client.Connection.State.ToString());
                        Wait(client.CloseAsync().ContinueWith(t => true), "closing");
                        Emit(done);
                        return 0;
                    }
                    default:
                        return Fail("unknown command: " + line);
                }
            }
        }
    }

    private static void Seen(string json)
    {
        Events.Add(json);
        Emit(json);
    }

    private static KeyValuePair<long, PositionRow> RowOf(HetuSubscription<PositionRow> players, long owner)
    {
        return players.Rows.FirstOrDefault(entry => entry.Value.Owner == owner);
    }

    private static string Cache(HetuSubscription<PositionRow> players)
    {
        return Json.Array(players.Rows.OrderBy(entry => entry.Value.Owner).Select(entry => Json.Object(
                "id", entry.Key.ToString(CultureInfo.InvariantCulture), "owner", entry.Value.Owner.ToString(CultureInfo.InvariantCulture),
                "x", entry.Value.X, "y", entry.Value.Y)));
    }

    private static float Number(string word)
    {
        return float.Parse(word, CultureInfo.InvariantCulture);
    }

    /// <summary>The next line from the test, running the SDK's callbacks while waiting for it.</summary>
    private static string NextCommand()
    {
        while (true)
        {
            Dispatcher.Drain();
            string line;
            if (Commands.TryTake(out line, 5)) return line;
            if (Commands.IsCompleted) throw new InvalidOperationException("stdin closed before the test said finish");
        }
    }

    /// <summary>Runs the SDK's callbacks until the condition holds; the guard only stops a hung client.</summary>
    private static void Until(Func<bool> condition, string what)
    {
        var guard = DateTime.UtcNow + HangGuard;
        while (true)
        {
            Dispatcher.Drain();
            if (condition()) return;
            if (DateTime.UtcNow > guard) throw new TimeoutException("gave up waiting for " + what);
            Thread.Sleep(5);
        }
    }

    private static void Wait(Task task, string what)
    {
        Until(() => task.IsCompleted, what);
        task.GetAwaiter().GetResult();
    }

    private static T Wait<T>(Task<T> task, string what)
    {
        Until(() => task.IsCompleted, what);
        return task.GetAwaiter().GetResult();
    }

    private static int Fail(string message)
    {
        Emit(Json.Object("event", "fail", "message", message));
        return 1;
    }

    private static void Emit(string json)
    {
        lock (ConsoleLock)
        {
            Console.Out.Write(json + "\n");
            Console.Out.Flush();
        }
    }

    /// <summary>Just enough JSON for these lines: strings, numbers, nulls and pre-built parts.</summary>
    private static class Json
    {
        public sealed class RawJson
        {
            public RawJson(string text) { Text = text; }

            public string Text { get; private set; }
        }

        public static RawJson Raw(string text) { return new RawJson(text); }

        public static string Object(params object[] keysAndValues)
        {
            var json = new StringBuilder("{");
            for (var i = 0; i < keysAndValues.Length; i += 2)
            {
                if (i > 0) json.Append(',');
                json.Append(String((string)keysAndValues[i])).Append(':').Append(Value(keysAndValues[i + 1]));
            }
            return json.Append('}').ToString();
        }

        public static string Array(IEnumerable<string> elements)
        {
            return "[" + string.Join(",", elements) + "]";
        }

        public static string String(string text)
        {
            var json = new StringBuilder("\"");
            foreach (var c in text)
            {
                if (c == '"' || c == '\\') json.Append('\\').Append(c);
                else if (c < ' ') json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                else json.Append(c);
            }
            return json.Append('"').ToString();
        }

        private static string Value(object value)
        {
            if (value == null) return "null";
            var raw = value as RawJson;
            if (raw != null) return raw.Text;
            if (value is string) return String((string)value);
            if (value is float) return ((float)value).ToString("R", CultureInfo.InvariantCulture);
            if (value is int) return ((int)value).ToString(CultureInfo.InvariantCulture);
            if (value is long) return ((long)value).ToString(CultureInfo.InvariantCulture);
            throw new ArgumentException("no JSON for " + value.GetType());
        }
    }
}
