namespace Listings.Benchmarks.Cache;

/// <summary>Everything the cached-reads run measured, written to <c>cache.json</c>.</summary>
public sealed class CacheResults : IRunResults
{
    /// <inheritdoc />
    public MachineFacts Machine { get; init; } = new();

    /// <inheritdoc />
    public string? Failure { get; set; }

    /// <summary>Gets a value indicating whether this was the quick run.</summary>
    public bool Quick { get; init; }

    /// <summary>Gets the listings seeded.</summary>
    public int SeedCount { get; init; }

    /// <summary>Gets the closed-loop clients of every setting.</summary>
    public int Loops { get; init; }

    /// <summary>Gets the share of operations that were writes in A and B.</summary>
    public double WriteShare { get; init; }

    /// <summary>Gets the seconds each setting was loaded once before it was measured.</summary>
    public double WarmUpSeconds { get; init; }

    /// <summary>Gets the seconds of unmeasured load before each round.</summary>
    public double LeadInSeconds { get; init; }

    /// <summary>Gets the seconds of one measured round.</summary>
    public double RoundSeconds { get; init; }

    /// <summary>Gets the rounds.</summary>
    public int Rounds { get; init; }

    /// <summary>Gets how stale a read may be across processes, in seconds.</summary>
    public double CrossProcessBoundSeconds { get; init; }

    /// <summary>Gets the read mix: the pages read, e.g. <c>pages 1-40 + Paris pages 1-10, pageSize 20</c>.</summary>
    public string ReadMix { get; init; } = "";

    /// <summary>Gets or sets the listings the reads show, which the writes change.</summary>
    public int ListingsInMix { get; set; }

    /// <summary>Gets the load average when the run started.</summary>
    public string LoadAverageAtStart { get; init; } = "";

    /// <summary>Gets or sets the load average when the report was written.</summary>
    public string LoadAverageAtEnd { get; set; } = "";

    /// <summary>Gets the <c>Maximum Pool Size</c> of each process, as <c>/health</c> reports it (the raw endpoint is given A1's).</summary>
    public Dictionary<string, int?> PoolSizes { get; } = [];

    /// <summary>Gets or sets the city page's SQL the API logged, for comparison with the raw endpoint's.</summary>
    public string? ApiCityPageSql { get; set; }

    /// <summary>Gets or sets the city count's SQL the API logged.</summary>
    public string? ApiCityCountSql { get; set; }

    /// <summary>Gets one row per setting, over its rounds.</summary>
    public List<CachePoint> Points { get; } = [];

    /// <summary>Gets the checker's outcome per setting with writes (A and B), over its measured rounds.</summary>
    public Dictionary<string, StalenessOutcome> Staleness { get; } = [];

    /// <summary>Gets or sets the 2xx writes the checker logged over the whole run (warm-ups and lead-ins included).</summary>
    public long WritesLogged { get; set; }

    /// <summary>Gets or sets the logged writes of a listing answered after a higher version of it: expected 0.</summary>
    public long WritesOutOfOrder { get; set; }

    /// <summary>Gets the goals, evaluated at the end.</summary>
    public List<TargetResult> Goals { get; } = [];
}

/// <summary>One setting over its measured rounds.</summary>
public sealed class CachePoint
{
    /// <summary>Gets the setting's name.</summary>
    public string Setting { get; init; } = "";

    /// <summary>Gets the measured seconds, all rounds together (each round until its last answer).</summary>
    public double Seconds { get; init; }

    /// <summary>Gets the reads answered 2xx per second.</summary>
    public double ReadsPerSecond { get; init; }

    /// <summary>Gets the reads answered 2xx per second in each round.</summary>
    public List<double> ReadsPerSecondByRound { get; init; } = [];

    /// <summary>Gets the writes answered 2xx per second.</summary>
    public double WritesPerSecond { get; init; }

    /// <summary>Gets the answers that were not 2xx and the requests without an answer, by label (e.g. <c>read 503</c>).</summary>
    public Dictionary<string, long> Failures { get; init; } = [];

    /// <summary>Gets the median latency of the 2xx reads, in milliseconds.</summary>
    public double ReadP50Ms { get; init; }

    /// <summary>Gets the 99th percentile latency of the 2xx reads, in milliseconds.</summary>
    public double ReadP99Ms { get; init; }

    /// <summary>Gets the server processes' CPU (user + system, summed over them) per request answered, in microseconds.</summary>
    public double CpuMicrosecondsPerRequest { get; init; }

    /// <summary>Gets that in each round.</summary>
    public List<double> CpuMicrosecondsPerRequestByRound { get; init; } = [];

    /// <summary>Gets the non-2xx answers and the requests without one.</summary>
    public long NonSuccess => Failures.Values.Sum();
}

/// <summary>What the checker found in one setting's measured rounds (see <see cref="StalenessChecker"/>).</summary>
public sealed class StalenessOutcome
{
    /// <summary>Gets the 2xx reads checked.</summary>
    public long ReadsChecked { get; init; }

    /// <summary>Gets the listings they showed.</summary>
    public long ListingsChecked { get; init; }

    /// <summary>Gets the 2xx reads whose body could not be read as a page of the mix (not checked): expected 0.</summary>
    public long Unreadable { get; init; }

    /// <summary>Gets the listings shown at a version older than a write answered before the read started.</summary>
    public long StaleListings { get; init; }

    /// <summary>Gets the stale reads where the newer write had been answered by the process the read asked.</summary>
    public long SameProcessStaleReads { get; init; }

    /// <summary>Gets the largest staleness of those, in milliseconds.</summary>
    public double SameProcessMaxMs { get; init; }

    /// <summary>Gets the stale reads where every newer write had been answered by another process.</summary>
    public long CrossProcessStaleReads { get; init; }

    /// <summary>Gets those stale by more than the bound (1 s).</summary>
    public long CrossProcessBeyondBound { get; init; }

    /// <summary>Gets the median staleness of the cross-process stale reads, in milliseconds.</summary>
    public double CrossProcessP50Ms { get; init; }

    /// <summary>Gets their 99th percentile staleness, in milliseconds.</summary>
    public double CrossProcessP99Ms { get; init; }

    /// <summary>Gets their largest staleness, in milliseconds.</summary>
    public double CrossProcessMaxMs { get; init; }
}
