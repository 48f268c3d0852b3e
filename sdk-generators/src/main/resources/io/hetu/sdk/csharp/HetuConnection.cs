using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;

namespace __HETU_NAMESPACE__
{
    /// <summary>How a <see cref="HetuConnection"/> behaves; set before connecting.</summary>
    public sealed class HetuOptions
    {
        public HetuOptions()
        {
            AutoReconnect = true;
            InitialBackoff = TimeSpan.FromMilliseconds(250);
            MaxBackoff = TimeSpan.FromSeconds(10);
            ConnectTimeout = TimeSpan.FromSeconds(10);
            PingInterval = TimeSpan.FromSeconds(20);
            Dispatcher = HetuImmediateDispatcher.Instance;
        }

        /// <summary>Reconnect after a lost connection, with exponential backoff (after the server's ERRORs that a new connection can get past; see <see cref="HetuProtocol.AfterErrors"/>).</summary>
        public bool AutoReconnect { get; set; }

        /// <summary>The first wait before reconnecting; each failed attempt doubles it up to <see cref="MaxBackoff"/>.</summary>
        public TimeSpan InitialBackoff { get; set; }

        public TimeSpan MaxBackoff { get; set; }

        /// <summary>How long opening the socket and the handshake may take.</summary>
        public TimeSpan ConnectTimeout { get; set; }

        /// <summary>How often to PING so the server's idle timeout (default 60 s) never closes the connection.</summary>
        public TimeSpan PingInterval { get; set; }

        /// <summary>Where caches change and callbacks run; see <see cref="IHetuDispatcher"/>.</summary>
        public IHetuDispatcher Dispatcher { get; set; }

        /// <summary>Adjusts each new socket (headers, proxy, certificates); not called in WebGL players, where the browser's WebSocket is used.</summary>
        public Action<ClientWebSocketOptions> ConfigureSocket { get; set; }
    }

    public enum HetuConnectionState
    {
        Idle,
        Connecting,
        Connected,
        Reconnecting,
        Closed
    }

    /// <summary>
    /// One client connection (docs/PROTOCOL.md): handshake, calls with many requests in flight,
    /// subscriptions with caches, pings, and automatic reconnects that resume every live
    /// subscription. Thread-safe; the generated client wraps it with typed methods.
    /// </summary>
    public sealed class HetuConnection : IDisposable
    {
        /// <summary>The protocol version this SDK speaks (<see cref="HetuProtocol.Version"/>).</summary>
        public const ushort ProtocolVersion = HetuProtocol.Version;

        private readonly Uri uri;
        private readonly string schemaHash;
        private readonly HetuOptions options;
        private readonly object gate = new object();
        private readonly List<HetuSubscription> live = new List<HetuSubscription>();
        private readonly CancellationTokenSource lifetime = new CancellationTokenSource();
        private readonly Random jitter = new Random();
        private Link link;
        private TaskCompletionSource<Link> ready = NewReady();
        /// <summary>Set once SessionStart has run: calls other than its own wait for this, so that after a
        /// reconnect nothing reaches the server before the re-login.</summary>
        private TaskCompletionSource<Link> usable = NewReady();
        /// <summary>True in the flow that runs SessionStart, whose calls may go before it has finished.</summary>
        private static readonly AsyncLocal<bool> startingSession = new AsyncLocal<bool>();
        private HetuConnectionState state = HetuConnectionState.Idle;
        private int nextRequest;
        private long nextNonce;
        private long seq;
        /// <summary>The highest seq a RESULT carried.</summary>
        private long callSeq;
        /// <summary>The link whose SUBSCRIBED and UPDATE frames the caches last applied, and the highest seq of those; guarded by <see cref="gate"/>.</summary>
        private Link framedLink;
        private long frameSeq = -1;
        /// <summary>Who waits in <see cref="WhenSeenAsync(long)"/>; guarded by <see cref="gate"/>.</summary>
        private readonly List<KeyValuePair<long, TaskCompletionSource<bool>>> seenWaiters = new List<KeyValuePair<long, TaskCompletionSource<bool>>>();
        /// <summary>Counts the identity switches made with <see cref="LoginAsync"/>: a snapshot asked for before the latest one is stale.</summary>
        private int identity;
        /// <summary>The server remembers each user's last 32 calls by the low 5 bits of their ids (docs/PROTOCOL.md).</summary>
        private const long CallSlots = 32;
        /// <summary>Calls in flight when the link was lost, sent again with their ids once SessionStart has run on the next; guarded by <see cref="gate"/>.</summary>
        private List<OnceCall> retrying = new List<OnceCall>();
        /// <summary>The high half of every call id: random and not 0, so that ids of different clients differ.</summary>
        private readonly ulong callIdBase;
        /// <summary>The low half of the next call id, counted up from a random start; guarded by <see cref="gate"/>, as is <see cref="callsSent"/>.</summary>
        private uint callCounter;
        private long callsSent;

        public HetuConnection(Uri uri, string schemaHash, HetuOptions options)
        {
            this.uri = uri;
            this.schemaHash = schemaHash;
            this.options = options ?? new HetuOptions();
            // Random on every runtime, WebGL players included, where two new Random() made at once may not differ.
            var random = Guid.NewGuid().ToByteArray();
            callIdBase = (ulong)(BitConverter.ToUInt32(random, 0) % 0x7FFFFFFFu + 1) << 32;
            callCounter = BitConverter.ToUInt32(random, 10);
        }

        public HetuConnectionState State
        {
            get { lock (gate) return state; }
        }

        /// <summary>The server's id for the current connection (from WELCOME).</summary>
        public long ConnectionId { get; private set; }

        /// <summary>The latest commit seq that the caches reflect (the last SUBSCRIBED or UPDATE applied).</summary>
        public long Seq
        {
            get { return Interlocked.Read(ref seq); }
        }

        /// <summary>
        /// The highest seq any RESULT on this connection carried: once a call has completed, at least the seq of its
        /// commit (docs/PROTOCOL.md, "Seqs"), whichever thread reads it. Pass it to <see cref="WhenSeenAsync(long)"/>
        /// to wait for the call's own pushes.
        /// </summary>
        public long LastCallSeq
        {
            get { return Interlocked.Read(ref callSeq); }
        }

        /// <summary><see cref="WhenSeenAsync(long)"/> of <see cref="LastCallSeq"/>: every call that has completed so far.</summary>
        public Task WhenSeenAsync()
        {
            return WhenSeenAsync(LastCallSeq);
        }

        /// <summary>
        /// Completes once every subscription's cache reflects every commit up to <paramref name="seq"/>: when the
        /// dispatcher has applied a SUBSCRIBED or UPDATE of seq <paramref name="seq"/> or later from the current
        /// connection and no subscription is still waiting for its snapshot, or at once when none is live. Caches are
        /// updated and events raised before it completes (with a queued dispatcher, that is at <c>Drain()</c>).
        /// The server sends a connection only the commits that change what it subscribes to, so after a call that
        /// changed none of it this waits for the next frame that comes (a later change, a new subscription). Fails
        /// with a <see cref="HetuConnectionException"/> when the connection closes for good.
        /// </summary>
        public Task WhenSeenAsync(long seq)
        {
            var seen = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (gate)
            {
                if (state == HetuConnectionState.Closed)
                {
                    seen.TrySetException(new HetuConnectionException("CLOSED", "the connection is closed"));
                    return seen.Task;
                }
                seenWaiters.Add(new KeyValuePair<long, TaskCompletionSource<bool>>(seq, seen));
            }
            Post(CheckSeen);
            return seen.Task;
        }

        /// <summary>On the dispatcher, after a frame was applied: the current link's frames reached <paramref name="framed"/>.</summary>
        private void Framed(Link current, long framed)
        {
            lock (gate)
            {
                if (framedLink != current)
                {
                    framedLink = current;
                    frameSeq = framed;
                }
                else if (framed > frameSeq)
                {
                    frameSeq = framed;
                }
            }
        }

        /// <summary>Completes the <see cref="WhenSeenAsync(long)"/> waiters whose seq every cache now reflects.</summary>
        private void CheckSeen()
        {
            var due = new List<TaskCompletionSource<bool>>();
            lock (gate)
            {
                if (seenWaiters.Count == 0) return;
                var subscribed = false;
                foreach (var subscription in live)
                {
                    if (!subscription.IsActive) continue;
                    if (link == null || subscription.BoundTo != link || subscription.Applied != subscription.Asked) return;
                    subscribed = true;
                }
                var reached = framedLink == link ? frameSeq : -1;
                seenWaiters.RemoveAll(waiter =>
                {
                    if (subscribed && waiter.Key > reached) return false;
                    due.Add(waiter.Value);
                    return true;
                });
            }
            foreach (var seen in due) seen.TrySetResult(true);
        }

        /// <summary>Raised through the dispatcher when the state changes.</summary>
        public event Action<HetuConnectionState> StateChanged;

        /// <summary>Raised through the dispatcher for errors no call can report: server ERRORs, failed reconnect attempts, exceptions thrown by callbacks.</summary>
        public event Action<Exception> Error;

        /// <summary>
        /// Runs after every handshake (the first and each reconnect) before the subscriptions are
        /// re-sent: restore the session here, for example by calling the login system again. Once it
        /// has run after a reconnect, the calls made under it that were in flight when the connection
        /// was lost are sent again with their ids (see <see cref="CallAsync"/>).
        /// </summary>
        public Func<HetuConnection, Task> SessionStart { get; set; }

        /// <summary>Opens the connection and completes after WELCOME and <see cref="SessionStart"/>.</summary>
        public async Task ConnectAsync(CancellationToken cancel = default(CancellationToken))
        {
            lock (gate)
            {
                if (state != HetuConnectionState.Idle) throw new InvalidOperationException("ConnectAsync may be called once; the connection is " + state);
                state = HetuConnectionState.Connecting;
            }
            RaiseState(HetuConnectionState.Connecting);
            try
            {
                await OpenAsync(cancel).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                Shutdown(e, true);
                throw;
            }
        }

        /// <summary>
        /// Calls a system by id; the generated methods use this. Every call goes as CALL_ONCE with an id of its own
        /// (docs/PROTOCOL.md, "Calls that run once"): one made while a <see cref="SessionStart"/> is set that is in
        /// flight when the connection is lost is sent again with that id after the reconnect and SessionStart, so it
        /// runs at most once and completes with its outcome. Without a SessionStart, when the connection closes for
        /// good, when SessionStart fails after the reconnect, or when more than 32 calls were sent after it, it fails
        /// with a <see cref="HetuConnectionException"/> of code DISCONNECTED instead: it may or may not have run.
        /// </summary>
        public async Task<T> CallAsync<T>(int systemId, Action<HetuWriter> writeArguments, Func<HetuReader, T> readResult)
        {
            var body = new HetuWriter();
            body.WriteU16((ushort)systemId);
            writeArguments(body);
            var call = new CallReply<T>(readResult, body.ToArray());
            var current = await ReadyAsync().ConfigureAwait(false);
            lock (gate)
            {
                call.CallId = callIdBase | callCounter;
                callCounter = unchecked(callCounter + 1);
                call.Number = ++callsSent;
                call.Retryable = SessionStart != null;
            }
            await SendCall(current, call).ConfigureAwait(false);
            return await call.Completion.Task.ConfigureAwait(false);
        }

        /// <summary>Sends a call as CALL_ONCE (docs/PROTOCOL.md, "Calls that run once"): a first time, or again with its id.</summary>
        private Task SendCall(Link current, OnceCall call)
        {
            var request = NextRequest();
            var frame = new HetuWriter();
            frame.WriteU8(HetuProtocol.CallOnce);
            frame.WriteU32(request);
            frame.WriteU64(call.CallId);
            frame.WriteRaw(call.Body);
            return Request(current, request, call, frame);
        }

        /// <summary>
        /// Logs in: runs <paramref name="login"/> (typically a call of the app's login system), makes it the
        /// <see cref="SessionStart"/> of later reconnects, then subscribes every live subscription again under the new
        /// session and completes once each cache is reconciled with its new snapshot (the events fire for the
        /// difference): from then on no cache holds a row that only the previous identity could read.
        /// </summary>
        public async Task LoginAsync(Func<HetuConnection, Task> login)
        {
            SessionStart = login;
            await login(this).ConfigureAwait(false);
            var current = await ReadyAsync().ConfigureAwait(false);
            var renewals = new List<Task>();
            var retired = new List<uint>();
            var renewed = new List<HetuSubscription>();
            lock (gate)
            {
                identity++;
                foreach (var subscription in live)
                {
                    renewals.Add(subscription.ExpectSnapshot(identity));
                    // One still in flight was asked under the previous session: its answer is stale and asked again on arrival.
                    if (subscription.BoundTo != current) continue;
                    retired.Add(subscription.Id);
                    renewed.Add(subscription);
                    subscription.BoundTo = null;
                }
            }
            foreach (var id in retired) Detach(Retire(current, id));
            foreach (var subscription in renewed) SendSubscribe(current, subscription);
            await Task.WhenAll(renewals).ConfigureAwait(false);
            lock (gate)
            {
                if (state == HetuConnectionState.Closed) throw new HetuConnectionException("CLOSED", "the connection closed before the subscriptions were renewed");
            }
        }

        /// <summary>Subscribes with a SELECT or QUERY body (after the request id); the generated tables use this.</summary>
        public async Task<HetuSubscription<TRow>> SubscribeAsync<TRow>(byte messageType, Action<HetuWriter> writeBody, int rowSize,
                Func<byte[], int, TRow> decode) where TRow : class
        {
            var body = new HetuWriter();
            writeBody(body);
            var subscription = new HetuSubscription<TRow>(this, messageType, body.ToArray(), rowSize, decode);
            while (true)
            {
                var current = await ReadyAsync().ConfigureAwait(false);
                lock (gate)
                {
                    // Registered under the lock that swaps links, so exactly one of this method and a reconnect sends it.
                    if (current != link) continue;
                    live.Add(subscription);
                }
                SendSubscribe(current, subscription);
                break;
            }
            await subscription.FirstSnapshot.Task.ConfigureAwait(false);
            return subscription;
        }

        internal async Task UnsubscribeAsync(HetuSubscription subscription)
        {
            Link current;
            uint id;
            lock (gate)
            {
                if (!live.Remove(subscription)) return;
                subscription.IsActive = false;
                subscription.SnapshotSettled(int.MaxValue);
                Post(CheckSeen);
                current = link;
                // Not yet SUBSCRIBED on this link: the SUBSCRIBED handler, which checks IsActive under this lock, unsubscribes.
                if (current == null || subscription.BoundTo != current) return;
                subscription.BoundTo = null;
                id = subscription.Id;
            }
            await Retire(current, id).ConfigureAwait(false);
        }

        /// <summary>Sends PING and completes at PONG with the round-trip time.</summary>
        public async Task<TimeSpan> PingAsync()
        {
            return await PingOn(await ReadyAsync().ConfigureAwait(false)).ConfigureAwait(false);
        }

        /// <summary>Closes the connection for good; calls in flight, and those waiting to be sent again, fail with <see cref="HetuConnectionException"/>.</summary>
        public async Task CloseAsync()
        {
            Link current;
            lock (gate) current = link;
            Shutdown(new HetuConnectionException("CLOSED", "the connection was closed by the client"), false);
            if (current == null) return;
            try
            {
                using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
                {
                    await current.Transport.CloseAsync(timeout.Token).ConfigureAwait(false);
                }
            }
            catch (Exception)
            {
                // The socket is abandoned either way.
            }
            current.Transport.Abort();
        }

        public void Dispose()
        {
            Shutdown(new HetuConnectionException("CLOSED", "the connection was disposed"), true);
        }

        internal void ReportCallbackError(Exception error)
        {
            var handler = Error;
            if (handler == null) return;
            try { handler(error); }
            catch (Exception) { /* an error handler that throws has nobody left to tell */ }
        }

        private static TaskCompletionSource<Link> NewReady()
        {
            return new TaskCompletionSource<Link>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        /// <summary>Starts work nobody awaits; each such task handles its own failures.</summary>
        private static void Detach(Task task) { }

        private uint NextRequest() { return unchecked((uint)Interlocked.Increment(ref nextRequest)); }

        private Task<Link> ReadyAsync()
        {
            lock (gate) return startingSession.Value ? ready.Task : usable.Task;
        }

        private void Post(Action action)
        {
            options.Dispatcher.Post(() =>
            {
                try { action(); }
                catch (Exception e) { ReportCallbackError(e); }
            });
        }

        private void RaiseError(Exception error) { Post(() => ReportCallbackError(error)); }

        private void RaiseState(HetuConnectionState now)
        {
            Post(() =>
            {
                var handler = StateChanged;
                if (handler != null) handler(now);
            });
        }

        private async Task OpenAsync(CancellationToken cancel)
        {
            var socket = HetuTransports.Create(options);
            var opened = new Link(socket);
            try
            {
                using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel, lifetime.Token))
                {
                    timeout.CancelAfter(options.ConnectTimeout);
                    await socket.ConnectAsync(uri, timeout.Token).ConfigureAwait(false);
                    socket.Start(frame => Handle(opened, frame), end => LinkLost(opened, Failure(opened, end)));
                    var hello = new HetuWriter();
                    hello.WriteU8(HetuProtocol.Hello);
                    hello.WriteU16(HetuProtocol.Version);
                    hello.WriteShortString(schemaHash);
                    await Send(opened, hello).ConfigureAwait(false);
                    using (timeout.Token.Register(() => opened.Welcomed.TrySetException(
                            new HetuConnectionException("TIMEOUT", "no WELCOME from " + uri + " within " + options.ConnectTimeout))))
                    {
                        await opened.Welcomed.Task.ConfigureAwait(false);
                    }
                }
            }
            catch (HetuConnectionException)
            {
                socket.Abort();
                throw;
            }
            catch (Exception e)
            {
                socket.Abort();
                throw new HetuConnectionException("could not connect to " + uri + ": " + e.Message, e);
            }

            HetuSubscription[] resume;
            lock (gate)
            {
                if (state == HetuConnectionState.Closed)
                {
                    socket.Abort();
                    throw new HetuConnectionException("CLOSED", "the connection closed during the handshake");
                }
                if (opened.Lost)
                {
                    socket.Abort();
                    throw new HetuConnectionException(opened.ErrorCode, "the connection was lost during the handshake");
                }
                link = opened;
                resume = live.ToArray();
                state = HetuConnectionState.Connected;
                ready.TrySetResult(opened);
            }
            RaiseState(HetuConnectionState.Connected);
            Detach(Task.Run(() => PingLoop(opened)));
            var sessionStart = SessionStart;
            var loggedIn = false;
            Exception loginFailure = null;
            if (sessionStart != null)
            {
                startingSession.Value = true;
                try
                {
                    await sessionStart(this).ConfigureAwait(false);
                    loggedIn = true;
                }
                catch (Exception e)
                {
                    loginFailure = e;
                    // One that ends after its link was lost is stale: the next link runs SessionStart again.
                    bool stale;
                    lock (gate) stale = link != opened;
                    if (!stale) RaiseError(new HetuException("SessionStart failed: " + e.Message, e));
                }
                finally
                {
                    startingSession.Value = false;
                }
            }
            SendAgain(opened, loggedIn, loginFailure);
            foreach (var subscription in resume) SendSubscribe(opened, subscription);
            lock (gate)
            {
                if (link == opened) usable.TrySetResult(opened);
            }
        }

        /// <summary>
        /// After SessionStart on a new link: the calls lost with the previous one go again under the same user, with
        /// their ids, so that each runs at most once; when SessionStart failed (or there is none) they fail.
        /// </summary>
        private void SendAgain(Link opened, bool loggedIn, Exception loginFailure)
        {
            List<OnceCall> again;
            lock (gate)
            {
                // Lost again during SessionStart: they wait for the next link.
                if (link != opened) return;
                again = retrying;
                retrying = new List<OnceCall>();
            }
            foreach (var call in again)
            {
                if (loggedIn) Detach(SendCall(opened, call));
                else call.Fail(new HetuConnectionException("DISCONNECTED", "the connection was lost and the login after the "
                        + "reconnect " + (loginFailure == null ? "did not run (no SessionStart)" : "failed")
                        + "; the call may or may not have run", loginFailure));
            }
        }

        /// <summary>
        /// Calls lost with a link: while a reconnect follows, one made under a SessionStart and among the last 32 calls
        /// waits (with those already waiting, in the order they were made) to be sent again with its id; any other fails.
        /// </summary>
        private void KeepOrFail(List<OnceCall> lost, Exception failure)
        {
            var failed = new List<OnceCall>();
            lock (gate)
            {
                var calls = new List<OnceCall>(retrying);
                calls.AddRange(lost);
                calls.Sort((a, b) => a.Number.CompareTo(b.Number));
                retrying = new List<OnceCall>();
                var keep = state == HetuConnectionState.Reconnecting;
                foreach (var call in calls)
                {
                    if (keep && call.Retryable && callsSent - call.Number < CallSlots) retrying.Add(call);
                    else failed.Add(call);
                }
            }
            foreach (var call in failed) call.Lost(failure);
        }

        /// <summary>A reply that will not come: a call goes to <see cref="KeepOrFail"/>, the rest are told.</summary>
        private void Lose(IReply reply, Exception failure)
        {
            var call = reply as OnceCall;
            if (call != null) KeepOrFail(new List<OnceCall> { call }, failure);
            else reply.Lost(failure);
        }

        /// <summary>Why <paramref name="current"/> ended, from how its transport ended and the ERROR the server sent, if any.</summary>
        private static Exception Failure(Link current, Exception end)
        {
            if (current.ErrorCode != null) return new HetuConnectionException(current.ErrorCode, current.ErrorCode + ": " + current.ErrorMessage);
            return end is HetuConnectionException || end is HetuProtocolException ? end
                    : new HetuConnectionException("the connection failed: " + end.Message, end);
        }

        private void Handle(Link current, byte[] frame)
        {
            var reader = new HetuReader(frame);
            var type = reader.ReadU8();
            switch (type)
            {
                case HetuProtocol.Welcome:
                {
                    var version = reader.ReadU16();
                    if (version != HetuProtocol.Version) throw new HetuProtocolException("the server speaks protocol version " + version + ", this SDK " + HetuProtocol.Version);
                    ConnectionId = reader.ReadI64();
                    reader.ReadI64();
                    current.Welcomed.TrySetResult(true);
                    break;
                }
                case HetuProtocol.Result:
                case HetuProtocol.Rejected:
                case HetuProtocol.Subscribed:
                case HetuProtocol.Done:
                {
                    var request = reader.ReadU32();
                    IReply reply;
                    lock (current.Pending)
                    {
                        if (!current.Pending.TryGetValue(request, out reply)) throw new HetuProtocolException("a reply to unknown request " + request);
                        current.Pending.Remove(request);
                    }
                    reply.Reply(this, current, type, reader);
                    break;
                }
                case HetuProtocol.Pong:
                {
                    var nonce = reader.ReadU64();
                    TaskCompletionSource<bool> pong;
                    lock (current.Pending)
                    {
                        if (current.Pings.TryGetValue(nonce, out pong)) current.Pings.Remove(nonce);
                    }
                    if (pong != null) pong.TrySetResult(true);
                    break;
                }
                case HetuProtocol.Update:
                    HandleUpdate(current, reader);
                    break;
                case HetuProtocol.Error:
                    current.ErrorCode = reader.ReadShortString();
                    current.ErrorMessage = reader.ReadShortString();
                    var error = new HetuConnectionException(current.ErrorCode, current.ErrorCode + ": " + current.ErrorMessage);
                    current.Welcomed.TrySetException(error);
                    RaiseError(error);
                    break;
                default:
                    throw new HetuProtocolException("unknown message type 0x" + type.ToString("X2"));
            }
        }

        private void HandleUpdate(Link current, HetuReader reader)
        {
            var updateSeq = reader.ReadI64();
            int count = reader.ReadU16();
            if (current.Held != null && current.HeldSeq != updateSeq)
            {
                throw new HetuProtocolException("an UPDATE of seq " + updateSeq + " while the one of seq " + current.HeldSeq + " was not finished (its last frame held " + HetuProtocol.MaxChanges + " changes, so more were due)");
            }
            // The parts of a commit are held, parsed, until its last frame: at most what the subscriptions hold.
            var changes = current.Held ?? new List<Change>(count);
            for (var i = 0; i < count; i++)
            {
                var id = reader.ReadU32();
                HetuSubscription subscription;
                if (!current.Subscriptions.TryGetValue(id, out subscription)) throw new HetuProtocolException("an UPDATE for unknown subscription " + id);
                bool retired;
                lock (current.Pending) retired = current.Retired.Contains(id);
                var kind = reader.ReadU8();
                var rowId = reader.ReadI64();
                byte[] row = null;
                if (kind == HetuProtocol.KindInsert || kind == HetuProtocol.KindUpdate) row = Copy(reader, subscription.RowSize);
                else if (kind != HetuProtocol.KindDelete) throw new HetuProtocolException("an UPDATE with change kind " + kind);
                changes.Add(new Change(subscription, retired, kind, rowId, row));
            }
            reader.ExpectEnd("an UPDATE");
            if (count == HetuProtocol.MaxChanges)
            {
                current.Held = changes;
                current.HeldSeq = updateSeq;
                return;
            }
            current.Held = null;
            // One action per commit: every subscription moves to the commit's seq together.
            Post(() =>
            {
                foreach (var change in changes)
                {
                    if (change.Subscription.IsActive && !change.Retired) change.Subscription.ApplyChange(updateSeq, change.Kind, change.Id, change.Row);
                }
                AdvanceSeq(updateSeq);
                Framed(current, updateSeq);
                CheckSeen();
            });
        }

        private sealed class Change
        {
            public Change(HetuSubscription subscription, bool retired, byte kind, long id, byte[] row)
            {
                Subscription = subscription;
                Retired = retired;
                Kind = kind;
                Id = id;
                Row = row;
            }

            public readonly HetuSubscription Subscription;
            public readonly bool Retired;
            public readonly byte Kind;
            public readonly long Id;
            public readonly byte[] Row;
        }

        private static byte[] Copy(HetuReader reader, int length)
        {
            var bytes = new byte[length];
            Array.Copy(reader.Buffer, reader.Skip(length), bytes, 0, length);
            return bytes;
        }

        private void AdvanceSeq(long seen)
        {
            Raise(ref seq, seen);
        }

        private void AdvanceCallSeq(long seen)
        {
            Raise(ref callSeq, seen);
        }

        private static void Raise(ref long field, long seen)
        {
            long known;
            do
            {
                known = Interlocked.Read(ref field);
                if (seen <= known) return;
            }
            while (Interlocked.CompareExchange(ref field, seen, known) != known);
        }

        private void LinkLost(Link current, Exception failure)
        {
            bool wasCurrent;
            bool reconnect;
            lock (gate)
            {
                if (current.Lost) return;
                current.Lost = true;
                wasCurrent = link == current;
                if (wasCurrent)
                {
                    link = null;
                    ready = NewReady();
                    usable = NewReady();
                }
                reconnect = wasCurrent && state == HetuConnectionState.Connected && options.AutoReconnect
                        && HetuProtocol.ReconnectsAfter(current.ErrorCode);
                if (reconnect) state = HetuConnectionState.Reconnecting;
            }
            List<IReply> replies;
            List<TaskCompletionSource<bool>> pings;
            lock (current.Pending)
            {
                replies = new List<IReply>(current.Pending.Values);
                pings = new List<TaskCompletionSource<bool>>(current.Pings.Values);
                current.Pending.Clear();
                current.Pings.Clear();
            }
            var calls = new List<OnceCall>();
            foreach (var reply in replies)
            {
                var call = reply as OnceCall;
                if (call != null) calls.Add(call);
                else reply.Lost(failure);
            }
            KeepOrFail(calls, failure);
            foreach (var ping in pings) ping.TrySetException(failure);
            current.Welcomed.TrySetException(failure);
            current.Transport.Abort();
            if (!wasCurrent) return;
            if (reconnect)
            {
                RaiseState(HetuConnectionState.Reconnecting);
                Detach(Task.Run(() => ReconnectLoop()));
            }
            else
            {
                Shutdown(failure, true);
            }
        }

        private async Task ReconnectLoop()
        {
            var delay = options.InitialBackoff;
            while (true)
            {
                double factor;
                lock (jitter) factor = 0.8 + 0.4 * jitter.NextDouble();
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(delay.TotalMilliseconds * factor), lifetime.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                try
                {
                    await OpenAsync(CancellationToken.None).ConfigureAwait(false);
                    return;
                }
                catch (Exception e)
                {
                    if (lifetime.IsCancellationRequested) return;
                    var refused = e as HetuConnectionException;
                    if (refused != null && !HetuProtocol.ReconnectsAfter(refused.Code))
                    {
                        Shutdown(e, true);
                        return;
                    }
                    RaiseError(e);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxBackoff.Ticks));
                }
            }
        }

        private void Shutdown(Exception reason, bool abort)
        {
            HetuSubscription[] ended;
            Link current;
            List<OnceCall> kept;
            lock (gate)
            {
                if (state == HetuConnectionState.Closed) return;
                state = HetuConnectionState.Closed;
                kept = retrying;
                retrying = new List<OnceCall>();
                ready.TrySetException(reason);
                usable.TrySetException(reason);
                // Observe the faults so unawaited ready tasks do not surface as unobserved.
                ready.Task.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
                usable.Task.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
                ended = live.ToArray();
                live.Clear();
                current = link;
                link = null;
                foreach (var waiter in seenWaiters) waiter.Value.TrySetException(reason);
                seenWaiters.Clear();
            }
            lifetime.Cancel();
            foreach (var call in kept) call.Lost(reason);
            foreach (var subscription in ended) Post(() => subscription.Fail(reason));
            RaiseState(HetuConnectionState.Closed);
            if (current != null && abort) current.Transport.Abort();
        }

        private async Task PingLoop(Link current)
        {
            while (!current.Lost)
            {
                try
                {
                    await Task.Delay(options.PingInterval, lifetime.Token).ConfigureAwait(false);
                    if (current.Lost) return;
                    await PingOn(current).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // A lost connection is handled by the receive loop.
                    return;
                }
            }
        }

        private async Task<TimeSpan> PingOn(Link current)
        {
            var nonce = (ulong)Interlocked.Increment(ref nextNonce);
            var pong = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (current.Pending) current.Pings[nonce] = pong;
            var frame = new HetuWriter();
            frame.WriteU8(HetuProtocol.Ping);
            frame.WriteU64(nonce);
            var clock = Stopwatch.StartNew();
            await Send(current, frame).ConfigureAwait(false);
            await pong.Task.ConfigureAwait(false);
            return clock.Elapsed;
        }

        private void SendSubscribe(Link current, HetuSubscription subscription)
        {
            var request = NextRequest();
            var frame = new HetuWriter();
            frame.WriteU8(subscription.MessageType);
            frame.WriteU32(request);
            frame.WriteRaw(subscription.Body);
            int asked;
            var ask = new object();
            lock (gate)
            {
                asked = identity;
                subscription.Asked = ask;
            }
            Detach(Request(current, request, new SubscribeReply(subscription, asked, ask), frame));
        }

        /// <summary>Ends server subscription <paramref name="subscriptionId"/> (UNSUBSCRIBE); what it sends before DONE is read and dropped.</summary>
        private Task Retire(Link current, uint subscriptionId)
        {
            lock (current.Pending) current.Retired.Add(subscriptionId);
            var request = NextRequest();
            var frame = new HetuWriter();
            frame.WriteU8(HetuProtocol.Unsubscribe);
            frame.WriteU32(request);
            frame.WriteU32(subscriptionId);
            var reply = new UnsubscribeReply(subscriptionId);
            Detach(Request(current, request, reply, frame));
            return reply.Completion.Task;
        }

        /// <summary>
        /// Registers the reply and sends; a failed send drops the socket and fails the reply (a call's loss is
        /// decided with the link's, which may send it again). Never faults.
        /// </summary>
        private async Task Request(Link current, uint request, IReply reply, HetuWriter frame)
        {
            bool lost;
            lock (current.Pending)
            {
                lost = current.Lost;
                if (!lost) current.Pending[request] = reply;
            }
            if (lost)
            {
                Lose(reply, new HetuConnectionException(null, "the connection was lost"));
                return;
            }
            try
            {
                await Send(current, frame).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // A call stays in flight: the loss of the link, which the abort brings, decides whether it goes again.
                if (!(reply is OnceCall))
                {
                    bool owned;
                    lock (current.Pending) owned = current.Pending.Remove(request);
                    if (owned) reply.Lost(e);
                }
                current.Transport.Abort();
            }
        }

        private static async Task Send(Link current, HetuWriter frame)
        {
            await current.SendLock.WaitAsync().ConfigureAwait(false);
            try
            {
                await current.Transport.SendAsync(frame.Buffer, frame.Length).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                throw new HetuConnectionException("sending failed: " + e.Message, e);
            }
            finally
            {
                current.SendLock.Release();
            }
        }

        /// <summary>One socket's life: what is in flight on it dies with it.</summary>
        private sealed class Link
        {
            public Link(IHetuTransport transport)
            {
                Transport = transport;
            }

            public readonly IHetuTransport Transport;
            public readonly SemaphoreSlim SendLock = new SemaphoreSlim(1, 1);
            public readonly Dictionary<uint, IReply> Pending = new Dictionary<uint, IReply>();
            public readonly Dictionary<ulong, TaskCompletionSource<bool>> Pings = new Dictionary<ulong, TaskCompletionSource<bool>>();
            // Touched only by the receive loop.
            public readonly Dictionary<uint, HetuSubscription> Subscriptions = new Dictionary<uint, HetuSubscription>();
            /// <summary>Server ids being unsubscribed (cancelled, or asked before a login); guarded by <see cref="Pending"/>.</summary>
            public readonly HashSet<uint> Retired = new HashSet<uint>();
            /// <summary>The changes of a commit whose last UPDATE frame has not come yet, and its seq; receive loop only.</summary>
            public List<Change> Held;
            public long HeldSeq;
            public readonly TaskCompletionSource<bool> Welcomed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            public volatile string ErrorCode;
            public volatile string ErrorMessage;
            public bool Lost;
        }

        private interface IReply
        {
            void Reply(HetuConnection connection, Link current, byte type, HetuReader reader);

            void Lost(Exception failure);
        }

        private static HetuRejectionException Rejection(HetuReader reader)
        {
            var code = reader.ReadShortString();
            var message = reader.ReadShortString();
            return new HetuRejectionException(code, message);
        }

        /// <summary>
        /// A call in flight: <see cref="CallId"/> is its CALL_ONCE id, <see cref="Number"/> its place among this
        /// connection's calls, <see cref="Retryable"/> whether it was made under a SessionStart, so that after a
        /// reconnect and SessionStart it can be sent again with the same id; <see cref="Body"/> holds its system id
        /// and arguments. The three fields are set under the connection's gate before it is first sent.
        /// </summary>
        private abstract class OnceCall : IReply
        {
            protected OnceCall(byte[] body)
            {
                Body = body;
            }

            public readonly byte[] Body;
            public ulong CallId;
            public long Number;
            public bool Retryable;

            public abstract void Reply(HetuConnection connection, Link current, byte type, HetuReader reader);

            /// <summary>Fails the call: it will not be sent again.</summary>
            public abstract void Fail(Exception error);

            public void Lost(Exception failure)
            {
                Fail(new HetuConnectionException("DISCONNECTED", "the connection was lost; the call may or may not have run", failure));
            }
        }

        private sealed class CallReply<T> : OnceCall
        {
            private readonly Func<HetuReader, T> read;

            public CallReply(Func<HetuReader, T> read, byte[] body) : base(body)
            {
                this.read = read;
                Completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            public TaskCompletionSource<T> Completion { get; private set; }

            public override void Reply(HetuConnection connection, Link current, byte type, HetuReader reader)
            {
                if (type == HetuProtocol.Rejected)
                {
                    Completion.TrySetException(Rejection(reader));
                    return;
                }
                if (type != HetuProtocol.Result) throw new HetuProtocolException("message type 0x" + type.ToString("X2") + " answered a CALL");
                connection.AdvanceCallSeq(reader.ReadI64());
                try
                {
                    var value = read == null ? default(T) : read(reader);
                    reader.ExpectEnd("the result");
                    Completion.TrySetResult(value);
                }
                catch (HetuProtocolException e)
                {
                    Completion.TrySetException(e);
                }
            }

            public override void Fail(Exception error)
            {
                Completion.TrySetException(error);
            }
        }

        private sealed class SubscribeReply : IReply
        {
            private readonly HetuSubscription subscription;
            /// <summary>The connection's identity count when it was asked.</summary>
            private readonly int identity;
            /// <summary>Which SUBSCRIBE of the subscription this answers.</summary>
            private readonly object ask;

            public SubscribeReply(HetuSubscription subscription, int identity, object ask)
            {
                this.subscription = subscription;
                this.identity = identity;
                this.ask = ask;
            }

            public void Reply(HetuConnection connection, Link current, byte type, HetuReader reader)
            {
                if (type == HetuProtocol.Rejected)
                {
                    var rejection = Rejection(reader);
                    bool retry;
                    lock (connection.gate)
                    {
                        // Refused under the previous session; the new one may read it.
                        retry = subscription.IsActive && identity != connection.identity;
                        if (!retry) connection.live.Remove(subscription);
                    }
                    if (retry) connection.SendSubscribe(current, subscription);
                    else connection.Post(() =>
                    {
                        subscription.Refused(rejection);
                        connection.CheckSeen();
                    });
                    return;
                }
                if (type != HetuProtocol.Subscribed) throw new HetuProtocolException("message type 0x" + type.ToString("X2") + " answered a subscription");
                var id = reader.ReadU32();
                var snapshotSeq = reader.ReadI64();
                var count = reader.ReadU32();
                var rows = new List<KeyValuePair<long, byte[]>>();
                for (var i = 0u; i < count; i++)
                {
                    var rowId = reader.ReadI64();
                    rows.Add(new KeyValuePair<long, byte[]>(rowId, Copy(reader, subscription.RowSize)));
                }
                reader.ExpectEnd("SUBSCRIBED");
                current.Subscriptions[id] = subscription;
                bool wanted, stale;
                lock (connection.gate)
                {
                    wanted = subscription.IsActive;
                    stale = identity != connection.identity;
                    if (wanted && !stale)
                    {
                        subscription.Id = id;
                        subscription.BoundTo = current;
                    }
                }
                if (!wanted || stale)
                {
                    // Cancelled while the request was in flight, or asked before a login changed the session: end it
                    // on the server, dropping the updates that may come before DONE; a stale one still wanted is asked again.
                    Detach(connection.Retire(current, id));
                    if (wanted) connection.SendSubscribe(current, subscription);
                    connection.Post(() =>
                    {
                        connection.Framed(current, snapshotSeq);
                        connection.CheckSeen();
                    });
                    return;
                }
                connection.Post(() =>
                {
                    subscription.ApplySnapshot(snapshotSeq, rows);
                    subscription.SnapshotSettled(identity);
                    connection.AdvanceSeq(snapshotSeq);
                    lock (connection.gate) subscription.Applied = ask;
                    connection.Framed(current, snapshotSeq);
                    connection.CheckSeen();
                });
            }

            public void Lost(Exception failure)
            {
                // The subscription stays live: the next connection re-sends it.
            }
        }

        private sealed class UnsubscribeReply : IReply
        {
            private readonly uint subscriptionId;

            public UnsubscribeReply(uint subscriptionId)
            {
                this.subscriptionId = subscriptionId;
                Completion = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            public TaskCompletionSource<bool> Completion { get; private set; }

            public void Reply(HetuConnection connection, Link current, byte type, HetuReader reader)
            {
                if (type == HetuProtocol.Rejected)
                {
                    Completion.TrySetException(Rejection(reader));
                    return;
                }
                if (type != HetuProtocol.Done) throw new HetuProtocolException("message type 0x" + type.ToString("X2") + " answered an UNSUBSCRIBE");
                current.Subscriptions.Remove(subscriptionId);
                lock (current.Pending) current.Retired.Remove(subscriptionId);
                Completion.TrySetResult(true);
            }

            public void Lost(Exception failure)
            {
                Completion.TrySetResult(true);
            }
        }
    }
}
