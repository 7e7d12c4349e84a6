using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Every <c>ConnectionPool:FleetCheckSeconds</c> counts the service's server connections, all replicas together, so
/// a fleet that grew past what its pools were sized for (autoscaling, a rolling update with more surge than planned)
/// shows in <c>/health</c> as Degraded with the numbers. Direct connections only: behind a pooler the server connections
/// belong to the pooler, and the pooler's own limit holds.
/// </summary>
public sealed partial class FleetConnectionMonitor(
    ConnectionPlan plan, IOptions<ConnectionPoolOptions> options, LoginBackoff backoff, ILogger<FleetConnectionMonitor> logger)
    : BackgroundService
{
    /// <summary>The last count, or null before the first (or when the server did not answer).</summary>
    public FleetConnections? Latest { get; private set; }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (plan is not { Mode: ConnectionMode.Direct, ConnectionString: not null, ApplicationName: { Length: > 0 } })
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.FleetCheckSeconds));
        do
        {
            // While logins are paused (a refused password) the check would be one more failed login: skip it.
            if (backoff.Remaining is not null)
            {
                continue;
            }

            var latest = await CountAsync(plan, stoppingToken);
            if (latest is { OverBudget: true } && Latest is not { OverBudget: true })
            {
                LogOverBudget(latest.Describe());
            }

            Latest = latest;
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Counts over one unpooled connection of the plan's, which is not counted; null when the server does not answer.</summary>
    public static async Task<FleetConnections?> CountAsync(ConnectionPlan plan, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(plan.ConnectionString)
        {
            Pooling = false,
            Timeout = (int)ServerFacts.Patience.TotalSeconds,
            CommandTimeout = (int)ServerFacts.Patience.TotalSeconds,
        };

        try
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(
                "SELECT count(*)::int FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()", connection);
            command.Parameters.AddWithValue(plan.ApplicationName!);
            var connections = (int)(await command.ExecuteScalarAsync(cancellationToken))!;
            return new FleetConnections(plan.ApplicationName!, connections, plan.Budget?.Total, DateTimeOffset.UtcNow);
        }
        catch (Exception error) when (error is NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            // The database check reports an unreachable server; this one has nothing to add then.
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The service's replicas hold more server connections than their budget: {Fleet}. More replicas run than ConnectionPool:MaxReplicas + SurgeReplicas: raise them to what runs, so each pool is sized to fit")]
    private partial void LogOverBudget(string fleet);
}
