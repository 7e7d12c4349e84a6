namespace Listings.Benchmarks.Ceiling;

/// <summary>Everything the ceiling run measured, written to <c>ceiling.json</c>.</summary>
public sealed class CeilingResults : IRunResults
{
    /// <inheritdoc />
    public MachineFacts Machine { get; init; } = new();

    /// <inheritdoc />
    public string? Failure { get; set; }

    /// <summary>Gets a value indicating whether this was the quick run.</summary>
    public bool Quick { get; init; }

    /// <summary>Gets the seconds <c>wrk</c> ran per point, in all rounds together.</summary>
    public double PointSeconds { get; init; }

    /// <summary>Gets the rounds each point was measured in.</summary>
    public int Rounds { get; init; }

    /// <summary>Gets the seconds of unmeasured load before each round.</summary>
    public double LeadInSeconds { get; init; }

    /// <summary>Gets one row per setting and connection count.</summary>
    public List<CeilingPoint> Points { get; } = [];

    /// <summary>Gets the CPU microseconds per request of each warm-up window, per process (setting, or sweep pool size).</summary>
    public Dictionary<string, List<double>> WarmUps { get; } = [];

    /// <summary>Gets or sets the Maximum Pool Size the API's policy chose on this server; the raw endpoint runs the same.</summary>
    public int? ApiPoolSize { get; set; }

    /// <summary>Gets or sets the seconds every process was loaded before it was measured.</summary>
    public double WarmUpSeconds { get; set; }

    /// <summary>Gets or sets the API alone at 1,000 connections, with what <c>/health</c> recommended at its end.</summary>
    public CeilingPoint? Advice { get; set; }

    /// <summary>Gets or sets how many seconds into the API's load alone <c>/health</c> was read.</summary>
    public double AdviceReadAfterSeconds { get; set; }

    /// <summary>Gets the bursts after idleness, one per setting.</summary>
    public List<CeilingPoint> Bursts { get; } = [];

    /// <summary>Gets or sets the seconds every process sat idle before its burst, at least.</summary>
    public double IdleSecondsBeforeBurst { get; set; }

    /// <summary>Gets the storms of clients that honour <c>Retry-After</c>, one per setting.</summary>
    public List<RetryStormResult> RetryStorms { get; } = [];

    /// <summary>Gets the pool sweep of the API.</summary>
    public List<CeilingPoint> Sweep { get; } = [];

    /// <summary>Gets or sets the pool size past which more connections served less than 5 % more.</summary>
    public int? Knee { get; set; }

    /// <summary>Gets or sets pgbench's transactions per second on the page SQL the API sends.</summary>
    public double? PgBenchTps { get; set; }

    /// <summary>Gets or sets the page SQL pgbench ran.</summary>
    public string? PageSql { get; set; }

    /// <summary>Gets the goals, evaluated at the end.</summary>
    public List<CeilingGoal> Goals { get; } = [];
}

/// <summary>One setting under one load.</summary>
public sealed class CeilingPoint
{
    /// <summary>Gets the setting's name.</summary>
    public string Setting { get; init; } = "";

    /// <summary>Gets the connections wrk held open.</summary>
    public int Connections { get; init; }

    /// <summary>Gets the pool size (for the sweep).</summary>
    public int PoolSize { get; init; }

    /// <summary>Gets the responses of any status.</summary>
    public long Requests { get; init; }

    /// <summary>Gets the seconds measured, over all rounds.</summary>
    public double Seconds { get; init; }

    /// <summary>Gets the 200 answers per second.</summary>
    public double OkPerSecond { get; init; }

    /// <summary>Gets the 200 answers per second of each round, in the order they ran (one entry when not in rounds).</summary>
    public List<double> OkPerSecondByRound { get; init; } = [];

    /// <summary>Gets the answers that were not 2xx.</summary>
    public long NonSuccess { get; init; }

    /// <summary>Gets the share of answers that were not 2xx.</summary>
    public double NonSuccessShare { get; init; }

    /// <summary>Gets the socket errors and timeouts wrk counted.</summary>
    public long SocketErrors { get; init; }

    /// <summary>Gets the median latency (in rounds, the mean of the rounds' medians).</summary>
    public double P50Ms { get; init; }

    /// <summary>Gets the 99th percentile latency (in rounds, the highest round's).</summary>
    public double P99Ms { get; init; }

    /// <summary>Gets the serving process's CPU per answer, in microseconds.</summary>
    public double CpuMicrosecondsPerRequest { get; init; }

    /// <summary>Gets the serving process's CPU per answer of each round, in microseconds, in the order they ran.</summary>
    public List<double> CpuMicrosecondsPerRequestByRound { get; init; } = [];

    /// <summary>Gets the most server connections the process held.</summary>
    public int PeakServerConnections { get; init; }

    /// <summary>Gets what <c>/health</c> recommended as <c>Maximum Pool Size</c> under this load (the API only).</summary>
    public string? RecommendedMaxPoolSize { get; init; }
}

/// <summary>A storm of clients that honour <c>Retry-After</c>, against one setting.</summary>
public sealed class RetryStormResult
{
    /// <summary>Gets the setting's name.</summary>
    public string Setting { get; init; } = "";

    /// <summary>Gets what the storm saw.</summary>
    public RetryStormOutcome Outcome { get; init; } = null!;
}

/// <summary>A goal beside the numbers: printed, never asserted.</summary>
/// <param name="Goal">What should hold.</param>
/// <param name="Measured">What was measured.</param>
/// <param name="Met">Whether it held; null when it could not be measured.</param>
public sealed record CeilingGoal(string Goal, string Measured, bool? Met);
