using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;

namespace __HETU_NAMESPACE__
{
    /// <summary>
    /// Reinterprets float bits without allocating or unsafe code; int and float share the
    /// platform's byte order, so the int holds the IEEE 754 bit pattern everywhere.
    /// </summary>
    [StructLayout(LayoutKind.Explicit)]
    internal struct HetuFloatBits
    {
        [FieldOffset(0)] public float Float;
        [FieldOffset(0)] public int Int;
    }

    /// <summary>Writes the wire encoding of docs/PROTOCOL.md: little-endian on every platform.</summary>
    public sealed class HetuWriter
    {
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false, true);

        private byte[] buffer;
        private int length;

        public HetuWriter(int capacity = 64)
        {
            buffer = new byte[Math.Max(capacity, 16)];
        }

        public int Length { get { return length; } }

        internal byte[] Buffer { get { return buffer; } }

        public byte[] ToArray()
        {
            var copy = new byte[length];
            Array.Copy(buffer, copy, length);
            return copy;
        }

        private void Ensure(int more)
        {
            if (length + more <= buffer.Length) return;
            var grown = new byte[Math.Max(buffer.Length * 2, length + more)];
            Array.Copy(buffer, grown, length);
            buffer = grown;
        }

        public void WriteU8(byte value)
        {
            Ensure(1);
            buffer[length++] = value;
        }

        public void WriteBool(bool value) { WriteU8(value ? (byte)1 : (byte)0); }

        public void WriteI8(sbyte value) { WriteU8((byte)value); }

        public void WriteU16(ushort value)
        {
            Ensure(2);
            buffer[length++] = (byte)value;
            buffer[length++] = (byte)(value >> 8);
        }

        public void WriteI16(short value) { WriteU16((ushort)value); }

        public void WriteChar(char value) { WriteU16(value); }

        public void WriteU32(uint value)
        {
            Ensure(4);
            buffer[length++] = (byte)value;
            buffer[length++] = (byte)(value >> 8);
            buffer[length++] = (byte)(value >> 16);
            buffer[length++] = (byte)(value >> 24);
        }

        public void WriteI32(int value) { WriteU32((uint)value); }

        public void WriteU64(ulong value)
        {
            WriteU32((uint)value);
            WriteU32((uint)(value >> 32));
        }

        public void WriteI64(long value) { WriteU64((ulong)value); }

        public void WriteF32(float value)
        {
            var bits = new HetuFloatBits();
            bits.Float = value;
            WriteI32(bits.Int);
        }

        public void WriteF64(double value) { WriteI64(BitConverter.DoubleToInt64Bits(value)); }

        /// <summary>A value string: <c>u32</c> byte length, then UTF-8.</summary>
        public void WriteString(string value)
        {
            if (value == null) throw new ArgumentNullException("value", "a string that is not nullable was null");
            var bytes = Utf8.GetBytes(value);
            WriteU32((uint)bytes.Length);
            WriteRaw(bytes);
        }

        /// <summary>A protocol string (schema hash, codes): <c>u16</c> byte length, then UTF-8.</summary>
        public void WriteShortString(string value)
        {
            var bytes = Utf8.GetBytes(value);
            if (bytes.Length > ushort.MaxValue) throw new ArgumentException("a protocol string is limited to 65535 bytes");
            WriteU16((ushort)bytes.Length);
            WriteRaw(bytes);
        }

        public void WriteBytes(byte[] value)
        {
            if (value == null) throw new ArgumentNullException("value", "a byte[] that is not nullable was null");
            WriteU32((uint)value.Length);
            WriteRaw(value);
        }

        public void WriteRaw(byte[] value)
        {
            Ensure(value.Length);
            Array.Copy(value, 0, buffer, length, value.Length);
            length += value.Length;
        }

        /// <summary>A nullable value type: a presence byte, then the value when present.</summary>
        public void WriteNullable<T>(T? value, Action<HetuWriter, T> write) where T : struct
        {
            WriteBool(value.HasValue);
            if (value.HasValue) write(this, value.Value);
        }

        /// <summary>A nullable reference: a presence byte, then the value when present.</summary>
        public void WriteOptional<T>(T value, Action<HetuWriter, T> write) where T : class
        {
            WriteBool(value != null);
            if (value != null) write(this, value);
        }

        /// <summary>A list or array: a <c>u32</c> count, then the elements.</summary>
        public void WriteList<T>(IList<T> values, Action<HetuWriter, T> write)
        {
            if (values == null) throw new ArgumentNullException("values", "a list that is not nullable was null");
            WriteU32((uint)values.Count);
            for (var i = 0; i < values.Count; i++) write(this, values[i]);
        }
    }

    /// <summary>Reads the wire encoding of docs/PROTOCOL.md from a frame, checking every length.</summary>
    public sealed class HetuReader
    {
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false, true);

        private readonly byte[] buffer;
        private readonly int end;
        private int position;

        public HetuReader(byte[] buffer) : this(buffer, 0, buffer.Length) { }

        public HetuReader(byte[] buffer, int offset, int count)
        {
            this.buffer = buffer;
            position = offset;
            end = offset + count;
        }

        public int Position { get { return position; } }

        public int Remaining { get { return end - position; } }

        internal byte[] Buffer { get { return buffer; } }

        private int Take(int count)
        {
            if (count < 0 || end - position < count)
            {
                throw new HetuProtocolException("a frame ended early: " + count + " more bytes expected at byte "
                        + position + ", " + (end - position) + " left");
            }
            var at = position;
            position += count;
            return at;
        }

        public byte ReadU8() { return buffer[Take(1)]; }

        public bool ReadBool() { return ReadU8() != 0; }

        public sbyte ReadI8() { return (sbyte)ReadU8(); }

        public ushort ReadU16() { return HetuRow.U16(buffer, Take(2)); }

        public short ReadI16() { return (short)ReadU16(); }

        public char ReadChar() { return (char)ReadU16(); }

        public uint ReadU32() { return (uint)HetuRow.I32(buffer, Take(4)); }

        public int ReadI32() { return HetuRow.I32(buffer, Take(4)); }

        public long ReadI64() { return HetuRow.I64(buffer, Take(8)); }

        public ulong ReadU64() { return (ulong)ReadI64(); }

        public float ReadF32() { return HetuRow.F32(buffer, Take(4)); }

        public double ReadF64() { return HetuRow.F64(buffer, Take(8)); }

        public bool ReadPresent() { return ReadU8() != 0; }

        public string ReadString()
        {
            var length = Count();
            return Utf8.GetString(buffer, Take(length), length);
        }

        public string ReadShortString()
        {
            int length = ReadU16();
            return Utf8.GetString(buffer, Take(length), length);
        }

        public byte[] ReadBytes()
        {
            var length = Count();
            var bytes = new byte[length];
            Array.Copy(buffer, Take(length), bytes, 0, length);
            return bytes;
        }

        /// <summary>Skips <paramref name="count"/> bytes and returns where they start in the buffer.</summary>
        public int Skip(int count) { return Take(count); }

        public List<T> ReadList<T>(Func<HetuReader, T> read)
        {
            var count = Count();
            // Each element takes at least one byte, so a corrupt count cannot allocate beyond the frame.
            var values = new List<T>(Math.Min(count, Remaining));
            for (var i = 0; i < count; i++) values.Add(read(this));
            return values;
        }

        private int Count()
        {
            var count = ReadU32();
            if (count > (uint)Remaining) throw new HetuProtocolException("a length of " + count + " exceeds the " + Remaining + " bytes left");
            return (int)count;
        }

        public void ExpectEnd(string what)
        {
            if (position != end) throw new HetuProtocolException(what + " has " + (end - position) + " unexpected trailing bytes");
        }
    }

    /// <summary>Reads columns of a row's layout bytes (docs/MANIFEST.md); the generated row decoders use it.</summary>
    public static class HetuRow
    {
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false, true);

        public static bool Bool(byte[] row, int at) { return row[at] != 0; }

        public static sbyte I8(byte[] row, int at) { return (sbyte)row[at]; }

        public static byte U8(byte[] row, int at) { return row[at]; }

        public static ushort U16(byte[] row, int at) { return (ushort)(row[at] | row[at + 1] << 8); }

        public static short I16(byte[] row, int at) { return (short)U16(row, at); }

        public static char Char(byte[] row, int at) { return (char)U16(row, at); }

        public static int I32(byte[] row, int at)
        {
            return row[at] | row[at + 1] << 8 | row[at + 2] << 16 | row[at + 3] << 24;
        }

        public static long I64(byte[] row, int at)
        {
            return (long)((uint)I32(row, at) | (ulong)(uint)I32(row, at + 4) << 32);
        }

        public static float F32(byte[] row, int at)
        {
            var bits = new HetuFloatBits();
            bits.Int = I32(row, at);
            return bits.Float;
        }

        public static double F64(byte[] row, int at) { return BitConverter.Int64BitsToDouble(I64(row, at)); }

        /// <summary>A string column: <c>u16</c> byte length, then UTF-8.</summary>
        public static string String(byte[] row, int at) { return Utf8.GetString(row, at + 2, U16(row, at)); }

        /// <summary>A bytes column: <c>u16</c> length, then the bytes.</summary>
        public static byte[] Bytes(byte[] row, int at)
        {
            var bytes = new byte[U16(row, at)];
            Array.Copy(row, at + 2, bytes, 0, bytes.Length);
            return bytes;
        }

        /// <summary>Whether a nullable column holds a value: its bit in the null bitmap is set.</summary>
        public static bool Present(byte[] row, int bitmap, int bit) { return (row[bitmap + bit / 8] & 1 << bit % 8) != 0; }

        /// <summary>
        /// Code-point order, which is the UTF-8 byte order the server sorts strings by. <c>string.CompareOrdinal</c>
        /// compares UTF-16 units instead, which puts U+E000 to U+FFFF after the characters beyond U+FFFF.
        /// </summary>
        public static int CompareText(string a, string b)
        {
            if (ReferenceEquals(a, b)) return 0;
            if (a == null) return -1;
            if (b == null) return 1;
            var length = Math.Min(a.Length, b.Length);
            for (var i = 0; i < length; i++)
            {
                var x = a[i];
                var y = b[i];
                if (x == y) continue;
                // A surrogate encodes a code point above every unit that is none.
                var xs = char.IsSurrogate(x);
                if (xs != char.IsSurrogate(y)) return xs ? 1 : -1;
                return x < y ? -1 : 1;
            }
            return a.Length.CompareTo(b.Length);
        }
    }

    /// <summary>
    /// Converts the wire's nanosecond values. The SDK keeps instants and durations as <c>long</c>
    /// nanoseconds (exact, the full range); <c>DateTime</c> and <c>TimeSpan</c> hold 100 ns ticks,
    /// so converting to them drops the last two digits.
    /// </summary>
    public static class HetuTime
    {
        private static readonly long EpochTicks = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

        /// <summary>A UTC <c>DateTime</c>, rounded down to a 100 ns tick.</summary>
        public static DateTime ToDateTime(long nanos)
        {
            var ticks = nanos / 100;
            if (nanos % 100 < 0) ticks--;
            return new DateTime(EpochTicks + ticks, DateTimeKind.Utc);
        }

        /// <summary>Nanoseconds since the epoch; a local time is converted to UTC, an unspecified one taken as UTC.</summary>
        public static long FromDateTime(DateTime time)
        {
            var utc = time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : time;
            return checked((utc.Ticks - EpochTicks) * 100);
        }

        /// <summary>A <c>TimeSpan</c>, truncated toward zero to a 100 ns tick.</summary>
        public static TimeSpan ToTimeSpan(long nanos) { return TimeSpan.FromTicks(nanos / 100); }

        public static long FromTimeSpan(TimeSpan span) { return checked(span.Ticks * 100); }
    }
}
