using System.Diagnostics.Metrics;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// The service's own pool metrics, on the <c>Listings.Database</c> meter, named after OpenTelemetry's database
/// semantic conventions where one exists. They sit beside Npgsql's meter, which has counts but no wait or use time.
/// </summary>
public static class PoolMetrics
{
    /// <summary>The meter's name; ServiceDefaults exports it with the others.</summary>
    public const string MeterName = "Listings.Database";

    /// <summary>The pool name tag, as OpenTelemetry names it.</summary>
    public const string PoolNameTag = "db.client.connection.pool.name";

    /// <summary>The meter itself, for instruments defined elsewhere (admission control's gauges and counter).</summary>
    public static readonly Meter Meter = new(MeterName);

    /// <summary>Seconds from asking for a connection to having it (the wait in the pool's queue, plus connecting).</summary>
    public static readonly Histogram<double> WaitTime = Meter.CreateHistogram<double>(
        "db.client.connection.wait_time", "s", "Time it took to obtain an open connection from the pool.");

    /// <summary>Seconds from having a connection to giving it back.</summary>
    public static readonly Histogram<double> UseTime = Meter.CreateHistogram<double>(
        "db.client.connection.use_time", "s", "Time between borrowing a connection and returning it to the pool.");

    /// <summary>Connections held longer than <c>ConnectionPool:LongHoldWarningMs</c>, counted once each.</summary>
    public static readonly Counter<long> LongHolds = Meter.CreateCounter<long>(
        "listings.pool.long_holds", "{connection}", "Connections held longer than ConnectionPool:LongHoldWarningMs.");
}
