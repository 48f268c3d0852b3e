package com.example.arena.bot;

import com.example.games.arenagame.client.HetuClient;
import com.example.games.arenagame.client.ScoreRow;
import com.example.games.arenagame.client.Subscription;

/** A bot as a game's tools would write one against the generated Java client. */
public final class Bot {

    private Bot() {}

    public static void main(String[] args) {
        try (HetuClient client = HetuClient.connect(args.length > 0 ? args[0] : "ws://localhost:2466/hetu").join()) {
            client.login(c -> c.systems().login(1L)).join();
            Subscription<ScoreRow> mine = client.score().selectByOwner(1L).join();
            mine.onUpdate((id, row, previous) -> System.out.println("points: " + row.points()));
            mine.rows().values().forEach(row -> System.out.println("points: " + row.points()));
        }
    }
}
