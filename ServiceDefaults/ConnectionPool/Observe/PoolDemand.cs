using System.Globalization;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>Connection demand measured over a recent window, and the pool size it argues for.</summary>
/// <param name="WindowSeconds">The window's length.</param>
/// <param name="ConnectionsPerSecond">Throughput, λ.</param>
/// <param name="MeanHoldMilliseconds">The mean hold, W.</param>
/// <param name="LittlesLawConnections">L = λW: the connections busy on average.</param>
/// <param name="ShortHoldMilliseconds">
/// A hold that met no waiting, so the time the work takes: a low percentile rather than the minimum, like TCP Vegas's
/// and BBR's floor, so one lucky hold does not set it.
/// </param>
/// <param name="WorkingConnections">λ × the short hold: the connections the work alone keeps busy.</param>
/// <param name="WaitingShare">(L − working) ÷ the limit: the share of the pool held while waiting (for a core, a lock) rather than working.</param>
/// <param name="P99Concurrent">The 99th percentile of connections in use plus callers waiting.</param>
/// <param name="SaturatedShare">The share of the last two seconds' samples in which the pool was saturated.</param>
/// <param name="RecommendedMaxPoolSize">The pool that would serve this demand (<see cref="Recommend"/>), or null.</param>
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
    /// <summary>The headroom above demand below saturation.</summary>
    public const double Headroom = 1.25;

    /// <summary>Vegas's α, Netflix's default: below this many requests queued beyond the work, the limit grows.</summary>
    public const int VegasAlpha = 3;

    /// <summary>Vegas's β, Netflix's default: above this many, the limit shrinks.</summary>
    public const int VegasBeta = 6;

    /// <summary>The percentile of hold times taken as a hold without waiting.</summary>
    public const double ShortHoldQuantile = 0.05;

    /// <summary>Below this many connections in the window, unless the pool saturated, there is no recommendation.</summary>
    public const int MinConnectionsToJudge = 1_000;

    /// <summary>The judgement while the window holds too little load.</summary>
    public const string NotEnoughLoad = "not enough load to judge";

    /// <summary>
    /// A pool size for the measured demand, at least 2 and at most <paramref name="allowance"/>; null with too little
    /// load, where a health probe's connection every few seconds would argue for the smallest pool there is.
    /// </summary>
    /// <remarks>
    /// <para>Below saturation: max(L, p99 of concurrent use) × <see cref="Headroom"/>, rounded up.</para>
    /// <para>
    /// While saturated, L counts waiting (for a core, a lock) as demand and grows with the running pool at the same
    /// throughput (benchmarks/README.md, "Pool sweep and pool advice"). So the recommendation is where TCP Vegas (Brakmo and
    /// Peterson, 1994), as Netflix's concurrency-limits applies it (<c>VegasLimit</c>), would keep the pool. A limit n keeps
    /// n − working requests queued beyond the work; the answer is the pool nearest the running <paramref name="limit"/>
    /// whose queue lies between α and β (each × ⌊log10(limit)⌋ from a limit of 100).
    /// </para>
    /// </remarks>
    public static (int? Size, string Judgement) Recommend(
        double littlesLaw, double workingConnections, int limit, int p99Concurrent, long connections, bool saturated, int? allowance)
    {
        if (!saturated && connections < MinConnectionsToJudge)
        {
            return (null, NotEnoughLoad);
        }

        int recommended;
        string judgement;
        if (saturated)
        {
            var scale = Math.Max(1, (int)Math.Log10(Math.Max(limit, 1)));
            var (alpha, beta) = (VegasAlpha * scale, VegasBeta * scale);
            // Netflix counts the queue as ⌈n − working⌉: the smallest pool whose queue reaches α, the largest within β.
            var smallest = (int)Math.Floor(workingConnections + alpha - 1) + 1;
            var largest = (int)Math.Floor(workingConnections + beta);
            recommended = Math.Clamp(limit, smallest, largest);
            judgement = string.Create(CultureInfo.InvariantCulture,
                $"saturated: where a Vegas limit would keep the pool, {alpha}-{beta} requests queued beyond the work (λ × the 5th-percentile hold)");
        }
        else
        {
            recommended = (int)Math.Ceiling(Math.Max(littlesLaw, p99Concurrent) * Headroom);
            judgement = "the larger of Little's law and the p99 of concurrent use, plus a quarter";
        }

        recommended = Math.Max(2, recommended);
        var size = allowance is { } budget ? Math.Min(recommended, Math.Max(budget, 1)) : recommended;
        return (size, judgement);
    }
}
