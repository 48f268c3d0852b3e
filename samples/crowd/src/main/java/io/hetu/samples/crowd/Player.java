package io.hetu.samples.crowd;

import io.hetu.annotations.Component;
import io.hetu.annotations.Index;
import io.hetu.annotations.Permission;
import io.hetu.annotations.Unique;

/**
 * A player of the crowd: where it stands, and the grid cell that position falls in. Everyone sees
 * everyone (a crowd is public); {@code cell} is indexed so that a client can watch only the cells
 * around it (see {@link Grid}).
 */
@Component(namespace = "crowd", permission = Permission.EVERYBODY)
public record Player(float x, float y, @Index int cell, @Unique long owner) {}
