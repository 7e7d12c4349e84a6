using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Every <c>ConnectionPool:FleetCheckSeconds</c> counts the service's server connections, all replicas together, so a
/// fleet that grew past what its pools were sized for (autoscaling, a rolling update with more surge than planned) shows
/// in <c>/health</c> as Degraded with the numbers. It asks through the pool's own data source: the connection it counts
/// on is one of the pool's, so the check never adds a connection to the plan. Direct connections only: behind a pooler
/// the server connections belong to the pooler, and the pooler's own limit holds.
/// </summary>
public sealed partial class FleetConnectionMonitor(
    ConnectionPlan plan, NpgsqlDataSource pool, ConnectionPoolOptions options, LoginBackoff backoff, ILogger<FleetConnectionMonitor> logger)
    : BackgroundService
{
    /// <summary>The last count, or null before the first (or when the server did not answer).</summary>
    public FleetConnections? Latest { get; private set; }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (plan is not { Mode: ConnectionMode.Direct, ApplicationName: { Length: > 0 } })
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Budget.FleetCheckSeconds));
        do
        {
            // While logins are paused (a refused password) the check would be one more failed login: skip it.
            if (backoff.Remaining is not null)
            {
                continue;
            }

            var latest = await CountAsync(pool, plan, stoppingToken);
            if (latest is { OverBudget: true } && Latest is not { OverBudget: true })
            {
                LogOverBudget(latest.Describe());
            }

            Latest = latest;
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>
    /// Counts the connections named <see cref="ConnectionPlan.ApplicationName"/> over a connection of
    /// <paramref name="dataSource"/>; null when the server does not answer within <see cref="ServerFacts.Patience"/>.
    /// </summary>
    public static async Task<FleetConnections?> CountAsync(NpgsqlDataSource dataSource, ConnectionPlan plan, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ServerFacts.Patience);
        try
        {
            await using var command = dataSource.CreateCommand("SELECT count(*)::int FROM pg_stat_activity WHERE application_name = $1");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = plan.ApplicationName });
            var connections = (int)(await command.ExecuteScalarAsync(timeout.Token))!;
            return new FleetConnections(plan.ApplicationName!, connections, plan.Budget?.Total, DateTimeOffset.UtcNow);
        }
        catch (Exception error) when (error is NpgsqlException or TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The database check reports an unreachable server or a full pool; this one has nothing to add then.
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The service's replicas hold more server connections than their budget: {Fleet}. More replicas run than ConnectionPool:MaxReplicas + SurgeReplicas: raise them to what runs, so each pool is sized to fit")]
    private partial void LogOverBudget(string fleet);
}
