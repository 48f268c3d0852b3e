package com.example.arena;

import io.hetu.annotations.Component;
import io.hetu.annotations.Unique;

/** A player's score in the arena. */
@Component(namespace = "arena")
public record Score(@Unique long owner, int points) {}
