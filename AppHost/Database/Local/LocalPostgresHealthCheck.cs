using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Listings.AppHost.Database.Local;

/// <summary>
/// Healthy once the local server answers a query, never connecting before it says it is ready: a connection while
/// PostgreSQL starts makes it log <c>FATAL: the database system is starting up</c>, a red line in the dashboard on a
/// good first start.
/// PostgreSQL 10 and later write the state ("starting", then "ready", a hot standby too once it accepts connections)
/// as the eighth line of <c>postmaster.pid</c>. A standby is healthy only while it is in recovery: one that was
/// promoted no longer follows the primary, so reads from it would miss every later write.
/// </summary>
internal sealed class LocalPostgresHealthCheck(string dataDirectory, Func<string> connectionString, bool standby = false) : IHealthCheck
{
    private const int StatusLine = 7;

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!SaysReady())
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "PostgreSQL is starting");
        }

        try
        {
            await using var connection = new NpgsqlConnection(connectionString());
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT pg_is_in_recovery()", connection);
            var inRecovery = (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
            return inRecovery == standby
                ? HealthCheckResult.Healthy()
                : new HealthCheckResult(context.Registration.FailureStatus, inRecovery
                    ? "The server is in recovery, not a primary"
                    : "The standby is not in recovery: it was promoted and no longer follows the primary");
        }
        catch (Exception error) when (error is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, exception: error);
        }
    }

    private bool SaysReady()
    {
        try
        {
            var lines = File.ReadAllLines(Path.Combine(dataDirectory, "postmaster.pid"));
            return lines.Length > StatusLine && lines[StatusLine].Trim() == "ready";
        }
        catch (UnauthorizedAccessException)
        {
            // The file cannot be read by this user: probe by connecting, as a plain check would.
            return true;
        }
        catch (IOException)
        {
            // No file (not started yet, or stopped), or one being rewritten.
            return false;
        }
    }
}
