using Listings.ServiceDefaults.ConnectionPool;

namespace Listings.Tests.Unit;

public sealed class PoolDemandTests
{
    [Theory]
    // At idle (a health probe now and then) there is nothing to judge from.
    [InlineData(0.01, 1, 40, false, null, null)]
    [InlineData(0.5, 2, 999, false, null, null)]
    // Enough connections: the larger of Little's law and the p99, plus a quarter, at least 2.
    [InlineData(3.2, 6, 5_000, false, null, 8)]
    [InlineData(0.4, 1, 5_000, false, null, 2)]
    // Saturated: Little's law alone, not the queue in front of the pool; within the budget.
    [InlineData(19.6, 1_000, 50_000, true, null, 25)]
    [InlineData(19.6, 1_000, 50_000, true, 20, 20)]
    [InlineData(2.9, 16, 20, true, null, 4)]
    public void RecommendsOnlyWithEnoughLoad(double littlesLaw, int p99, long connections, bool saturated, int? allowance, int? expected)
    {
        var (size, judgement) = PoolDemand.Recommend(littlesLaw, p99, connections, saturated, allowance);

        Assert.Equal(expected, size);
        Assert.Equal(expected is null, judgement == PoolDemand.NotEnoughLoad);
    }
}
