using Listings.Benchmarks.Ceiling;

namespace Listings.Benchmarks.Compare;

/// <summary>Everything the compare run measured, written to <c>compare.json</c>.</summary>
public sealed class CompareResults : IRunResults
{
    /// <inheritdoc />
    public MachineFacts Machine { get; init; } = new();

    /// <inheritdoc />
    public string? Failure { get; set; }

    /// <summary>Gets a value indicating whether this was the quick run.</summary>
    public bool Quick { get; init; }

    /// <summary>Gets the seconds <c>wrk</c> ran per point and process, in all rounds together.</summary>
    public double PointSeconds { get; init; }

    /// <summary>Gets the rounds each point was measured in.</summary>
    public int Rounds { get; init; }

    /// <summary>Gets the seconds of unmeasured load before each round.</summary>
    public double LeadInSeconds { get; init; }

    /// <summary>Gets the seconds every process was loaded before it was measured.</summary>
    public double WarmUpSeconds { get; init; }

    /// <summary>Gets the load average (1, 5 and 15 minutes, <c>/proc/loadavg</c>) when the run started.</summary>
    public string LoadAverageAtStart { get; init; } = "";

    /// <summary>Gets or sets the load average when the run ended.</summary>
    public string LoadAverageAtEnd { get; set; } = "";

    /// <summary>Gets or sets the listings in the database the processes were measured on.</summary>
    public long? Listings { get; set; }

    /// <summary>Gets what each setting ran: baseline, candidate, raw endpoint.</summary>
    public List<CompareBuild> Builds { get; } = [];

    /// <summary>Gets one row per setting and connection count.</summary>
    public List<CeilingPoint> Points { get; } = [];

    /// <summary>Gets the ratios per connection count: candidate / baseline, baseline / raw, candidate / raw.</summary>
    public List<CompareRatio> Ratios { get; } = [];

    /// <summary>Gets the CPU microseconds per request of each warm-up window, per setting.</summary>
    public Dictionary<string, List<double>> WarmUps { get; } = [];
}

/// <summary>What one setting ran.</summary>
public sealed class CompareBuild
{
    /// <summary>Gets the setting's name.</summary>
    public string Setting { get; init; } = "";

    /// <summary>Gets the project built.</summary>
    public string Project { get; init; } = "";

    /// <summary>Gets the git ref as given.</summary>
    public string Ref { get; init; } = "";

    /// <summary>Gets the commit built.</summary>
    public string Commit { get; init; } = "";

    /// <summary>Gets the first line of the commit's message.</summary>
    public string Subject { get; init; } = "";

    /// <summary>Gets the environment variables set beyond the run's own (<c>--baseline-env</c>, <c>--candidate-env</c>, the raw endpoint's pool).</summary>
    public Dictionary<string, string> Environment { get; init; } = [];

    /// <summary>Gets or sets the <c>Maximum Pool Size</c> the process ran: from the API's <c>/health</c>, or the one given to the raw endpoint.</summary>
    public int? PoolSize { get; set; }

    /// <summary>Gets or sets the count statement the API sent for page 1 (logged by a process of its own, before the measured ones).</summary>
    public string? CountSql { get; set; }

    /// <summary>Gets or sets the page statement the API sent for page 1, its parameters as literals.</summary>
    public string? PageSql { get; set; }
}

/// <summary>One setting's numbers over another's at one connection count; above 1 the numerator is higher.</summary>
public sealed class CompareRatio
{
    /// <summary>Gets the setting over the line.</summary>
    public string Numerator { get; init; } = "";

    /// <summary>Gets the setting under the line.</summary>
    public string Denominator { get; init; } = "";

    /// <summary>Gets the connections <c>wrk</c> held open.</summary>
    public int Connections { get; init; }

    /// <summary>Gets the ratio of 200 answers per second over all rounds.</summary>
    public double OkPerSecond { get; init; }

    /// <summary>Gets the ratio of each round pair (the two settings' rounds of the same turn), in order.</summary>
    public List<double> OkPerSecondByRound { get; init; } = [];

    /// <summary>Gets the ratio of CPU microseconds per request over all rounds.</summary>
    public double CpuPerRequest { get; init; }

    /// <summary>Gets the ratio of CPU per request of each round pair, in order.</summary>
    public List<double> CpuPerRequestByRound { get; init; } = [];

    /// <summary>Divides <paramref name="numerator"/>'s numbers by <paramref name="denominator"/>'s (NaN where one is 0).</summary>
    /// <param name="numerator">The point over the line.</param>
    /// <param name="denominator">The point under the line, at the same connections.</param>
    public static CompareRatio Of(CeilingPoint numerator, CeilingPoint denominator) => new()
    {
        Numerator = numerator.Setting,
        Denominator = denominator.Setting,
        Connections = numerator.Connections,
        OkPerSecond = Divide(numerator.OkPerSecond, denominator.OkPerSecond),
        OkPerSecondByRound = [.. numerator.OkPerSecondByRound.Zip(denominator.OkPerSecondByRound, Divide)],
        CpuPerRequest = Divide(numerator.CpuMicrosecondsPerRequest, denominator.CpuMicrosecondsPerRequest),
        CpuPerRequestByRound = [.. numerator.CpuMicrosecondsPerRequestByRound.Zip(denominator.CpuMicrosecondsPerRequestByRound, Divide)],
    };

    private static double Divide(double over, double under) =>
        under == 0 || double.IsNaN(under) || double.IsNaN(over) ? double.NaN : Math.Round(over / under, 3);
}
