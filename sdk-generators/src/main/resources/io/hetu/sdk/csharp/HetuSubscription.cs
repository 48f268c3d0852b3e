using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace __HETU_NAMESPACE__
{
    /// <summary>
    /// A live SELECT or QUERY. The connection re-sends it after every reconnect and reconciles the
    /// cache with the new snapshot, raising the events for what changed while it was away.
    /// </summary>
    public abstract class HetuSubscription
    {
        private volatile bool active = true;

        internal HetuSubscription(HetuConnection connection, byte messageType, byte[] body, int rowSize)
        {
            Connection = connection;
            MessageType = messageType;
            Body = body;
            RowSize = rowSize;
            FirstSnapshot = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        internal HetuConnection Connection { get; private set; }

        internal byte MessageType { get; private set; }

        /// <summary>The request body after the request id, re-sent as is on reconnect.</summary>
        internal byte[] Body { get; private set; }

        internal int RowSize { get; private set; }

        internal TaskCompletionSource<bool> FirstSnapshot { get; private set; }

        /// <summary>The server's id for this subscription on the current connection.</summary>
        public uint Id { get; internal set; }

        /// <summary>The link (socket) <see cref="Id"/> belongs to.</summary>
        internal object BoundTo { get; set; }

        /// <summary>The latest SUBSCRIBE sent for it, and the one whose snapshot the cache holds (guarded by the connection's lock).</summary>
        internal object Asked { get; set; }
        internal object Applied { get; set; }

        /// <summary>A login waiting for this subscription's snapshot under its new session, and that login's identity count.</summary>
        private TaskCompletionSource<bool> renewal;
        private int renewalIdentity;

        /// <summary>Completes at the next snapshot asked under <paramref name="identity"/> or later, or when the subscription ends.</summary>
        internal Task ExpectSnapshot(int identity)
        {
            var waiting = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (this)
            {
                if (renewal != null) renewal.TrySetResult(true);
                renewal = waiting;
                renewalIdentity = identity;
            }
            return waiting.Task;
        }

        /// <summary>A snapshot asked under <paramref name="identity"/> was applied (int.MaxValue: the subscription ended).</summary>
        internal void SnapshotSettled(int identity)
        {
            lock (this)
            {
                if (renewal == null || identity < renewalIdentity) return;
                renewal.TrySetResult(true);
                renewal = null;
            }
        }

        /// <summary>The commit seq the cache reflects.</summary>
        public long Seq { get; internal set; }

        /// <summary>False once unsubscribed, rejected or closed with the connection.</summary>
        public bool IsActive
        {
            get { return active; }
            internal set { active = value; }
        }

        /// <summary>The subscription ended with an error, for example re-subscribing after a reconnect was rejected.</summary>
        public event Action<Exception> OnError;

        /// <summary>Ends the subscription (UNSUBSCRIBE); the cache stays as it was and no more events come.</summary>
        public Task UnsubscribeAsync() { return Connection.UnsubscribeAsync(this); }

        internal abstract void ApplySnapshot(long seq, List<KeyValuePair<long, byte[]>> rows);

        internal abstract void ApplyChange(long seq, byte kind, long id, byte[] row);

        /// <summary>The server refused to subscribe it (again).</summary>
        internal void Refused(HetuRejectionException rejection)
        {
            // A renewal (after a reconnect or a login) refused: the cache came from the previous session.
            if (FirstSnapshot.Task.IsCompleted) ApplySnapshot(Seq, new List<KeyValuePair<long, byte[]>>());
            Fail(rejection);
        }

        internal void Fail(Exception error)
        {
            IsActive = false;
            SnapshotSettled(int.MaxValue);
            if (FirstSnapshot.TrySetException(error)) return;
            var handler = OnError;
            if (handler != null) handler(error);
        }
    }

    /// <summary>A subscription whose rows decode to <typeparamref name="TRow"/>.</summary>
    public sealed class HetuSubscription<TRow> : HetuSubscription where TRow : class
    {
        private readonly Func<byte[], int, TRow> decode;
        private readonly Dictionary<long, byte[]> raw = new Dictionary<long, byte[]>();

        internal HetuSubscription(HetuConnection connection, byte messageType, byte[] body, int rowSize,
                Func<byte[], int, TRow> decode)
            : base(connection, messageType, body, rowSize)
        {
            this.decode = decode;
            Rows = new Dictionary<long, TRow>();
        }

        /// <summary>The rows of the result by row id. Change it only through the server.</summary>
        public Dictionary<long, TRow> Rows { get; private set; }

        /// <summary>A row entered the result: (row id, row).</summary>
        public event Action<long, TRow> OnInsert;

        /// <summary>A row of the result changed: (row id, old row, new row).</summary>
        public event Action<long, TRow, TRow> OnUpdate;

        /// <summary>A row left the result: (row id, last row).</summary>
        public event Action<long, TRow> OnDelete;

        /// <summary>The row of a SELECT, or null while there is none.</summary>
        public TRow Row
        {
            get
            {
                foreach (var row in Rows.Values) return row;
                return null;
            }
        }

        internal override void ApplySnapshot(long seq, List<KeyValuePair<long, byte[]>> rows)
        {
            var fresh = new Dictionary<long, byte[]>(rows.Count);
            foreach (var row in rows) fresh[row.Key] = row.Value;
            var gone = new List<long>();
            foreach (var id in raw.Keys)
            {
                if (!fresh.ContainsKey(id)) gone.Add(id);
            }
            Seq = seq;
            foreach (var id in gone) ApplyChange(seq, 3, id, null);
            foreach (var row in rows)
            {
                byte[] known;
                if (!raw.TryGetValue(row.Key, out known)) ApplyChange(seq, 1, row.Key, row.Value);
                else if (!SameBytes(known, row.Value)) ApplyChange(seq, 2, row.Key, row.Value);
            }
            FirstSnapshot.TrySetResult(true);
        }

        internal override void ApplyChange(long seq, byte kind, long id, byte[] row)
        {
            Seq = seq;
            TRow old;
            Rows.TryGetValue(id, out old);
            if (kind == HetuProtocol.KindDelete)
            {
                raw.Remove(id);
                Rows.Remove(id);
                if (old != null) Raise(OnDelete, id, old);
                return;
            }
            var decoded = decode(row, 0);
            raw[id] = row;
            Rows[id] = decoded;
            // An insert for a row the cache holds (or an update for one it lacks) follows what the cache knew.
            if (old == null) Raise(OnInsert, id, decoded);
            else
            {
                var handler = OnUpdate;
                if (handler == null) return;
                try { handler(id, old, decoded); }
                catch (Exception e) { Connection.ReportCallbackError(e); }
            }
        }

        private void Raise(Action<long, TRow> handler, long id, TRow row)
        {
            if (handler == null) return;
            try { handler(id, row); }
            catch (Exception e) { Connection.ReportCallbackError(e); }
        }

        private static bool SameBytes(byte[] a, byte[] b)
        {
            if (a.Length != b.Length) return false;
            for (var i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i]) return false;
            }
            return true;
        }
    }

    /// <summary>Constants for typed QUERY helpers.</summary>
    public static class HetuQuery
    {
        /// <summary>A limit meaning "all rows" (the connection's row limit still applies).</summary>
        public const int NoLimit = -1;

        /// <summary>Writes a QUERY body up to the bounds: component, index, flags, limit.</summary>
        public static void WriteHeader(HetuWriter writer, int componentId, int index, int limit, bool descending,
                bool hasLow, bool lowInclusive, bool hasHigh, bool highInclusive)
        {
            var flags = (descending ? HetuProtocol.QueryDescending : 0) | (hasLow ? HetuProtocol.QueryHasLow : 0)
                    | (hasLow && lowInclusive ? HetuProtocol.QueryLowInclusive : 0) | (hasHigh ? HetuProtocol.QueryHasHigh : 0)
                    | (hasHigh && highInclusive ? HetuProtocol.QueryHighInclusive : 0);
            writer.WriteU16((ushort)componentId);
            writer.WriteU8((byte)index);
            writer.WriteU8((byte)flags);
            writer.WriteU32(limit < 0 ? HetuProtocol.QueryNoLimit : (uint)limit);
        }
    }
}
