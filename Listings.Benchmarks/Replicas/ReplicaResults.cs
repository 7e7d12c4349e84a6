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

    /// <summary>Gets or sets the standby's transactions a second in the API's database with the API idle: the lag monitor's.</summary>
    public double? MonitorTransactionsPerSecond { get; set; }

    /// <summary>Gets the transactions each server ran for the API with the replica, one row per round of it.</summary>
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
/// The transactions each server committed in the API's database over one round of the API with the replica, lead-in
/// included (<c>pg_stat_database.xact_commit</c>, read before and after).
/// </summary>
/// <param name="Connections">The connections <c>wrk</c> held open.</param>
/// <param name="Round">The round, from 1.</param>
/// <param name="Seconds">From the reading before to the reading after.</param>
/// <param name="Standby">The standby's transactions, the lag monitor's included.</param>
/// <param name="Monitor">The lag monitor's share of <paramref name="Standby"/>: its idle rate × <paramref name="Seconds"/>.</param>
/// <param name="Primary">The primary's transactions.</param>
public sealed record ReadShare(int Connections, int Round, double Seconds, long Standby, double Monitor, long Primary)
{
    /// <summary>Gets the standby's share of the reads: its transactions less the monitor's, over both servers'.</summary>
    public double ReplicaShare => Fraction(Math.Max(0, Standby - Monitor), Primary);

    /// <summary>The standby's share over several rounds.</summary>
    /// <param name="rounds">The rounds.</param>
    public static double Over(IEnumerable<ReadShare> rounds)
    {
        var all = rounds.ToList();
        return Fraction(Math.Max(0, all.Sum(r => r.Standby) - all.Sum(r => r.Monitor)), all.Sum(r => r.Primary));
    }

    private static double Fraction(double replica, long primary) => replica + primary == 0 ? double.NaN : replica / (replica + primary);
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

    /// <summary>Gets the longest time from a write's answer to a read without the token that found it.</summary>
    public double StalenessMaxMs { get; init; }

    /// <summary>Gets the 99th percentile of that time over every read without the token (0 for a fresh answer).</summary>
    public double StalenessP99Ms { get; init; }

    /// <summary>Gets the median of that time over the stale reads only.</summary>
    public double StaleP50Ms { get; init; }
}
