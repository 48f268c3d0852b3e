package io.hetu.server;

import io.hetu.schema.FieldLayout;
import io.hetu.schema.Key;
import io.hetu.schema.TableDescriptor;
import io.hetu.server.app.App;
import io.hetu.server.subscription.LimitExceededException;
import io.hetu.server.subscription.Subscriptions;
import io.hetu.system.Rejection;
import io.hetu.system.StorageException;
import io.hetu.wire.Codes;
import io.hetu.wire.Protocol;
import io.hetu.wire.WireFormatException;
import io.hetu.wire.WireReader;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import java.lang.foreign.MemorySegment;
import java.util.HexFormat;

/**
 * Serves SELECT, QUERY and UNSUBSCRIBE (docs/PROTOCOL.md, Subscriptions): decodes what depends on
 * the app (the component, index, key and bounds), asks {@link Subscriptions}, which answers
 * SUBSCRIBED and pushes UPDATEs through the {@link Connection}, and rejects what it cannot serve.
 * A subscription past the connection's limits closes it.
 */
final class SubscriptionHandler extends ChannelInboundHandlerAdapter {

    private static final int QUERY_FLAGS = Protocol.QUERY_DESCENDING | Protocol.QUERY_HAS_LOW
            | Protocol.QUERY_LOW_INCLUSIVE | Protocol.QUERY_HAS_HIGH | Protocol.QUERY_HIGH_INCLUSIVE;

    private final Connection connection;
    private final App app;
    private final Subscriptions subscriptions;
    private final WireReader reader = new WireReader();

    SubscriptionHandler(Connection connection) {
        this.connection = connection;
        this.app = connection.server().app();
        this.subscriptions = connection.server().subscriptions();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        switch (message) {
            case ClientMessage.Select select -> select(select);
            case ClientMessage.Query query -> query(query);
            case ClientMessage.Unsubscribe unsubscribe -> unsubscribe(unsubscribe);
            default -> ctx.fireChannelRead(message);
        }
    }

    private void select(ClientMessage.Select select) {
        int request = select.request();
        int table = select.table();
        subscribe(request, table, select.body(), () -> {
            if (select.by() == 0) {
                long id = reader.readI64("the row id");
                reader.expectEnd("SELECT");
                subscriptions.select(connection, request, table, id);
            } else if (select.by() == 1) {
                int index = indexOf(table, reader.readU8("the index position"));
                Key key = WireKeys.read(reader, column(table, index), "the key");
                reader.expectEnd("SELECT");
                subscriptions.selectUnique(connection, request, table, index, key);
            } else {
                throw new WireFormatException("select mode " + select.by()
                        + " is neither 0 (by id) nor 1 (by unique index)");
            }
        });
    }

    private void query(ClientMessage.Query query) {
        int request = query.request();
        int table = query.table();
        int flags = query.flags();
        subscribe(request, table, query.bounds(), () -> {
            if ((flags & ~QUERY_FLAGS) != 0) {
                throw new WireFormatException("query flags 0x" + HexFormat.of().toHexDigits((byte) flags)
                        + " set undefined bits (defined: 0x" + HexFormat.of().toHexDigits((byte) QUERY_FLAGS) + ")");
            }
            int index = indexOf(table, query.indexPosition());
            FieldLayout column = column(table, index);
            Key low = (flags & Protocol.QUERY_HAS_LOW) != 0 ? WireKeys.read(reader, column, "the low bound") : null;
            Key high = (flags & Protocol.QUERY_HAS_HIGH) != 0 ? WireKeys.read(reader, column, "the high bound") : null;
            reader.expectEnd("QUERY");
            subscriptions.query(connection, request, table, index, low, (flags & Protocol.QUERY_LOW_INCLUSIVE) != 0,
                    high, (flags & Protocol.QUERY_HIGH_INCLUSIVE) != 0,
                    (int) Math.min(query.limit(), Integer.MAX_VALUE), (flags & Protocol.QUERY_DESCENDING) != 0);
        });
    }

    /** Runs {@code work}, which reads the rest of the request from {@code body}, and maps its failure. */
    private void subscribe(int request, int table, MemorySegment body, Runnable work) {
        if (table >= app.tables().size()) {
            connection.reject(request, Codes.NO_SUCH_COMPONENT, "no component has id " + table + "; the app has "
                    + app.tables().size());
            return;
        }
        reader.reset(body, 0, body.byteSize());
        try {
            work.run();
        } catch (Rejection r) {
            connection.reject(request, r.code(), r.getMessage());
        } catch (LimitExceededException e) {
            connection.close(e.code(), e.getMessage(), Protocol.CLOSE_LIMIT);
        } catch (WireFormatException | IllegalArgumentException e) {
            connection.reject(request, Codes.BAD_ARGUMENTS, e.getMessage());
        } catch (StorageException e) {
            // The store could not be read (a shared database that is unreachable): the client may retry.
            connection.reject(request, Codes.UNAVAILABLE, e.getMessage());
        }
    }

    private int indexOf(int table, int position) {
        TableDescriptor<?, ?> descriptor = app.tables().get(table);
        if (position >= descriptor.indexes().size()) {
            throw new WireFormatException(descriptor.name() + " has no index at position " + position);
        }
        return position;
    }

    private FieldLayout column(int table, int index) {
        TableDescriptor<?, ?> descriptor = app.tables().get(table);
        return descriptor.layout().field(descriptor.indexes().get(index).field());
    }

    private void unsubscribe(ClientMessage.Unsubscribe unsubscribe) {
        int request = unsubscribe.request();
        if (subscriptions.unsubscribe(connection, unsubscribe.subscription())) {
            // Queued behind the frames the engine already handed to the event loop, which belong
            // before DONE.
            BinaryWebSocketFrame done = connection.frame(connection.out().writeI8(Protocol.DONE).writeI32(request));
            Channel channel = connection.channel();
            channel.eventLoop().execute(() -> channel.writeAndFlush(done, channel.voidPromise()));
        } else {
            connection.reject(request, Codes.NO_SUCH_SUBSCRIPTION, "this connection has no subscription "
                    + unsubscribe.subscription());
        }
    }
}
