using Listings.ServiceDefaults.ConnectionPool;

namespace Listings.Tests.Unit;

public sealed class HoldTimeHistogramTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(1_300)]
    [InlineData(2_000)]
    [InlineData(15_000)]
    [InlineData(123_456_789)]
    public void EveryHoldFallsInABucketThatContainsIt(long ticks)
    {
        var index = HoldTimeHistogram.BucketOf(ticks);

        Assert.InRange(ticks, HoldTimeHistogram.LowerBound(index), HoldTimeHistogram.LowerBound(index + 1) - 1);
    }

    [Fact]
    public void PercentileCountsOnlyTheHoldsBetweenTwoCopies()
    {
        var histogram = new HoldTimeHistogram();
        var before = new long[HoldTimeHistogram.Buckets];
        var after = new long[HoldTimeHistogram.Buckets];
        // Long holds before the first copy must not count.
        for (var i = 0; i < 1_000; i++)
        {
            histogram.Record(TimeSpan.FromMilliseconds(50));
        }

        histogram.CopyTo(before);
        // Then 5 holds of 150 µs and 95 of 1.2 ms: the 5th percentile is a short one, the 6th a long one.
        for (var i = 0; i < 5; i++)
        {
            histogram.Record(TimeSpan.FromMicroseconds(150));
        }

        for (var i = 0; i < 95; i++)
        {
            histogram.Record(TimeSpan.FromMicroseconds(1_200));
        }

        histogram.CopyTo(after);

        var p5 = HoldTimeHistogram.Percentile(before, after, 0.05)!.Value.TotalMicroseconds;
        var p6 = HoldTimeHistogram.Percentile(before, after, 0.06)!.Value.TotalMicroseconds;
        // A bucket is at most a quarter of its start wide: its middle is within an eighth of any hold in it.
        Assert.InRange(p5, 150 * 0.875, 150 * 1.125);
        Assert.InRange(p6, 1_200 * 0.875, 1_200 * 1.125);
        Assert.Null(HoldTimeHistogram.Percentile(after, after, 0.05));
    }
}
