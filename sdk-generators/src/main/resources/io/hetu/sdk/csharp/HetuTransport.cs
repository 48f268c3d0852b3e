using System;
using System.IO;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;

namespace __HETU_NAMESPACE__
{
    /// <summary>
    /// One WebSocket as <see cref="HetuConnection"/> uses it: binary messages in both directions. The connection
    /// opens a new transport for every socket; <see cref="HetuTransports.Create"/> picks the browser's WebSocket in
    /// Unity WebGL players and <see cref="ClientWebSocket"/> everywhere else.
    /// </summary>
    internal interface IHetuTransport
    {
        /// <summary>Opens the socket; faults when it cannot.</summary>
        Task ConnectAsync(Uri uri, CancellationToken cancel);

        /// <summary>
        /// Starts receiving: <paramref name="onMessage"/> once per whole binary message, in order, then
        /// <paramref name="onEnd"/> once, when the socket ends, with why: a <see cref="HetuConnectionException"/>
        /// for a close by the server, a <see cref="HetuProtocolException"/> for a text frame, the exception that
        /// <paramref name="onMessage"/> threw, or the transport's own failure.
        /// </summary>
        void Start(Action<byte[]> onMessage, Action<Exception> onEnd);

        /// <summary>Sends the first <paramref name="count"/> bytes of <paramref name="buffer"/> as one binary message; one send at a time.</summary>
        Task SendAsync(byte[] buffer, int count);

        /// <summary>The closing handshake.</summary>
        Task CloseAsync(CancellationToken cancel);

        /// <summary>Drops the socket at once; safe to call at any time, and more than once.</summary>
        void Abort();
    }

    internal static class HetuTransports
    {
        public static IHetuTransport Create(HetuOptions options)
        {
#if UNITY_WEBGL && !UNITY_EDITOR
            return new HetuWebGLTransport();
#else
            return new HetuClientWebSocketTransport(options.ConfigureSocket);
#endif
        }
    }

    /// <summary>
    /// <see cref="ClientWebSocket"/>: .NET, Mono and Unity's players other than WebGL. It offers no
    /// permessage-deflate on Mono and .NET Framework, so these connections are not compressed.
    /// </summary>
    internal sealed class HetuClientWebSocketTransport : IHetuTransport
    {
        private readonly ClientWebSocket socket = new ClientWebSocket();

        public HetuClientWebSocketTransport(Action<ClientWebSocketOptions> configure)
        {
            if (configure != null) configure(socket.Options);
        }

        public Task ConnectAsync(Uri uri, CancellationToken cancel) { return socket.ConnectAsync(uri, cancel); }

        public void Start(Action<byte[]> onMessage, Action<Exception> onEnd)
        {
            Task.Run(() => ReceiveLoop(onMessage, onEnd));
        }

        private async Task ReceiveLoop(Action<byte[]> onMessage, Action<Exception> onEnd)
        {
            var chunk = new byte[16 * 1024];
            var message = new MemoryStream();
            Exception end;
            try
            {
                while (true)
                {
                    var received = await socket.ReceiveAsync(new ArraySegment<byte>(chunk), CancellationToken.None).ConfigureAwait(false);
                    if (received.MessageType == WebSocketMessageType.Close)
                    {
                        end = new HetuConnectionException(null, "the server closed the connection (" + received.CloseStatus + " "
                                + received.CloseStatusDescription + ")");
                        break;
                    }
                    message.Write(chunk, 0, received.Count);
                    if (!received.EndOfMessage) continue;
                    if (received.MessageType != WebSocketMessageType.Binary) throw new HetuProtocolException("the server sent a text frame");
                    var frame = message.ToArray();
                    message.SetLength(0);
                    onMessage(frame);
                }
            }
            catch (Exception e)
            {
                end = e;
            }
            onEnd(end);
        }

        public Task SendAsync(byte[] buffer, int count)
        {
            return socket.SendAsync(new ArraySegment<byte>(buffer, 0, count), WebSocketMessageType.Binary, true, CancellationToken.None);
        }

        public Task CloseAsync(CancellationToken cancel)
        {
            return socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cancel);
        }

        public void Abort() { socket.Abort(); }
    }
}
