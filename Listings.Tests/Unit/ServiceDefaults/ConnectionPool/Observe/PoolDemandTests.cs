using Listings.ServiceDefaults.ConnectionPool;

namespace Listings.Tests.Unit;

public sealed class PoolDemandTests
{
    [Theory]
    // At idle (a health probe now and then) there is nothing to judge from.
    [InlineData(0.01, 0.01, 16, 1, 40, false, null, null)]
    [InlineData(0.5, 0.4, 16, 2, 999, false, null, null)]
    // Enough connections: the larger of Little's law and the p99, plus a quarter, at least 2.
    [InlineData(3.2, 2.0, 16, 6, 5_000, false, null, 8)]
    [InlineData(0.4, 0.3, 16, 1, 5_000, false, null, 2)]
    // Saturated on a shared CPU (measured on the 2-core box at a pool of 16): 1.27 working, so Vegas keeps 4-7.
    [InlineData(8.91, 1.27, 16, 256, 330_000, true, null, 7)]
    // Saturated with a pool inside that band: kept as it is.
    [InlineData(4.33, 1.12, 6, 256, 330_000, true, null, 6)]
    // Saturated with too few connections to keep 3 queued beyond the work: grown to the band.
    [InlineData(2.6, 1.1, 3, 256, 330_000, true, null, 4)]
    // Saturated against a remote database: 19 of 40 working, the queue of 21 shrunk to 6; within the budget.
    [InlineData(38, 19.0, 40, 1_000, 50_000, true, null, 25)]
    [InlineData(38, 19.0, 40, 1_000, 50_000, true, 20, 20)]
    // A limit of 100 or more: α and β scale with log10 of it (6 and 12).
    [InlineData(190, 150.0, 200, 1_000, 500_000, true, null, 162)]
    // Saturated by a held lock, nothing finishing: the pool of 3 queues 3 beyond no work, and stays.
    [InlineData(0, 0.0, 3, 16, 20, true, null, 3)]
    public void RecommendsFromTheMeasuredDemand(
        double littlesLaw, double working, int limit, int p99, long connections, bool saturated, int? allowance, int? expected)
    {
        var (size, judgement) = PoolDemand.Recommend(littlesLaw, working, limit, p99, connections, saturated, allowance);

        Assert.Equal(expected, size);
        Assert.Equal(expected is null, judgement == PoolDemand.NotEnoughLoad);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(64)]
    public void SaturatedAdviceDoesNotFollowTheRunningPool(int runningPool)
    {
        // Throughput fixed by a shared CPU: the work keeps 1.2 connections busy, and each connection of the pool adds 0.45
        // of waiting, as measured at pools of 2-16 on the 2-core box (L ≈ 1.2 + 0.46 × pool).
        const double working = 1.2;
        var littlesLaw = working + 0.45 * runningPool;

        var (size, _) = PoolDemand.Recommend(littlesLaw, working, runningPool, 1_000, 100_000, true, null);

        // 1.2 working + at most 6 queued. Little's law plus a quarter would follow the pool: 6, 11 and 38.
        Assert.Equal(7, size);
    }

    [Theory]
    [InlineData(16, "3-6 requests queued")]
    [InlineData(200, "6-12 requests queued")]
    public void SaturatedJudgementNamesTheBandItUsed(int limit, string band)
    {
        var (_, judgement) = PoolDemand.Recommend(limit, 1.0, limit, 1_000, 100_000, true, null);

        Assert.Contains(band, judgement, StringComparison.Ordinal);
    }
}
