using System;

namespace __HETU_NAMESPACE__
{
    /// <summary>The base of every error the SDK raises.</summary>
    public class HetuException : Exception
    {
        public HetuException(string message) : base(message) { }

        public HetuException(string message, Exception cause) : base(message, cause) { }
    }

    /// <summary>
    /// The server refused a call or subscription (REJECTED): the app's own code from
    /// <c>ctx.reject</c>, or one of the protocol's (<see cref="HetuProtocol.RejectionCodes"/>: PERMISSION,
    /// BAD_ARGUMENTS, CONFLICT, UNIQUE, INTERNAL, UNAVAILABLE, ...). The connection stays open.
    /// </summary>
    public sealed class HetuRejectionException : HetuException
    {
        public HetuRejectionException(string code, string message) : base(message)
        {
            Code = code;
        }

        public string Code { get; private set; }

        /// <summary>The type, the code and the message, then the stack trace as <see cref="Exception.ToString"/> has it.</summary>
        public override string ToString()
        {
            var text = GetType().Name + " " + Code + ": " + Message;
            return StackTrace == null ? text : text + Environment.NewLine + StackTrace;
        }
    }

    /// <summary>
    /// The connection failed or closed. <see cref="Code"/> is the server's ERROR code (SCHEMA,
    /// VERSION, KICKED, IDLE, ...) when it sent one, or one of the client's own: CLOSED, TIMEOUT,
    /// and DISCONNECTED, which fails a call in flight when the connection dropped that could not be
    /// sent again safely (made without a SessionStart, the connection closed for good, SessionStart
    /// failed after the reconnect, or more than 32 calls were sent after it): it may or may not have
    /// run. Else null.
    /// </summary>
    public sealed class HetuConnectionException : HetuException
    {
        public HetuConnectionException(string code, string message) : base(message)
        {
            Code = code;
        }

        public HetuConnectionException(string message, Exception cause) : base(message, cause) { }

        public HetuConnectionException(string code, string message, Exception cause) : base(message, cause)
        {
            Code = code;
        }

        public string Code { get; private set; }
    }

    /// <summary>The server sent bytes this SDK cannot read: a bug on one side or a schema mismatch.</summary>
    public sealed class HetuProtocolException : HetuException
    {
        public HetuProtocolException(string message) : base(message) { }
    }
}
