using System.Numerics;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Running counts of hold times in logarithmic buckets, four per doubling; recording is one interlocked increment. A
/// percentile over a span is read from the difference of two copies.
/// </summary>
public sealed class HoldTimeHistogram
{
    /// <summary>The number of buckets.</summary>
    public const int Buckets = 4 * 32;

    private readonly long[] _counts = new long[Buckets];

    /// <summary>Counts one hold.</summary>
    public void Record(TimeSpan held) => Interlocked.Increment(ref _counts[BucketOf(held.Ticks)]);

    /// <summary>Copies the counts into <paramref name="destination"/>.</summary>
    public void CopyTo(long[] destination)
    {
        for (var i = 0; i < Buckets; i++)
        {
            destination[i] = Interlocked.Read(ref _counts[i]);
        }
    }

    /// <summary>The <paramref name="quantile"/> of the holds counted between two copies, as the middle of its bucket, or null.</summary>
    public static TimeSpan? Percentile(long[] older, long[] newer, double quantile)
    {
        long total = 0;
        for (var i = 0; i < Buckets; i++)
        {
            total += newer[i] - older[i];
        }

        if (total <= 0)
        {
            return null;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(quantile * total));
        long seen = 0;
        for (var i = 0; i < Buckets; i++)
        {
            seen += newer[i] - older[i];
            if (seen >= rank)
            {
                return TimeSpan.FromTicks((LowerBound(i) + LowerBound(i + 1)) / 2);
            }
        }

        return TimeSpan.FromTicks(LowerBound(Buckets));
    }

    /// <summary>
    /// The bucket of a hold of <paramref name="ticks"/>: bucket 0 under 4 ticks, bucket i + 1 from 2^k × (1 + f/4) ticks,
    /// where i + 8 = 4k + f.
    /// </summary>
    public static int BucketOf(long ticks)
    {
        if (ticks < 4)
        {
            return 0;
        }

        var log = BitOperations.Log2((ulong)ticks);
        var fraction = (int)(ticks >> (log - 2)) & 3;
        return Math.Min(4 * log + fraction - 7, Buckets - 1);
    }

    /// <summary>The shortest hold, in ticks, that bucket <paramref name="index"/> counts.</summary>
    public static long LowerBound(int index) => index == 0 ? 0 : (1L << ((index + 7) / 4)) * (4 + (index + 7) % 4) / 4;
}
