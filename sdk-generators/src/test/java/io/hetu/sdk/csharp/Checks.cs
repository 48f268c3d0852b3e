// Compiled with every program CSharpMonoEndToEndTest runs: counts the checks and prints the SUMMARY line that
// the Java test reads. A program imports it with `using static Checks;`.
using System;
using System.Collections.Generic;
using System.Threading.Tasks;

public static class Checks
{
    private static int checks;
    private static int failures;

    /// <summary>Runs the program's body, prints the summary, and exits with 0 only when every check passed.</summary>
    public static int Run(Func<Task> body)
    {
        try
        {
            body().GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            Console.WriteLine("FAIL unexpected " + e);
            failures++;
        }
        Console.WriteLine("SUMMARY checks=" + checks + " failures=" + failures);
        return failures == 0 ? 0 : 1;
    }

    /// <summary>The task's result; guards against a hang only.</summary>
    public static async Task<T> Within<T>(Task<T> task, string what)
    {
        if (await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(90))) != task) throw new TimeoutException(what);
        return await task;
    }

    /// <summary>Waits for a task without a result; guards against a hang only.</summary>
    public static async Task Within(Task task, string what)
    {
        if (await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(90))) != task) throw new TimeoutException(what);
        await task;
    }

    public static void Check(bool ok, string what)
    {
        checks++;
        if (!ok) failures++;
        Console.WriteLine((ok ? "ok " : "FAIL ") + what);
    }

    public static void Eq<T>(T expected, T actual, string what)
    {
        Check(EqualityComparer<T>.Default.Equals(expected, actual), what + ": expected " + expected + ", got " + actual);
    }
}
