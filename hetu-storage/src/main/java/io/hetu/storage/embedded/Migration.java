package io.hetu.storage.embedded;

import io.hetu.schema.FieldLayout;
import io.hetu.schema.Layouts;
import io.hetu.schema.RowLayout;
import io.hetu.system.SchemaMismatchException;
import java.lang.foreign.MemorySegment;

/**
 * How rows stored with an older layout of a component become rows of its current layout. The one
 * change that migrates by itself is columns added at the end: every stored column keeps its name,
 * type, size and place, and the new columns start at their default (zero, or null when nullable).
 * Anything else is refused with the difference named.
 */
final class Migration {

    private final RowLayout stored;
    private final RowLayout current;

    private Migration(RowLayout stored, RowLayout current) {
        this.stored = stored;
        this.current = current;
    }

    /**
     * The migration from {@code stored} to {@code current}, or null when they are the same layout.
     *
     * @throws SchemaMismatchException naming the component and the first difference
     */
    static Migration plan(String component, String storedHash, RowLayout stored, String currentHash,
            RowLayout current) {
        if (storedHash.equals(currentHash)) {
            return null;
        }
        var old = stored.fields();
        var now = current.fields();
        for (int i = 0; i < old.size(); i++) {
            FieldLayout was = old.get(i);
            if (i >= now.size()) {
                throw mismatch(component, "column '" + was.name() + "' was removed");
            }
            FieldLayout is = now.get(i);
            String difference = null;
            if (!was.name().equals(is.name())) {
                difference = "column " + (i + 1) + " was '" + was.name() + "' and is now '" + is.name() + "'";
            } else if (was.type() != is.type()) {
                difference = "column '" + was.name() + "' changed type from " + was.type().wireName() + " to "
                        + is.type().wireName();
            } else if (was.maxLength() != is.maxLength()) {
                difference = "column '" + was.name() + "' changed its maximum length from " + was.maxLength() + " to "
                        + is.maxLength();
            } else if (was.nullable() != is.nullable()) {
                difference = "column '" + was.name() + "' " + (is.nullable() ? "became nullable" : "is no longer nullable");
            } else if (!was.enumConstants().equals(is.enumConstants())) {
                difference = "the constants of enum column '" + was.name() + "' changed from " + was.enumConstants()
                        + " to " + is.enumConstants() + " (stored ordinals would change meaning)";
            } else if (was.offset() != is.offset() || was.size() != is.size() || was.nullBit() != is.nullBit()) {
                difference = "column '" + was.name() + "' moved in the row";
            }
            if (difference != null) {
                throw mismatch(component, difference);
            }
        }
        if (now.size() == old.size()) {
            throw mismatch(component, "the row layout changed");
        }
        return new Migration(stored, current);
    }

    /** Writes the current-layout form of a stored row into a zeroed target. */
    void convert(MemorySegment source, long sourceOffset, MemorySegment target, long targetOffset) {
        for (FieldLayout field : stored.fields()) {
            MemorySegment.copy(source, sourceOffset + field.offset(), target, targetOffset + field.offset(),
                    field.size());
            if (field.nullable()) {
                int bit = field.nullBit();
                boolean present = (source.get(Layouts.I8, sourceOffset + stored.nullBitmapOffset() + bit / 8)
                        & (1 << (bit % 8))) != 0;
                if (present) {
                    long at = targetOffset + current.nullBitmapOffset() + bit / 8;
                    target.set(Layouts.I8, at, (byte) (target.get(Layouts.I8, at) | (1 << (bit % 8))));
                }
            }
        }
    }

    private static SchemaMismatchException mismatch(String component, String difference) {
        return new SchemaMismatchException("stored data of component " + component + " does not match the app: "
                + difference + ". Only columns added at the end migrate by themselves; restore the previous "
                + "declaration, or move the data directory away to start empty.");
    }
}
