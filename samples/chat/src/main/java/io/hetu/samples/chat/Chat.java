package io.hetu.samples.chat;

import io.hetu.annotations.GameSystem;
import io.hetu.annotations.Permission;
import io.hetu.system.SystemContext;
import java.time.Instant;

/** Chat systems: log in, then say something in a room. */
public final class Chat {

    private Chat() {}

    /** Anyone may log in as any user: a demo. A real game checks a token here. */
    @GameSystem(namespace = "chat", permission = Permission.EVERYBODY)
    public static void login(SystemContext ctx, long userId) {
        ctx.elevate(userId, true);
    }

    /** Appends the caller's message to a room; the room keeps its last 100. */
    @GameSystem(namespace = "chat", permission = Permission.USER, retry = 999)
    public static void say(SystemContext ctx, String room, String text) {
        if (text.isBlank()) {
            throw ctx.reject("EMPTY_MESSAGE", "say something: the message is blank");
        }
        ctx.append(MessageTable.LIST, new Message(room, ctx.caller(), text, Instant.now()));
    }
}
