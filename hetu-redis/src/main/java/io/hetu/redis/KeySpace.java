package io.hetu.redis;

import io.hetu.schema.FieldLayout;
import io.hetu.schema.FieldType;
import io.hetu.schema.IndexDef;
import io.hetu.schema.Key;
import io.hetu.schema.KeyCodec;
import io.hetu.schema.Layouts;
import io.hetu.schema.TableDescriptor;
import io.hetu.storage.spi.IndexOrder;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The names of one HeTu database's Redis keys and the byte encodings stored in them. Every key
 * starts with the hash tag {@code {name}}, so a whole database hashes to one Redis Cluster slot
 * and every commit touches a single slot (docs/REDIS.md lists the keys).
 *
 * <p>Ordered indexes are sorted sets whose members all have score 0, so Redis orders them by
 * their bytes: a member is the column's key followed by the row id, both encoded so that
 * comparing bytes compares values. A fixed-width key is {@link KeyCodec}'s 64-bit word,
 * big-endian; a string key is its UTF-8 bytes with every 0x00 written as 0x00 0xFF, ended by
 * 0x00 0x00, so a shorter string sorts before any longer one it begins. The id is 8 bytes,
 * big-endian. A composite index (one with further columns, as list tables have) puts each
 * further column's key between the leading key and the id, every byte inverted for a descending
 * column; each key delimits itself, so the member's bytes order rows as {@link IndexOrder} does.
 * Bounds name the leading key only and cover every member that begins with it.
 */
final class KeySpace {

    static final int ID_BYTES = 8;

    final String tag;
    final byte[] seq;
    final byte[] stream;
    final byte[] hold;
    final byte[] schema;
    final Table[] tables;

    /** The keys of one table. */
    static final class Table {
        final String qualifiedName;
        final byte[] name;
        /** Prefix of the row hashes: a row's key is this followed by its 8-byte id. */
        final byte[] rowPrefix;
        /** Sorted set of every row's id: the table's own order. */
        final byte[] all;
        /** Counter the id blocks are taken from. */
        final byte[] ids;
        final FieldLayout[] columns;
        /** Per index: the sorted set. */
        final byte[][] ordered;
        /** Per index: the hash from key to id, or null when not unique. */
        final byte[][] unique;
        /** Per index: the further columns of a composite index (empty for one column). */
        final IndexOrder[] then;
        final int rowSize;

        Table(String tag, TableDescriptor<?, ?> descriptor) {
            qualifiedName = descriptor.namespace() + "." + descriptor.name();
            name = bytes(qualifiedName);
            String base = tag + ":t:" + qualifiedName;
            rowPrefix = bytes(base + ":row:");
            all = bytes(base + ":all");
            ids = bytes(base + ":ids");
            List<IndexDef> indexes = descriptor.indexes();
            columns = new FieldLayout[indexes.size()];
            ordered = new byte[indexes.size()][];
            unique = new byte[indexes.size()][];
            then = new IndexOrder[indexes.size()];
            for (int i = 0; i < indexes.size(); i++) {
                IndexDef index = indexes.get(i);
                columns[i] = descriptor.layout().field(index.field());
                ordered[i] = bytes(base + ":ix:" + index.field());
                unique[i] = index.unique() ? bytes(base + ":uq:" + index.field()) : null;
                then[i] = IndexOrder.of(descriptor.layout(), index);
            }
            rowSize = descriptor.layout().size();
        }

        /**
         * A row's key in an index, as its member begins: the leading column's key, then for a
         * composite index each further column's key (inverted when descending).
         */
        byte[] indexKey(int index, MemorySegment row, long rowOffset) {
            byte[] leading = columnKey(columns[index], row, rowOffset);
            IndexOrder further = then[index];
            if (further.isEmpty()) {
                return leading;
            }
            byte[][] parts = new byte[further.size() + 1][];
            parts[0] = leading;
            for (int c = 0; c < further.size(); c++) {
                byte[] key = columnKey(further.column(c), row, rowOffset);
                if (further.descending(c)) {
                    for (int b = 0; b < key.length; b++) {
                        key[b] = (byte) ~key[b];
                    }
                }
                parts[c + 1] = key;
            }
            return concat(parts);
        }

        byte[] rowKey(long id) {
            byte[] key = java.util.Arrays.copyOf(rowPrefix, rowPrefix.length + ID_BYTES);
            putId(key, rowPrefix.length, id);
            return key;
        }
    }

    KeySpace(String name, List<TableDescriptor<?, ?>> descriptors) {
        tag = "{" + name + "}";
        seq = bytes(tag + ":seq");
        stream = bytes(tag + ":changes");
        hold = bytes(tag + ":hold");
        schema = bytes(tag + ":schema");
        tables = new Table[descriptors.size()];
        for (int t = 0; t < tables.length; t++) {
            tables[t] = new Table(tag, descriptors.get(t));
        }
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] id(long id) {
        byte[] bytes = new byte[ID_BYTES];
        putId(bytes, 0, id);
        return bytes;
    }

    private static void putId(byte[] target, int at, long id) {
        for (int i = 0; i < ID_BYTES; i++) {
            target[at + i] = (byte) (id >>> (56 - 8 * i));
        }
    }

    /** The id in the last 8 bytes of a member or key. */
    static long idAtEnd(byte[] bytes) {
        long id = 0;
        for (int i = bytes.length - ID_BYTES; i < bytes.length; i++) {
            id = (id << 8) | (bytes[i] & 0xFF);
        }
        return id;
    }

    /** The encoded key of a row's indexed column. */
    static byte[] columnKey(FieldLayout column, MemorySegment row, long rowOffset) {
        long at = rowOffset + column.offset();
        if (column.type() == FieldType.STRING) {
            int length = Short.toUnsignedInt(row.get(Layouts.I16, at));
            return escaped(row, at + 2, length);
        }
        return id(KeyCodec.encode(column.type(), row, at));
    }

    /** The encoded form of a lookup key or range bound. */
    static byte[] key(Key key) {
        if (key.string() != null) {
            MemorySegment stored = key.string();
            return escaped(stored, 2, (int) stored.byteSize() - 2);
        }
        return id(key.bits());
    }

    private static byte[] escaped(MemorySegment segment, long offset, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 2);
        for (int i = 0; i < length; i++) {
            byte b = segment.get(Layouts.I8, offset + i);
            out.write(b);
            if (b == 0) {
                out.write(0xFF);
            }
        }
        out.write(0);
        out.write(0);
        return out.toByteArray();
    }

    /**
     * The ZRANGEBYLEX bound for rows at or after (or only after) a key. Members continue after the
     * key (further columns, the id), so "only after" starts at the first byte string above every
     * member that begins with the key.
     */
    static byte[] lowBound(Key low, boolean inclusive) {
        if (low == null) {
            return new byte[] {'-'};
        }
        if (inclusive) {
            return concat(new byte[] {'['}, key(low));
        }
        byte[] above = aboveAllWith(key(low));
        return above == null ? new byte[] {'+'} : concat(new byte[] {'['}, above);
    }

    /** The ZRANGEBYLEX bound for rows at or before (or only before) a key. */
    static byte[] highBound(Key high, boolean inclusive) {
        if (high == null) {
            return new byte[] {'+'};
        }
        if (!inclusive) {
            return concat(new byte[] {'('}, key(high));
        }
        byte[] above = aboveAllWith(key(high));
        return above == null ? new byte[] {'+'} : concat(new byte[] {'('}, above);
    }

    /**
     * The shortest byte string greater than every string that begins with {@code prefix}: the
     * prefix up to its last byte below 0xFF, that byte increased; null when the prefix is all 0xFF
     * (nothing is above it). A string key ends with 0x00 0x00, which becomes 0x00 0x01: no key
     * encodes those bytes, so only members beginning with the key sort below it.
     */
    static byte[] aboveAllWith(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xFF) {
                byte[] above = java.util.Arrays.copyOf(prefix, i + 1);
                above[i]++;
                return above;
            }
        }
        return null;
    }

    /** The bound just past a member, to continue a scan after it. */
    static byte[] after(byte[] member) {
        return concat(new byte[] {'('}, member);
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] joined = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, joined, at, part.length);
            at += part.length;
        }
        return joined;
    }
}
