package io.hetu.storage.spi;

import io.hetu.schema.Key;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * What a backend validates and applies at commit: the transaction's reads (points, unique
 * lookups, index scans) and its writes, in the order they were made.
 */
public interface CommitRequest {

    int pointReadCount();

    int pointReadTable(int i);

    long pointReadId(int i);

    /** The version read, 0 when the row was absent. */
    long pointReadVersion(int i);

    int lookupCount();

    int lookupTable(int i);

    int lookupIndex(int i);

    Key lookupKey(int i);

    /** The id found, 0 when no row had the key. */
    long lookupResult(int i);

    int scanCount();

    ScanRead scan(int i);

    int writeCount();

    int writeTable(int i);

    ChangeKind writeKind(int i);

    long writeId(int i);

    /** The new row bytes of an insert or update. */
    MemorySegment writeSegment(int i);

    long writeOffset(int i);

    /** Objects to publish with the commit's changes. */
    default List<Object> attachments() {
        return List.of();
    }
}
