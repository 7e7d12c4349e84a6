using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Listings.Benchmarks.Ceiling;

/// <summary>What one <c>wrk</c> run reported.</summary>
/// <param name="Requests">Responses received (any status).</param>
/// <param name="NonSuccess">Responses that were not 2xx or 3xx.</param>
/// <param name="SocketErrors">Connect, read, write errors and timeouts together.</param>
/// <param name="Timeouts">Requests without an answer within <c>wrk</c>'s timeout.</param>
/// <param name="Seconds">How long it ran.</param>
/// <param name="P50Ms">The median latency.</param>
/// <param name="P99Ms">The 99th percentile latency.</param>
public sealed record WrkOutcome(long Requests, long NonSuccess, long SocketErrors, long Timeouts, double Seconds, double P50Ms, double P99Ms);

/// <summary>
/// Runs <c>wrk</c>, a native closed-loop load generator (<c>apt-get install wrk</c>): its own CPU per request is a
/// fraction of a .NET client's, which on two cores would otherwise take the cycles the server is measured with.
/// </summary>
public static partial class Wrk
{
    /// <summary>Runs <c>wrk -t2 -c<paramref name="connections"/> -d<paramref name="duration"/> --latency --timeout 10s</c>.</summary>
    public static async Task<WrkOutcome> RunAsync(Uri url, int connections, TimeSpan duration, string logPath, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("wrk")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "-t2", $"-c{connections}", $"-d{(int)duration.TotalSeconds}s", "--latency", "--timeout", "10s", url.ToString(),
        })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start wrk; install it with apt-get install wrk.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var text = await output + await error;
        await File.AppendAllTextAsync(logPath, $"$ wrk -c{connections} {url}\n{text}\n", cancellationToken);
        return Parse(text);
    }

    /// <summary>Reads <c>wrk</c>'s report.</summary>
    public static WrkOutcome Parse(string text)
    {
        var total = Total().Match(text);
        if (!total.Success)
        {
            throw new InvalidOperationException($"wrk printed no totals: {text}");
        }

        var errors = SocketErrors().Match(text);
        long Group(string name) => errors.Success ? long.Parse(errors.Groups[name].Value, CultureInfo.InvariantCulture) : 0;
        var nonSuccess = NonSuccess().Match(text);
        return new WrkOutcome(
            long.Parse(total.Groups["requests"].Value, CultureInfo.InvariantCulture),
            nonSuccess.Success ? long.Parse(nonSuccess.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            Group("connect") + Group("read") + Group("write") + Group("timeout"),
            Group("timeout"),
            // wrk prints the run's length in the unit that suits it: "10.00s", "1.17m".
            double.Parse(total.Groups["duration"].Value, CultureInfo.InvariantCulture) * total.Groups["unit"].Value switch
            {
                "m" => 60,
                "h" => 3600,
                _ => 1,
            },
            Percentile(text, "50"),
            Percentile(text, "99"));
    }

    private static double Percentile(string text, string percent)
    {
        var match = Regex.Match(text, $@"^\s+{percent}%\s+([0-9.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        if (!match.Success)
        {
            return double.NaN;
        }

        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "us" => value / 1000,
            "s" => value * 1000,
            _ => value,
        };
    }

    [GeneratedRegex(@"(?<requests>\d+) requests in (?<duration>[0-9.]+)(?<unit>s|m|h)\b")]
    private static partial Regex Total();

    [GeneratedRegex(@"Socket errors: connect (?<connect>\d+), read (?<read>\d+), write (?<write>\d+), timeout (?<timeout>\d+)")]
    private static partial Regex SocketErrors();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex NonSuccess();
}
