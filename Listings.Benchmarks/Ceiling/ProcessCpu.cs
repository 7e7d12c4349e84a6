using System.Diagnostics;
using System.Globalization;

namespace Listings.Benchmarks.Ceiling;

/// <summary>The CPU time a process has used, from <c>/proc/&lt;pid&gt;/stat</c> (user + system, fields 14 and 15).</summary>
public static class ProcessCpu
{
    // Clock ticks per second (getconf CLK_TCK): 100 on every Linux this runs on.
    private const double TicksPerSecond = 100;

    /// <summary>The user + system CPU time of <paramref name="processId"/> so far.</summary>
    public static TimeSpan Read(int processId)
    {
        var stat = File.ReadAllText($"/proc/{processId}/stat");
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>Measures the CPU <paramref name="processId"/> spends while <paramref name="work"/> runs.</summary>
    public static async Task<(T Result, TimeSpan Cpu)> MeasureAsync<T>(int processId, Func<Task<T>> work)
    {
        var before = Read(processId);
        var result = await work();
        return (result, Read(processId) - before);
    }

    /// <summary>True when the clock-tick rate is the one assumed.</summary>
    public static bool TickRateIsKnown()
    {
        using var getconf = Process.Start(new ProcessStartInfo("getconf", "CLK_TCK") { RedirectStandardOutput = true });
        return getconf?.StandardOutput.ReadToEnd().Trim() == "100";
    }
}
