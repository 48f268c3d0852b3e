package io.hetu.server;

import io.hetu.annotations.Permission;
import io.hetu.schema.FieldValueException;
import io.hetu.schema.Layouts;
import io.hetu.server.app.App;
import io.hetu.server.once.OnceCalls;
import io.hetu.server.subscription.Subscriptions;
import io.hetu.server.system.CallContext;
import io.hetu.server.system.Session;
import io.hetu.storage.Database;
import io.hetu.system.CommitOutcomeUnknownException;
import io.hetu.system.ConflictException;
import io.hetu.system.Rejection;
import io.hetu.system.StorageException;
import io.hetu.system.UniqueViolationException;
import io.hetu.wire.Codes;
import io.hetu.wire.Protocol;
import io.hetu.wire.WireFormatException;
import io.hetu.wire.WireReader;
import io.hetu.wire.WireWriter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import java.util.concurrent.CompletableFuture;

/**
 * Serves CALL (docs/PROTOCOL.md, Calls): checks the system id and the caller's permission, runs
 * the system as a transaction on the event loop with the connection's {@link CallContext}, maps
 * its failure to a REJECTED code, applies the session change it asked for, and hands the reply to
 * the connection's {@link DurableReplies}, which sends it once what it depends on is durable. After
 * each read from the socket it lets the replies of that read go out together.
 */
final class CallHandler extends ChannelInboundHandlerAdapter {

    private final Connection connection;
    private final HetuServer server;
    private final App app;
    private final Database database;
    private final Subscriptions subscriptions;
    private final Session session;
    private final CallContext context;
    private final DurableReplies replies;
    private final WireReader reader = new WireReader();
    private final WireWriter writer = new WireWriter();
    /** How many times the current call's transaction has run, for {@link ServerStats}. */
    private int attempts;
    private final CallLimits.ForConnection limits;
    private final OnceCalls onceCalls;

    CallHandler(Connection connection) {
        this.connection = connection;
        this.server = connection.server();
        this.app = server.app();
        this.database = server.database();
        this.subscriptions = server.subscriptions();
        this.session = connection.session();
        this.context = connection.context();
        this.replies = connection.replies();
        this.limits = server.callLimits().forConnection();
        this.onceCalls = server.onceCalls();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (message instanceof ClientMessage.Call call) {
            call(call);
        } else {
            ctx.fireChannelRead(message);
        }
    }

    /** After the calls of one read from the socket: sends the replies whose commits are durable. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        replies.readComplete();
        ctx.fireChannelReadComplete();
    }

    private void call(ClientMessage.Call call) {
        int request = call.request();
        App.Entry entry = app.system(call.system());
        if (entry == null) {
            replies.add(0, false, request, connection.rejection(request, Codes.NO_SUCH_SYSTEM, "no system has id "
                    + call.system() + "; the app has " + app.systems().size()), null);
            return;
        }
        if (!mayCall(entry.def().permission())) {
            replies.add(0, false, request, connection.rejection(request, Codes.PERMISSION, permissionMessage(entry)),
                    null);
            return;
        }
        if (entry.def().limit() != null) {
            long wait = limits.take(call.system(), entry.def(), session);
            if (wait > 0) {
                replies.add(0, false, request, connection.rejection(request, Codes.RATE_LIMITED,
                        CallLimits.message(entry.def(), wait)), null);
                return;
            }
        }
        long argumentsAt = call.argumentsAt();
        long argumentsLength = call.message().byteSize() - argumentsAt;
        // A CALL_ONCE of a logged-in caller is looked up and remembered; anyone else's runs as a CALL,
        // and so does a call of a system that is safe to run twice.
        long user = session.caller();
        long callId = user != 0 && !entry.def().idempotent() ? call.callId() : 0;
        writer.clear().writeI8(Protocol.RESULT).writeI32(request);
        int seqAt = writer.size();
        writer.writeI64(0);
        int resultAt = writer.size();
        long seq;
        attempts = 0;
        try {
            seq = database.commit(entry.def().retry(), tx -> {
                attempts++;
                context.begin(tx);
                writer.truncate(resultAt);
                long slotRow = callId == 0 ? OnceCalls.EMPTY_SLOT : onceCalls.replay(tx, user, callId, writer);
                if (slotRow == OnceCalls.REPLAYED) {
                    return;
                }
                reader.reset(call.message(), argumentsAt, argumentsLength);
                entry.dispatcher().dispatch(entry.index(), context, reader, writer);
                context.attachEffects();
                // A call that wrote nothing can run again harmlessly; one that logs in is not the same
                // user's call any more.
                if (callId != 0 && tx.hasWrites() && !context.changesSession()) {
                    onceCalls.remember(tx, slotRow, user, callId,
                            writer.segment().asSlice(resultAt, writer.size() - resultAt));
                }
            });
        } catch (RuntimeException e) {
            context.abandonEffects();
            // What the system read before it failed may be a commit that is not durable yet.
            replies.add(database.backend().lastSeq(), false, request, rejectFailure(request, entry.def().name(), e),
                    null);
            return;
        } finally {
            server.stats().called(attempts);
            connection.called();
        }
        // A call that wrote nothing saw at most the latest commit; its reply waits for that one.
        long dependsOn = seq != 0 ? seq : database.backend().lastSeq();
        if (!context.commitEffects()) {
            replies.add(dependsOn, false, request, connection.rejection(request, Codes.ALREADY_LOGGED_IN,
                    "another connection logged in as that user first"), null);
            return;
        }
        writer.segment().set(Layouts.I64, seqAt, dependsOn);
        // A reply to a session change also waits until the subscriptions have switched
        // (docs/PROTOCOL.md, identity switch). The engine's frames reach the socket as tasks of
        // this event loop: completing in a task queued after them keeps the reply behind them.
        CompletableFuture<Void> switched = seq != 0 && context.changesSession()
                ? subscriptions.switched(connection, seq).thenRunAsync(() -> {}, connection.channel().eventLoop())
                : null;
        replies.add(dependsOn, seq != 0, request, connection.frame(writer), switched);
    }

    /** The REJECTED frame for a call whose transaction failed with {@code e}. */
    private BinaryWebSocketFrame rejectFailure(int request, String system, RuntimeException e) {
        return switch (e) {
            case Rejection r -> connection.rejection(request, r.code(), r.getMessage());
            case WireFormatException w ->
                    connection.rejection(request, Codes.BAD_ARGUMENTS, system + ": " + w.getMessage());
            case ConflictException c -> connection.rejection(request, Codes.CONFLICT, system + ": " + c.getMessage());
            case UniqueViolationException u -> connection.rejection(request, Codes.UNIQUE, u.getMessage());
            case FieldValueException f -> connection.rejection(request, Codes.INVALID_VALUE, f.getMessage());
            case CommitOutcomeUnknownException u ->
                    connection.rejection(request, Codes.UNKNOWN_OUTCOME, u.getMessage());
            case StorageException s when s.getCause() != null ->
                    connection.rejection(request, Codes.UNAVAILABLE, s.getMessage());
            default -> connection.rejection(request, Codes.INTERNAL, "the system failed; the server log has trace "
                    + server.failures().report("system " + system, e));
        };
    }

    private boolean mayCall(Permission permission) {
        return switch (permission) {
            case EVERYBODY -> true;
            case USER -> session.caller() != 0;
            case ADMIN -> session.isAdmin();
            case OWNER, RLS, NONE -> false;
        };
    }

    private static String permissionMessage(App.Entry entry) {
        return switch (entry.def().permission()) {
            case USER -> entry.def().name() + " needs a logged-in caller; call a login system first";
            case ADMIN -> entry.def().name() + " is for administrators only";
            default -> entry.def().name() + " cannot be called by clients";
        };
    }
}
