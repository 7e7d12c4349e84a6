using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Listings.Benchmarks;

/// <summary>Reads the facts about the machine a reader needs to compare numbers across runs.</summary>
public static class MachineFactsReader
{
    /// <summary>Reads what can be read without the database; the server version is filled in later.</summary>
    /// <param name="repositoryRoot">The source tree measured, for its commit.</param>
    public static MachineFacts Read(string repositoryRoot) => new()
    {
        StartedUtc = DateTimeOffset.UtcNow,
        Cores = Environment.ProcessorCount,
        Cpu = CpuModel(),
        Os = RuntimeInformation.OSDescription,
        Runtime = RuntimeInformation.FrameworkDescription,
        Npgsql = typeof(Npgsql.NpgsqlConnection).Assembly.GetName().Version?.ToString() ?? "?",
        Commit = GitCommit(repositoryRoot),
    };

    /// <summary>The load average over 1, 5 and 15 minutes (<c>/proc/loadavg</c>), e.g. <c>0.52 1.10 0.95</c>; empty where there is none.</summary>
    public static string LoadAverage()
    {
        const string loadAverage = "/proc/loadavg";
        return File.Exists(loadAverage) ? string.Join(' ', File.ReadAllText(loadAverage).Split(' ').Take(3)) : "";
    }

    private static string CpuModel()
    {
        const string cpuInfo = "/proc/cpuinfo";
        if (!File.Exists(cpuInfo))
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }

        var line = File.ReadLines(cpuInfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
    }

    private static string GitCommit(string repositoryRoot)
    {
        try
        {
            var startInfo = new ProcessStartInfo("git", ["-C", repositoryRoot, "rev-parse", "--short", "HEAD"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(startInfo);
            if (process is null)
            {
                return "?";
            }

            var commit = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 ? commit : "?";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No git on this machine: the commit is a nicety, not a reason to fail.
            return "?";
        }
    }
}
