using System.Diagnostics.Metrics;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// The service's pool metrics, named after OpenTelemetry's database semantic conventions where one exists: Npgsql's
/// meter has counts but no wait or use time.
/// </summary>
public static class PoolMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Listings.Database";

    /// <summary>The pool name tag, as OpenTelemetry names it.</summary>
    public const string PoolNameTag = "db.client.connection.pool.name";

    /// <summary>The tag naming a host's role: <c>primary</c> or <c>read-replica</c> (<see cref="ConnectionRole"/>).</summary>
    public const string RoleTag = "listings.db.role";

    /// <summary>
    /// Boundaries for durations in seconds, from the semantic conventions. The SDK's defaults (0, 5, 10, 25 … 10,000) are
    /// meant for milliseconds: in seconds nearly every value falls into the first bucket.
    /// </summary>
    public static readonly IReadOnlyList<double> SecondsBoundaries = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];

    /// <summary>The meter, for instruments defined elsewhere.</summary>
    public static readonly Meter Meter = new(MeterName);

    /// <summary>Seconds from asking for a connection to having it.</summary>
    public static readonly Histogram<double> WaitTime = Meter.CreateHistogram<double>(
        "db.client.connection.wait_time", "s", "Time it took to obtain an open connection from the pool.",
        tags: null, advice: SecondsAdvice());

    /// <summary>Seconds from having a connection to giving it back.</summary>
    public static readonly Histogram<double> UseTime = Meter.CreateHistogram<double>(
        "db.client.connection.use_time", "s", "Time between borrowing a connection and returning it to the pool.",
        tags: null, advice: SecondsAdvice());

    /// <summary>Connections held longer than <c>ConnectionPool:LongHoldWarningMs</c>.</summary>
    public static readonly Counter<long> LongHolds = Meter.CreateCounter<long>(
        "listings.pool.long_holds", "{connection}", "Connections held longer than ConnectionPool:LongHoldWarningMs.");

    private static InstrumentAdvice<double> SecondsAdvice() => new() { HistogramBucketBoundaries = SecondsBoundaries };
}
