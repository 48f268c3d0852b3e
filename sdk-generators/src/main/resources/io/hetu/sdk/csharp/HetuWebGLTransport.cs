#if UNITY_WEBGL && !UNITY_EDITOR
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace __HETU_NAMESPACE__
{
    /// <summary>
    /// The browser's WebSocket, through <c>Plugins/WebGL/HetuWebSocket.jslib</c>: a WebGL player has no sockets of
    /// its own. The browser negotiates permessage-deflate by itself. The jslib's callbacks run on the player's
    /// only thread, from the browser's event loop.
    /// </summary>
    internal sealed class HetuWebGLTransport : IHetuTransport
    {
        private delegate void OpenCallback(int id);
        private delegate void MessageCallback(int id, IntPtr bytes, int length);
        private delegate void CloseCallback(int id, int code, IntPtr reason, int reasonLength);

        [DllImport("__Internal")]
        private static extern int HetuWsOpen(string url, OpenCallback onOpen, MessageCallback onMessage, CloseCallback onClose);

        [DllImport("__Internal")]
        private static extern int HetuWsSend(int id, byte[] bytes, int length);

        [DllImport("__Internal")]
        private static extern void HetuWsClose(int id);

        [DllImport("__Internal")]
        private static extern void HetuWsAbort(int id);

        /// <summary>The transports whose socket the jslib still holds, by its number for them.</summary>
        private static readonly Dictionary<int, HetuWebGLTransport> Sockets = new Dictionary<int, HetuWebGLTransport>();

        private readonly TaskCompletionSource<bool> opened = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<bool> closed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        /// <summary>What arrives before <see cref="Start"/>: the jslib calls back whenever the browser does.</summary>
        private readonly List<byte[]> early = new List<byte[]>();
        private Exception ended;
        private Action<byte[]> onMessage;
        private Action<Exception> onEnd;
        private int id;

        public async Task ConnectAsync(Uri uri, CancellationToken cancel)
        {
            id = HetuWsOpen(uri.AbsoluteUri, OnOpen, OnMessage, OnClose);
            Sockets[id] = this;
            using (cancel.Register(Abort))
            {
                await opened.Task.ConfigureAwait(false);
            }
        }

        public void Start(Action<byte[]> onMessage, Action<Exception> onEnd)
        {
            foreach (var message in early)
            {
                if (!Deliver(onMessage, message)) break;
            }
            early.Clear();
            this.onMessage = onMessage;
            this.onEnd = onEnd;
            if (ended != null) onEnd(ended);
        }

        public Task SendAsync(byte[] buffer, int count)
        {
            if (HetuWsSend(id, buffer, count) == 0) throw new HetuConnectionException(null, "the socket is not open");
            return Task.FromResult(true);
        }

        public async Task CloseAsync(CancellationToken cancel)
        {
            HetuWsClose(id);
            using (cancel.Register(() => closed.TrySetResult(false)))
            {
                await closed.Task.ConfigureAwait(false);
            }
        }

        public void Abort()
        {
            End(new HetuConnectionException(null, "the connection was aborted"));
            HetuWsAbort(id);
        }

        /// <summary>Hands one message on; false, with the socket dropped, when the handler threw.</summary>
        private bool Deliver(Action<byte[]> handler, byte[] message)
        {
            try
            {
                handler(message);
                return true;
            }
            catch (Exception e)
            {
                End(e);
                Abort();
                return false;
            }
        }

        private void End(Exception why)
        {
            if (ended != null) return;
            ended = why;
            opened.TrySetException(why);
            closed.TrySetResult(true);
            if (onEnd != null) onEnd(why);
        }

        [AOT.MonoPInvokeCallback(typeof(OpenCallback))]
        private static void OnOpen(int id)
        {
            HetuWebGLTransport transport;
            if (Sockets.TryGetValue(id, out transport)) transport.opened.TrySetResult(true);
        }

        [AOT.MonoPInvokeCallback(typeof(MessageCallback))]
        private static void OnMessage(int id, IntPtr bytes, int length)
        {
            HetuWebGLTransport transport;
            if (!Sockets.TryGetValue(id, out transport) || transport.ended != null) return;
            var message = new byte[length];
            Marshal.Copy(bytes, message, 0, length);
            if (transport.onMessage == null) transport.early.Add(message);
            else transport.Deliver(transport.onMessage, message);
        }

        [AOT.MonoPInvokeCallback(typeof(CloseCallback))]
        private static void OnClose(int id, int code, IntPtr reason, int reasonLength)
        {
            HetuWebGLTransport transport;
            if (!Sockets.TryGetValue(id, out transport)) return;
            Sockets.Remove(id);
            var text = new byte[reasonLength];
            Marshal.Copy(reason, text, 0, reasonLength);
            transport.End(code == 1003
                    ? (Exception)new HetuProtocolException(Encoding.UTF8.GetString(text))
                    : new HetuConnectionException(null, "the server closed the connection (" + code + " " + Encoding.UTF8.GetString(text) + ")"));
        }
    }
}
#endif
