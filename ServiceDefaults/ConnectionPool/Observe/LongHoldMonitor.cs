using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Reports connections held longer than <c>ConnectionPool:LongHoldWarningMs</c> while still held, so a leak is reported
/// too: HikariCP's <c>leakDetectionThreshold</c>, which Npgsql lacks (npgsql#5276).
/// </summary>
internal sealed partial class LongHoldMonitor(PoolUsage usage, ConnectionPoolOptions options, ILogger<LongHoldMonitor> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <summary>The threshold.</summary>
    public TimeSpan Threshold { get; } = TimeSpan.FromMilliseconds(options.WorkLimits.LongHoldWarningMs);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var hold in usage.Holds)
            {
                if (hold.Held >= Threshold && hold.ClaimReport())
                {
                    usage.LongHoldFound();
                    PoolMetrics.LongHolds.Add(1);
                    LogLongHold(hold.Route, hold.TraceId ?? "(none)", hold.HeldMs, options.WorkLimits.LongHoldWarningMs);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Connection held long: {Route} (trace {TraceId}) has held a database connection for {HeldMs} ms, over ConnectionPool:LongHoldWarningMs ({ThresholdMs} ms)")]
    private partial void LogLongHold(string route, string traceId, long heldMs, int thresholdMs);
}
