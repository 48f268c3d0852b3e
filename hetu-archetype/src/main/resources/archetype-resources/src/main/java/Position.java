package ${package};

import io.hetu.annotations.Component;
import io.hetu.annotations.Permission;
import io.hetu.annotations.Unique;

/** Where a player stands; one row per player, found by its owner. Every logged-in player may read it. */
@Component(namespace = "game", permission = Permission.USER)
public record Position(float x, float y, @Unique long owner) {}
