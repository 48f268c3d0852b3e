package io.hetu.schema;

import io.hetu.annotations.Comparison;

/** A row is visible when {@code row.field op session[sessionKey]} holds. */
public record RlsRule(String field, Comparison op, String sessionKey) {}
