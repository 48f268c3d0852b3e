// Run by CSharpTestVectorsTest: decodes bytes Java wrote, and encodes arguments for Java to compare.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using SdkTest.Client;

public static class VectorsProgram
{
    public static int Main(string[] args)
    {
        var output = new List<string>();
        foreach (var line in File.ReadAllLines(args[0]))
        {
            var parts = line.Split(' ');
            var bytes = Unhex(parts[1]);
            switch (parts[0])
            {
                case "row": output.Add("row " + Row(GadgetRow.Decode(bytes, 0))); break;
                case "row-at-offset":
                    // The same decoder reads a row inside a larger buffer.
                    output.Add("row-at-offset " + Row(GadgetRow.Decode(bytes, 5))); break;
                case "result-add": output.Add("result-add " + Read(bytes, r => Vec(SdkCodec.ReadAdd(r)))); break;
                case "result-split": output.Add("result-split " + Read(bytes, r => string.Join(",", SdkCodec.ReadSplit(r).Select(Utf8)))); break;
                case "result-half": output.Add("result-half " + Read(bytes, r => Opt(SdkCodec.ReadHalf(r)))); break;
                case "result-extremes": output.Add("result-extremes " + Read(bytes, r => string.Join(",", SdkCodec.ReadExtremes(r)))); break;
                case "result-saveGadget": output.Add("result-saveGadget " + Read(bytes, r => SdkCodec.ReadSaveGadget(r).ToString())); break;
                case "result-removeGadget": output.Add("result-removeGadget " + Read(bytes, r => SdkCodec.ReadRemoveGadget(r) ? "true" : "false")); break;
                default: output.Add("unknown " + parts[0]); break;
            }
        }
        output.Add("args-saveGadget " + Write(w => SdkCodec.WriteSaveGadget(w, -1, 7, "Ünï✓你好", Mood.Angry, new byte[] { 1, 2, 255 },
                long.MinValue, long.MaxValue, null, "ø€")));
        output.Add("args-saveGadget-present " + Write(w => SdkCodec.WriteSaveGadget(w, long.MaxValue, int.MinValue, "", Mood.Calm,
                new byte[0], -1, 0, -7, null)));
        output.Add("args-add " + Write(w => SdkCodec.WriteAdd(w, new Vec(1.5f, -0f), new Vec(float.MaxValue, float.Epsilon))));
        output.Add("args-half-null " + Write(w => SdkCodec.WriteHalf(w, null)));
        output.Add("args-half-min " + Write(w => SdkCodec.WriteHalf(w, long.MinValue)));
        output.Add("args-split " + Write(w => SdkCodec.WriteSplit(w, "a 🎲")));
        output.Add("args-extremes " + Write(w => SdkCodec.WriteExtremes(w)));
        foreach (var line in output) Console.WriteLine(line);
        return 0;
    }

    private static string Row(GadgetRow g)
    {
        return "owner=" + g.Owner + " level=" + g.Level + " name=" + Utf8(g.Name) + " flag=" + (g.Flag ? "true" : "false")
                + " tiny=" + g.Tiny + " small=" + g.Small + " ratio=" + Bits(g.Ratio) + " precise=" + Bits(g.Precise)
                + " letter=" + (int)g.Letter + " mood=" + (int)g.Mood + " data=" + Hex(g.Data) + " at=" + g.AtNanos
                + " span=" + g.SpanNanos + " maybe=" + (g.Maybe.HasValue ? g.Maybe.Value.ToString() : "null")
                + " note=" + (g.Note == null ? "null" : Utf8(g.Note));
    }

    private static string Read(byte[] bytes, Func<HetuReader, string> read)
    {
        var reader = new HetuReader(bytes);
        var text = read(reader);
        reader.ExpectEnd("the vector");
        return text;
    }

    private static string Write(Action<HetuWriter> write)
    {
        var writer = new HetuWriter();
        write(writer);
        return Hex(writer.ToArray());
    }

    private static string Vec(Vec v) { return Bits(v.X) + "," + Bits(v.Y); }

    private static string Opt(long? v) { return v.HasValue ? v.Value.ToString() : "null"; }

    private static string Utf8(string s) { return Hex(Encoding.UTF8.GetBytes(s)); }

    private static string Bits(float f) { return BitConverter.ToInt32(BitConverter.GetBytes(f), 0).ToString("x8"); }

    private static string Bits(double d) { return BitConverter.DoubleToInt64Bits(d).ToString("x16"); }

    private static string Hex(byte[] bytes) { return BitConverter.ToString(bytes).Replace("-", "").ToLowerInvariant(); }

    private static byte[] Unhex(string hex)
    {
        var bytes = new byte[hex.Length / 2];
        for (var i = 0; i < bytes.Length; i++) bytes[i] = Convert.ToByte(hex.Substring(i * 2, 2), 16);
        return bytes;
    }
}
