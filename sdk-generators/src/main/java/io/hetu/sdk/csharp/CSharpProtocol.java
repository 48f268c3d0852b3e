package io.hetu.sdk.csharp;

import static io.hetu.sdk.csharp.CSharpCode.literal;

import io.hetu.sdk.ProtocolConstants.AfterError;
import io.hetu.sdk.ProtocolConstants.ErrorCode;
import io.hetu.sdk.ProtocolConstants.Number;
import io.hetu.sdk.ProtocolConstants.RejectionCode;

/** {@code Runtime/Hetu/HetuProtocol.cs}: the protocol's constants for the runtime, from {@link io.hetu.sdk.ProtocolConstants}. */
final class CSharpProtocol {

    private CSharpProtocol() {}

    /** The namespace's body: the {@code HetuAfterError} enum and the {@code HetuProtocol} class. */
    static String body() {
        CSharpCode code = new CSharpCode();
        code.line("/// <summary>What the client does after the server ended its connection with an ERROR.</summary>");
        code.open("public enum HetuAfterError");
        code.line("/// <summary>Connect again with backoff: a new connection can succeed.</summary>");
        code.line("Reconnect,");
        code.blank();
        code.line("/// <summary>Close for good: a new connection would end the same way.</summary>");
        code.line("Close");
        code.close();
        code.blank();
        code.line("/// <summary>The constants of the HeTu protocol (docs/PROTOCOL.md), the same in every SDK.</summary>");
        code.open("public static partial class HetuProtocol");
        for (Number number : Number.values()) {
            String type = switch (number.group().bits()) {
                case 8 -> "byte";
                case 16 -> "ushort";
                default -> "uint";
            };
            String value = number.group().hex() ? String.format("0x%02X", number.value())
                    : Long.toString(number.value());
            code.line("/// <summary>" + number.doc() + "</summary>");
            code.line("public const " + type + " " + CSharpCode.pascal(number.name(), true) + " = " + value + ";");
            code.blank();
        }
        code.line("/// <summary>");
        code.line("/// The rule per ERROR code (docs/SDKS.md, \"Reconnecting\"): connect again with backoff where a new");
        code.line("/// connection can succeed, close for good where it would end the same way. A code not listed closes; a");
        code.line("/// connection lost without an ERROR is reconnected (<see cref=\"ReconnectsAfter\"/>).");
        code.line("/// </summary>");
        code.open("public static readonly IReadOnlyDictionary<string, HetuAfterError> AfterErrors = "
                + "new Dictionary<string, HetuAfterError>");
        for (ErrorCode error : ErrorCode.values()) {
            code.line("{ " + literal(error.code()) + ", HetuAfterError."
                    + (error.after() == AfterError.RECONNECT ? "Reconnect" : "Close") + " }, // " + error.why());
        }
        code.close("};");
        code.blank();
        code.line("/// <summary>Whether to connect again after a connection that ended with this ERROR code, or without one (null).</summary>");
        code.open("public static bool ReconnectsAfter(string code)");
        code.line("HetuAfterError after;");
        code.line("return code == null || (AfterErrors.TryGetValue(code, out after) && after == HetuAfterError.Reconnect);");
        code.close();
        code.blank();
        code.line("/// <summary>The codes of REJECTED that the server itself sends; an app's systems reject with codes of their own besides.</summary>");
        code.open("public static readonly IReadOnlyList<string> RejectionCodes = new[]");
        for (RejectionCode rejection : RejectionCode.values()) {
            code.line(literal(rejection.code()) + ",");
        }
        code.close("};");
        code.close();
        return code.toString();
    }
}
