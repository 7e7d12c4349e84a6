using System.Diagnostics.Metrics;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>The read routing's metrics, on the pool policy's meter (<see cref="PoolMetrics.MeterName"/>).</summary>
public static class ReplicaMetrics
{
    /// <summary>The tag naming why a read went to the primary.</summary>
    public const string ReasonTag = "listings.db.fallback.reason";

    /// <summary>Routed reads, by the role (and host) that served them.</summary>
    public static readonly Counter<long> Reads = PoolMetrics.Meter.CreateCounter<long>(
        "listings.db.reads", "{read}", "Public reads, by the role and host that served them.");

    /// <summary>Reads sent to the primary although replicas are configured, by reason.</summary>
    public static readonly Counter<long> PrimaryFallbacks = PoolMetrics.Meter.CreateCounter<long>(
        "listings.db.reads.primary_fallbacks", "{read}",
        "Reads sent to the primary because every replica lagged, was down, or had not replayed the client's Listings-Consistency token.");

    private static readonly KeyValuePair<string, object?>[] FallbackTags =
        [.. Enum.GetValues<ReadFallback>().Select(reason => new KeyValuePair<string, object?>(ReasonTag, KebabCase.Name(reason)))];

    /// <summary>Reports each replica's lag in seconds (none while it is down or its lag is unknown).</summary>
    internal static void ObserveLag(IReadOnlyList<ReadHost> hosts, TimeProvider clock) =>
        PoolMetrics.Meter.CreateObservableGauge(
            "listings.db.replica.lag", () => Lags(hosts, clock), "s",
            "How old a read of each replica may be: the time since it last held everything the primary had sent it.");

    /// <summary>The tags naming <paramref name="plan"/>'s host and role, as the reads it serves are counted.</summary>
    internal static KeyValuePair<string, object?>[] HostTags(ConnectionPlan plan) =>
    [
        new("server.address", plan.Host),
        new("server.port", plan.Port),
        new(PoolMetrics.RoleTag, KebabCase.Name(plan.Role)),
    ];

    internal static void FellBack(ReadFallback reason, KeyValuePair<string, object?>[] primaryTags)
    {
        PrimaryFallbacks.Add(1, FallbackTags[(int)reason]);
        Reads.Add(1, primaryTags);
    }

    private static IEnumerable<Measurement<double>> Lags(IReadOnlyList<ReadHost> hosts, TimeProvider clock)
    {
        var now = clock.GetTimestamp();
        foreach (var host in hosts)
        {
            if (host.State.Latest is { Down: null } latest && latest.Lag(clock, now) is { } lag)
            {
                yield return new Measurement<double>(lag.TotalSeconds, host.Tags);
            }
        }
    }
}
