namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Connection demand measured over a recent window, and the pool size it argues for.
/// </summary>
/// <param name="WindowSeconds">The length of the window the figures cover.</param>
/// <param name="ConnectionsPerSecond">Connections taken from the pool per second (throughput, λ).</param>
/// <param name="MeanHoldMilliseconds">How long a connection was held on average (W).</param>
/// <param name="LittlesLawConnections">λ × W: the connections busy on average (Little's law, L = λW).</param>
/// <param name="ShortHoldMilliseconds">
/// The 5th percentile of hold times (<see cref="ShortHoldQuantile"/>): a hold that met no waiting, so the time a
/// connection's work takes. TCP Vegas and BBR take the same floor from the shortest round trip; a low percentile
/// instead of the minimum keeps one lucky hold from setting it.
/// </param>
/// <param name="WorkingConnections">λ × the short hold: the connections the work keeps busy when nothing waits.</param>
/// <param name="WaitingShare">
/// (L − working) ÷ the pool's limit: the share of the pool held by connections waiting (for a CPU core, a lock, the
/// network) rather than working.
/// </param>
/// <param name="P99Concurrent">The 99th percentile of connections in use plus callers waiting, sampled every 100 ms.</param>
/// <param name="SaturatedShare">The share of samples in the last two seconds in which the pool was saturated.</param>
/// <param name="RecommendedMaxPoolSize">
/// The pool that would serve this demand with a quarter of headroom, or null (<see cref="Judgement"/> says why) while the
/// window holds too little load to judge from. Below saturation max(L, p99) × 1.25; while saturated L × 1.25 alone, since
/// requests queued in front of a busy database are not served faster by more connections. Rounded up, at least 2, and
/// never above the replica's budget when one is known.
/// </param>
/// <param name="Judgement">How the recommendation was reached, or <see cref="NotEnoughLoad"/>.</param>
public sealed record PoolDemand(
    double WindowSeconds,
    double ConnectionsPerSecond,
    double MeanHoldMilliseconds,
    double LittlesLawConnections,
    double ShortHoldMilliseconds,
    double WorkingConnections,
    double WaitingShare,
    int P99Concurrent,
    double SaturatedShare,
    int? RecommendedMaxPoolSize,
    string Judgement)
{
    /// <summary>The headroom above measured demand in the recommendation.</summary>
    public const double Headroom = 1.25;

    /// <summary>The percentile of hold times taken as a hold without waiting (<see cref="ShortHoldMilliseconds"/>).</summary>
    public const double ShortHoldQuantile = 0.05;

    /// <summary>Connections taken in the window below which, unless the pool saturated, there is no recommendation.</summary>
    public const int MinConnectionsToJudge = 1_000;

    /// <summary>The judgement while the window holds too little load.</summary>
    public const string NotEnoughLoad = "not enough load to judge";

    /// <summary>
    /// Recommends a pool size from measured demand, bounded by <paramref name="allowance"/> when known; null with too
    /// little load: at idle a health probe's connection every few seconds would argue for the smallest pool there is.
    /// </summary>
    public static (int? Size, string Judgement) Recommend(double littlesLaw, int p99Concurrent, long connections, bool saturated, int? allowance)
    {
        if (!saturated && connections < MinConnectionsToJudge)
        {
            return (null, NotEnoughLoad);
        }

        var demand = saturated ? littlesLaw : Math.Max(littlesLaw, p99Concurrent);
        var recommended = Math.Max(2, (int)Math.Ceiling(demand * Headroom));
        var size = allowance is { } limit ? Math.Min(recommended, Math.Max(limit, 1)) : recommended;
        return (size, saturated
            ? "saturated: the connections busy on average (Little's law) plus a quarter"
            : "the larger of Little's law and the p99 of concurrent use, plus a quarter");
    }
}
