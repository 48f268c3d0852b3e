package io.hetu.storage.durability;

import java.nio.file.Path;

/** One segment file of the write-ahead log and the seq of the first record it holds (or will hold). */
record LogSegment(long firstSeq, Path path) {
}
