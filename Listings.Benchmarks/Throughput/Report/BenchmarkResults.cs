namespace Listings.Benchmarks.Throughput.Report;

/// <summary>Every number the benchmark measured, written to <c>results.json</c> after each step.</summary>
public sealed class BenchmarkResults : IRunResults
{
    /// <summary>Gets the machine and software the numbers were taken on.</summary>
    public MachineFacts Machine { get; init; } = new();

    /// <summary>Gets or sets the run's parameters.</summary>
    public RunParameters Parameters { get; set; } = new();

    /// <summary>Gets or sets the original system's check: 20 concurrent requests for page 1.</summary>
    public OriginalCheckResult? OriginalCheck { get; set; }

    /// <summary>Gets the storm results, one per setting.</summary>
    public List<StormResult> Storms { get; } = [];

    /// <summary>Gets or sets the API-versus-pgbench efficiency.</summary>
    public EfficiencyResult? Efficiency { get; set; }

    /// <summary>Gets the latency by table size, page depth and pagination style.</summary>
    public List<PageDepthResult> PageDepth { get; } = [];

    /// <summary>Gets the pool-size sweep of the policy setting.</summary>
    public List<StormResult> PoolSweep { get; } = [];

    /// <summary>Gets the goals and whether this run met them.</summary>
    public List<TargetResult> Targets { get; } = [];

    /// <summary>Gets or sets the failure that ended the run early, if any.</summary>
    public string? Failure { get; set; }
}

/// <summary>The knobs of one run.</summary>
public sealed class RunParameters
{
    /// <summary>Gets or sets a value indicating whether this is a <c>--quick</c> run.</summary>
    public bool Quick { get; set; }

    /// <summary>Gets or sets the listings seeded for the storms.</summary>
    public int SeedCount { get; set; }

    /// <summary>Gets or sets the storm's concurrent clients.</summary>
    public int StormClients { get; set; }

    /// <summary>Gets or sets the storm's duration in seconds.</summary>
    public int StormSeconds { get; set; }

    /// <summary>Gets or sets the client's per-request timeout in seconds.</summary>
    public int RequestTimeoutSeconds { get; set; }

    /// <summary>Gets or sets the sweep's concurrent clients.</summary>
    public int SweepClients { get; set; }

    /// <summary>Gets or sets the sweep's duration in seconds per pool size.</summary>
    public int SweepSeconds { get; set; }

    /// <summary>Gets or sets the sequential requests timed per page-depth point.</summary>
    public int DepthRequests { get; set; }

    /// <summary>Gets or sets the PostgreSQL <c>max_connections</c>.</summary>
    public int ServerMaxConnections { get; set; }
}

/// <summary>The original system's acceptance check.</summary>
/// <param name="Requests">Concurrent requests sent.</param>
/// <param name="Ok">Responses with status 200.</param>
/// <param name="StatusCounts">Responses by status, failures without a response as status 0.</param>
public sealed record OriginalCheckResult(int Requests, int Ok, IReadOnlyDictionary<int, int> StatusCounts);

/// <summary>One storm (or one pool-sweep point) against one API setting.</summary>
public sealed class StormResult
{
    /// <summary>Gets or sets the setting's name.</summary>
    public string Setting { get; set; } = "";

    /// <summary>Gets or sets the keywords written into the connection string.</summary>
    public string ConnectionKeywords { get; set; } = "";

    /// <summary>Gets or sets the environment variables (besides the connection string) given to the API.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; set; } = new Dictionary<string, string>();

    /// <summary>Gets or sets the concurrent clients.</summary>
    public int Clients { get; set; }

    /// <summary>Gets or sets the seconds new requests were sent.</summary>
    public double DurationSeconds { get; set; }

    /// <summary>Gets or sets the seconds from the first request to the last answer.</summary>
    public double ElapsedSeconds { get; set; }

    /// <summary>Gets or sets the responses by HTTP status.</summary>
    public IReadOnlyDictionary<int, long> StatusCounts { get; set; } = new Dictionary<int, long>();

    /// <summary>Gets or sets the 200 responses.</summary>
    public long Ok { get; set; }

    /// <summary>Gets or sets the 503 responses carrying <c>Retry-After</c>.</summary>
    public long ServiceUnavailableWithRetryAfter { get; set; }

    /// <summary>Gets or sets the responses that were neither 200 nor 503 with <c>Retry-After</c>.</summary>
    public long OtherStatuses { get; set; }

    /// <summary>Gets or sets the requests that failed without a response.</summary>
    public long ConnectionErrors { get; set; }

    /// <summary>Gets or sets the requests beyond the client's per-request timeout.</summary>
    public long Timeouts { get; set; }

    /// <summary>Gets or sets HTTP responses of any status per second.</summary>
    public double ResponsesPerSecond { get; set; }

    /// <summary>Gets or sets 200 responses per second.</summary>
    public double OkPerSecond { get; set; }

    /// <summary>Gets or sets the median latency of answered requests, in milliseconds.</summary>
    public double P50Ms { get; set; }

    /// <summary>Gets or sets the 99th percentile latency, in milliseconds.</summary>
    public double P99Ms { get; set; }

    /// <summary>Gets or sets the largest latency, in milliseconds.</summary>
    public double MaxMs { get; set; }

    /// <summary>Gets or sets the most server connections the API held at once.</summary>
    public int PeakServerConnections { get; set; }

    /// <summary>Gets or sets the pool size of a sweep point; null for the named settings.</summary>
    public int? PoolSize { get; set; }
}

/// <summary>API throughput set against the same SQL run by pgbench.</summary>
public sealed class EfficiencyResult
{
    /// <summary>Gets or sets the count query EF Core sent for page 1.</summary>
    public string? CountSql { get; set; }

    /// <summary>Gets or sets the page query EF Core sent for page 1, with parameters as literals.</summary>
    public string? PageSql { get; set; }

    /// <summary>Gets or sets the pgbench client connections.</summary>
    public int PgBenchClients { get; set; }

    /// <summary>Gets or sets pgbench transactions (count + page) per second.</summary>
    public double? PgBenchTps { get; set; }

    /// <summary>Gets or sets the policy storm's 200 responses per second.</summary>
    public double? ApiOkPerSecond { get; set; }

    /// <summary>Gets or sets pgbench transactions (page query alone, as the API sends it with its count cached) per second.</summary>
    public double? PageOnlyTps { get; set; }

    /// <summary>Gets or sets <see cref="ApiOkPerSecond"/> ÷ <see cref="PageOnlyTps"/>: the strict comparison, the goal's.</summary>
    public double? Ratio { get; set; }

    /// <summary>Gets or sets <see cref="ApiOkPerSecond"/> ÷ <see cref="PgBenchTps"/> (count + page per transaction).</summary>
    public double? CountAndPageRatio { get; set; }

    /// <summary>Gets or sets why the ratio is missing, if it is.</summary>
    public string? Note { get; set; }
}

/// <summary>Sequential latency of one page at one depth of one table size.</summary>
public sealed class PageDepthResult
{
    /// <summary>Gets or sets the rows in the table.</summary>
    public int Rows { get; set; }

    /// <summary>Gets or sets the page number (1-based depth).</summary>
    public int Page { get; set; }

    /// <summary>Gets or sets <c>offset</c> or <c>cursor</c>.</summary>
    public string Mode { get; set; } = "";

    /// <summary>Gets or sets the timed requests; 0 when not measured.</summary>
    public int Requests { get; set; }

    /// <summary>Gets or sets the median latency in milliseconds, null when not measured.</summary>
    public double? P50Ms { get; set; }

    /// <summary>Gets or sets the 99th percentile latency in milliseconds, null when not measured.</summary>
    public double? P99Ms { get; set; }

    /// <summary>Gets or sets why the point was not measured ("n/a"), if it was not.</summary>
    public string? Note { get; set; }
}
