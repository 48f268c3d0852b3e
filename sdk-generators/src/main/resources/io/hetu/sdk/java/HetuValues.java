package __HETU_PACKAGE__;

import io.hetu.wire.WireReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/** Decodes the values that are more than one read (docs/PROTOCOL.md, "Encoding"), for the generated codecs. */
final class HetuValues {

    private HetuValues() {}

    /** A presence flag, then the value when it is present; else null. */
    static <T> T nullable(WireReader reader, String what, Function<WireReader, T> read) {
        return reader.readPresent(what) ? read.apply(reader) : null;
    }

    /** A {@code u32} count, then the elements; unmodifiable (and, for nullable elements, holding nulls). */
    static <T> List<T> list(WireReader reader, String what, Function<WireReader, T> read) {
        int count = reader.readCount(what);
        List<T> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(read.apply(reader));
        }
        return Collections.unmodifiableList(values);
    }
}
