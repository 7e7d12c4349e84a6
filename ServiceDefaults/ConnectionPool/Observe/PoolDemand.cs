using System.Globalization;

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
/// The pool that would serve this demand, or null (<see cref="Judgement"/> says why) while the window holds too little
/// load to judge from. See <see cref="Recommend"/>. At least 2, and never above the replica's budget when one is known.
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
    /// <summary>The headroom above measured demand in the recommendation below saturation.</summary>
    public const double Headroom = 1.25;

    /// <summary>Vegas's α: below this many requests queued beyond the work, the limit grows (Netflix's default).</summary>
    public const int VegasAlpha = 3;

    /// <summary>Vegas's β: above this many requests queued beyond the work, the limit shrinks (Netflix's default).</summary>
    public const int VegasBeta = 6;

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
    /// <remarks>
    /// <para>Below saturation: max(L, p99 of concurrent use) × <see cref="Headroom"/>, rounded up.</para>
    /// <para>
    /// While saturated, L counts the time connections wait (for a core, a lock) as demand, and grows with the pool that
    /// runs: on the 2-core benchmark box L ≈ 1.2 + 0.46 × pool at the same throughput. The recommendation is instead
    /// where TCP Vegas (Brakmo and Peterson, 1994), as Netflix's concurrency-limits applies it to a concurrency limit
    /// (<c>VegasLimit</c>), would keep the pool. A limit n whose requests take n ÷ λ each at throughput λ keeps
    /// n × (1 − no-load time ÷ that time) = n − working requests queued beyond the work. Vegas grows the limit while
    /// that queue is below α and shrinks it while above β; the recommendation is the pool nearest
    /// <paramref name="limit"/> (the running one) whose queue lies between them. α = 3 and β = 6 below a limit of 100,
    /// × ⌊log10(limit)⌋ above: Netflix's defaults.
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
