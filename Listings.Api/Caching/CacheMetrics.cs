using System.Diagnostics.Metrics;

namespace Listings.Api.Caching;

/// <summary>The public reads' cache metrics (meter <see cref="MeterName"/>): Output Caching 10 has none of its own.</summary>
public static class CacheMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Listings.Cache";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Hits = Meter.CreateCounter<long>(
        "listings.cache.hits", "{read}", "Reads answered from the cache, without a database read.");

    private static readonly Counter<long> CoalescedWaits = Meter.CreateCounter<long>(
        "listings.cache.coalesced_waits", "{read}", "Reads that waited for a concurrent identical read's fill and were answered with it.");

    private static readonly Counter<long> Misses = Meter.CreateCounter<long>(
        "listings.cache.misses", "{read}", "Reads that filled the cache from the database.");

    private static readonly Counter<long> Bypasses = Meter.CreateCounter<long>(
        "listings.cache.bypasses", "{read}", "Cacheable reads that skipped the cache, by reason.");

    private static readonly Counter<long> Evictions = Meter.CreateCounter<long>(
        "listings.cache.evictions", "{eviction}", "Evictions, by source: this replica's write, another replica's, or the listener's recovery.");

    /// <summary>Seconds from a write's commit on one replica to its eviction on another.</summary>
    public static readonly Histogram<double> EvictionDelay = Meter.CreateHistogram<double>(
        "listings.cache.eviction_delay", "s", "Time from another replica's write to its eviction here.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });

    internal static void Hit(bool coalesced) => (coalesced ? CoalescedWaits : Hits).Add(1);

    internal static void Missed() => Misses.Add(1);

    internal static void Bypassed(string reason) => Bypasses.Add(1, new KeyValuePair<string, object?>("reason", reason));

    internal static void Evicted(string source) => Evictions.Add(1, new KeyValuePair<string, object?>("source", source));
}
