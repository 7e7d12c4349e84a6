using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Counts the server connections of all replicas every <c>ConnectionPool:FleetCheckSeconds</c>, over one of the pool's
/// own connections, so the check adds none. Direct connections only: behind a pooler the server connections are the
/// pooler's.
/// </summary>
public sealed partial class FleetConnectionMonitor(
    ConnectionPlan plan, NpgsqlDataSource pool, ConnectionPoolOptions options, LoginBackoff backoff, ILogger<FleetConnectionMonitor> logger)
    : BackgroundService
{
    /// <summary>The last count, or null.</summary>
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

    /// <summary>Counts the connections named <see cref="ConnectionPlan.ApplicationName"/>; null when the server does not answer.</summary>
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
            // The database check reports an unreachable server or a full pool.
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The service's replicas hold more server connections than their budget: {Fleet}. More replicas run than ConnectionPool:MaxReplicas + SurgeReplicas: raise them to what runs, so each pool is sized to fit")]
    private partial void LogOverBudget(string fleet);
}
