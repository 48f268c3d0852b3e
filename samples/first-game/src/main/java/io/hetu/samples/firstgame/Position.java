package io.hetu.samples.firstgame;

import io.hetu.annotations.Component;
import io.hetu.annotations.Permission;
import io.hetu.annotations.Unique;

/** Where a player stands on the map; one row per player, found by its owner. */
@Component(namespace = "ssw", permission = Permission.USER)
public record Position(float x, float y, @Unique long owner) {}
