package io.hetu.schema;

/**
 * A value cannot be stored in a column: too long for its declared maximum, null in a column that
 * is not nullable, or out of the column's range. The row is left unchanged.
 */
public final class FieldValueException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public FieldValueException(String message) {
        super(message);
    }
}
