using Listings.Benchmarks.Ceiling;

namespace Listings.Benchmarks.Replicas;

/// <summary>Everything the read-replica run measured, written to <c>replicas.json</c>.</summary>
public sealed class ReplicaResults : IRunResults
{
    /// <inheritdoc />
    public MachineFacts Machine { get; init; } = new();

    /// <inheritdoc />
    public string? Failure { get; set; }

    /// <summary>Gets a value indicating whether this was the quick run.</summary>
    public bool Quick { get; init; }

    /// <summary>Gets the warm-up, the rounds and the lead-in the two processes were measured with.</summary>
    public RoundTiming Timing { get; init; } = RoundTiming.For(quick: false);

    /// <summary>Gets <c>ReadReplicas:MaxLagSeconds</c> of the API with the replica.</summary>
    public double MaxLagSeconds { get; init; }

    /// <summary>Gets <c>ReadReplicas:PollMilliseconds</c> of the API with the replica.</summary>
    public int PollMilliseconds { get; init; }

    /// <summary>Gets <c>ReadReplicas:CatchUpMilliseconds</c> of the API with the replica.</summary>
    public int CatchUpMilliseconds { get; init; }

    /// <summary>Gets the load average when the run started.</summary>
    public string LoadAverageAtStart { get; init; } = "";

    /// <summary>Gets or sets the load average when the report was written.</summary>
    public string LoadAverageAtEnd { get; set; } = "";

    /// <summary>Gets the <c>Maximum Pool Size</c> each pool chose, as <c>/health</c> reports it: per process and host.</summary>
    public Dictionary<string, int?> PoolSizes { get; } = [];

    /// <summary>Gets the CPU microseconds per request of each warm-up window, per process.</summary>
    public Dictionary<string, List<double>> WarmUps { get; } = [];

    /// <summary>Gets one row per setting and connection count.</summary>
    public List<CeilingPoint> Points { get; } = [];

    /// <summary>Gets the routed reads the API with the replica counted in each of its rounds, one row per round.</summary>
    public List<ReadShare> Shares { get; } = [];

    /// <summary>Gets the write-then-read runs.</summary>
    public List<ConsistencyOutcome> Consistency { get; } = [];

    /// <summary>Gets or sets the page SQL pgbench ran on each host.</summary>
    public string? PageSql { get; set; }

    /// <summary>Gets or sets pgbench's transactions per second of the page SQL on the primary.</summary>
    public double? PrimaryPgBenchTps { get; set; }

    /// <summary>Gets or sets pgbench's transactions per second of the page SQL on the standby.</summary>
    public double? StandbyPgBenchTps { get; set; }

    /// <summary>Gets the goals, evaluated at the end.</summary>
    public List<TargetResult> Goals { get; } = [];
}

/// <summary>
/// The routed reads the API with the replica counted over one of its rounds, lead-in included: the difference of its
/// <c>/health</c> counts read before and after the round.
/// </summary>
/// <param name="Connections">The connections <c>wrk</c> held open.</param>
/// <param name="Round">The round, from 1.</param>
/// <param name="Seconds">From the reading before to the reading after.</param>
/// <param name="Replica">The reads the replicas served.</param>
/// <param name="Primary">The reads the primary served instead, by reason.</param>
public sealed record ReadShare(int Connections, int Round, double Seconds, long Replica, IReadOnlyDictionary<string, long> Primary)
{
    /// <summary>Gets the reads the primary served, whatever the reason.</summary>
    public long PrimaryTotal => Primary.Values.Sum();

    /// <summary>Gets the replicas' share of the routed reads: replica reads ÷ (replica reads + primary reads).</summary>
    public double ReplicaShare => Fraction(Replica, PrimaryTotal);

    /// <summary>The replicas' share over several rounds.</summary>
    /// <param name="rounds">The rounds.</param>
    public static double Over(IEnumerable<ReadShare> rounds)
    {
        var all = rounds.ToList();
        return Fraction(all.Sum(r => r.Replica), all.Sum(r => r.PrimaryTotal));
    }

    private static double Fraction(long replica, long primary) => replica + primary == 0 ? double.NaN : (double)replica / (replica + primary);
}

/// <summary>What a run of write-then-read pairs saw.</summary>
public sealed class ConsistencyOutcome
{
    /// <summary>Gets the run's name.</summary>
    public string Name { get; init; } = "";

    /// <summary>Gets the seconds the run took, re-reads included.</summary>
    public double Seconds { get; init; }

    /// <summary>Gets the writes answered 201 with a token: one pair each.</summary>
    public int Pairs { get; init; }

    /// <summary>Gets the writes not answered 201 with a token; no read follows them.</summary>
    public int WritesRefused { get; init; }

    /// <summary>Gets the reads that sent the token back and were answered 404.</summary>
    public int StaleWithToken { get; init; }

    /// <summary>Gets the reads that sent the token back and were answered neither 200 nor 404.</summary>
    public int OtherWithToken { get; init; }

    /// <summary>Gets the reads without the token answered 404.</summary>
    public int StaleWithoutToken { get; init; }

    /// <summary>Gets the reads without the token answered neither 200 nor 404.</summary>
    public int OtherWithoutToken { get; init; }

    /// <summary>Gets the stale writes still not visible when the re-reads gave up.</summary>
    public int NeverVisible { get; init; }

    /// <summary>
    /// Gets the longest time from a write's answer to the <em>answer</em> of the first read without the token that found
    /// it (the re-read limit for one never found).
    /// </summary>
    public double UntilSeenMaxMs { get; init; }

    /// <summary>Gets the 99th percentile of that time over every read without the token (0 for a fresh answer).</summary>
    public double UntilSeenP99Ms { get; init; }

    /// <summary>Gets the median of that time over the stale reads only.</summary>
    public double StaleUntilSeenP50Ms { get; init; }

    /// <summary>
    /// Gets the median data age over the stale reads: the time from the write's answer to the <em>start</em> of the first
    /// read without the token that found it (the re-read limit for one never found).
    /// </summary>
    public double DataAgeP50Ms { get; init; }

    /// <summary>Gets the 99th percentile of the data age over the stale reads.</summary>
    public double DataAgeP99Ms { get; init; }

    /// <summary>Gets the longest data age over the stale reads.</summary>
    public double DataAgeMaxMs { get; init; }

    /// <summary>
    /// Gets the longest time from a write's answer to the start of the <em>last</em> read without the token that did not
    /// find it: what the lag bound limits (a read started at T shows every write answered before T − MaxLagSeconds, plus
    /// the transit to the standby). The data age is this plus one re-read.
    /// </summary>
    public double LastStaleStartMaxMs { get; init; }

    /// <summary>Gets or sets the reads the replicas served over the run, from the API's <c>/health</c> counts.</summary>
    public long ReplicaReads { get; set; }

    /// <summary>Gets or sets the reads the primary served instead over the run, by reason.</summary>
    public IReadOnlyDictionary<string, long> PrimaryReads { get; set; } = new Dictionary<string, long>();
}
