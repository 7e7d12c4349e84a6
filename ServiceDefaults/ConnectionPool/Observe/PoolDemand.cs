namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Connection demand measured over a recent window, and the pool size it argues for.
/// </summary>
/// <param name="WindowSeconds">The length of the window the figures cover.</param>
/// <param name="ConnectionsPerSecond">Connections taken from the pool per second (throughput, λ).</param>
/// <param name="MeanHoldMilliseconds">How long a connection was held on average (W).</param>
/// <param name="LittlesLawConnections">λ × W: the connections busy on average (Little's law, L = λW).</param>
/// <param name="P99Concurrent">The 99th percentile of connections in use plus callers waiting, sampled every 100 ms.</param>
/// <param name="SaturatedShare">The share of samples in the last two seconds in which the pool was saturated.</param>
/// <param name="RecommendedMaxPoolSize">
/// The pool that would serve this demand with a quarter of headroom: max(L, p99) × 1.25, rounded up, at least 2,
/// and never above the replica's budget when one is known.
/// </param>
public sealed record PoolDemand(
    double WindowSeconds,
    double ConnectionsPerSecond,
    double MeanHoldMilliseconds,
    double LittlesLawConnections,
    int P99Concurrent,
    double SaturatedShare,
    int RecommendedMaxPoolSize)
{
    /// <summary>The headroom above measured demand in the recommendation.</summary>
    public const double Headroom = 1.25;

    /// <summary>Recommends a pool size from measured demand, bounded by <paramref name="allowance"/> when known.</summary>
    public static int Recommend(double littlesLaw, int p99Concurrent, int? allowance)
    {
        var needed = (int)Math.Ceiling(Math.Max(littlesLaw, p99Concurrent) * Headroom);
        var recommended = Math.Max(2, needed);
        return allowance is { } limit ? Math.Min(recommended, Math.Max(limit, 1)) : recommended;
    }
}
