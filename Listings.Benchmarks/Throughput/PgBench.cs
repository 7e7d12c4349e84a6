using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Listings.Benchmarks.Throughput;

/// <summary>Runs <c>pgbench</c> with a custom script against the benchmark's server.</summary>
public static partial class PgBench
{
    /// <summary>Runs <paramref name="script"/> and returns transactions per second (without connection time).</summary>
    /// <param name="server">The server.</param>
    /// <param name="database">The database.</param>
    /// <param name="script">The transaction: SQL statements, one or more lines each, ending with <c>;</c>.</param>
    /// <param name="clients">Client connections (<c>-c</c>).</param>
    /// <param name="duration">How long to run (<c>-T</c>).</param>
    /// <param name="workDirectory">Where the script and the output are written.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    public static async Task<double> RunAsync(PostgresServer server, string database, string script, int clients,
        TimeSpan duration, string workDirectory, CancellationToken cancellationToken)
    {
        var scriptPath = Path.Combine(workDirectory, "page1.pgbench.sql");
        await File.WriteAllTextAsync(scriptPath, script, cancellationToken);
        var startInfo = new ProcessStartInfo(Path.Combine(server.BinDirectory, "pgbench"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // -M prepared: the policy's direct connection auto-prepares too, so the API is set against PostgreSQL's
        // best, not an easier baseline. -j 2: one thread per core.
        foreach (var argument in new[]
        {
            "-n", "-M", "prepared", "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", "2",
            "-T", ((int)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture), "-f", scriptPath,
            "-h", "127.0.0.1", "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", database,
        })
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["PGPASSWORD"] = server.Password;
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start pgbench.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var text = await output + await error;
        await File.WriteAllTextAsync(Path.Combine(workDirectory, "pgbench.log"), text, cancellationToken);
        var match = Tps().Match(text);
        if (process.ExitCode != 0 || !match.Success)
        {
            throw new InvalidOperationException($"pgbench exited with {process.ExitCode}: {text}");
        }

        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex Tps();
}
