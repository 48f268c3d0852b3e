package __HETU_PACKAGE__;

import java.lang.foreign.MemorySegment;

/**
 * How a component's rows are decoded: its id on the wire, its qualified name, its row size and the decoder over the
 * layout bytes (docs/MANIFEST.md).
 *
 * @param <Row> the generated row record
 */
public record RowType<Row>(int componentId, String name, int rowSize, RowType.Decoder<Row> decoder) {

    /** Reads a row from its layout bytes at {@code offset} of {@code segment}. */
    @FunctionalInterface
    public interface Decoder<Row> {
        Row decode(MemorySegment segment, long offset);
    }

    /** Decodes a row from exactly its layout bytes. */
    public Row decode(byte[] bytes) {
        return decoder.decode(MemorySegment.ofArray(bytes), 0);
    }
}
