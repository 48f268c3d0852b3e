using System;
using System.Collections.Concurrent;
using System.Threading;

namespace __HETU_NAMESPACE__
{
    /// <summary>
    /// Where subscription caches change and their events run. Everything a connection posts runs
    /// in the order the server sent it, so a dispatcher must run actions in order (FIFO).
    /// </summary>
    public interface IHetuDispatcher
    {
        void Post(Action action);
    }

    /// <summary>Runs callbacks at once on the connection's receive thread (the default; fine for servers and tools).</summary>
    public sealed class HetuImmediateDispatcher : IHetuDispatcher
    {
        public static readonly HetuImmediateDispatcher Instance = new HetuImmediateDispatcher();

        private HetuImmediateDispatcher() { }

        public void Post(Action action) { action(); }
    }

    /// <summary>Posts callbacks to a <see cref="SynchronizationContext"/>, such as Unity's main thread or a UI thread.</summary>
    public sealed class HetuSynchronizationContextDispatcher : IHetuDispatcher
    {
        private readonly SynchronizationContext context;

        public HetuSynchronizationContextDispatcher(SynchronizationContext context)
        {
            if (context == null) throw new ArgumentNullException("context", "no SynchronizationContext: create the dispatcher on the thread that should run the callbacks");
            this.context = context;
        }

        public void Post(Action action) { context.Post(state => ((Action)state)(), action); }
    }

    /// <summary>Queues callbacks until <see cref="Drain"/> runs them, for a game loop that polls once a frame.</summary>
    public sealed class HetuQueueDispatcher : IHetuDispatcher
    {
        private readonly ConcurrentQueue<Action> queue = new ConcurrentQueue<Action>();

        public void Post(Action action) { queue.Enqueue(action); }

        /// <summary>Runs every queued callback on the calling thread; returns how many ran.</summary>
        public int Drain()
        {
            var ran = 0;
            Action action;
            while (queue.TryDequeue(out action))
            {
                action();
                ran++;
            }
            return ran;
        }
    }

#if UNITY_5_3_OR_NEWER
    /// <summary>Unity helpers: run the SDK's callbacks on the main thread.</summary>
    public static class HetuUnity
    {
        /// <summary>Call from the main thread (Awake, Start): callbacks go to Unity's main-thread context.</summary>
        public static IHetuDispatcher MainThreadDispatcher()
        {
            return new HetuSynchronizationContextDispatcher(SynchronizationContext.Current);
        }
    }

    /// <summary>A component that drains a <see cref="HetuQueueDispatcher"/> every frame.</summary>
    public sealed class HetuDispatcherPump : UnityEngine.MonoBehaviour
    {
        public HetuQueueDispatcher Queue { get; set; }

        private void Update()
        {
            if (Queue != null) Queue.Drain();
        }
    }
#endif
}
