package io.hetu.samples.firstgame;

import io.hetu.annotations.Component;
import io.hetu.annotations.Permission;
import io.hetu.annotations.Unique;
import java.time.Instant;

/** The round everyone plays: its number and when it ends. One row, in slot 1. */
@Component(namespace = "ssw", permission = Permission.EVERYBODY)
public record Round(@Unique int slot, int number, Instant endsAt) {}
