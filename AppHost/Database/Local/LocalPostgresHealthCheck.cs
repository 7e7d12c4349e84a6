using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Listings.AppHost.Database.Local;

/// <summary>
/// Healthy once the local server answers a query, and never connecting before it says it is ready: every connection
/// made while PostgreSQL is still starting (recovery, or the first checkpoint of a new cluster) makes it log
/// <c>FATAL: the database system is starting up</c>, a red line in the dashboard on a first start that went well.
/// PostgreSQL writes its state as the eighth line of <c>postmaster.pid</c> in the data directory ("starting", then
/// "ready" once it accepts connections; PostgreSQL 10 and later), so the check reads that first.
/// </summary>
/// <param name="dataDirectory">The server's data directory.</param>
/// <param name="connectionString">The connection string to probe with, once the server is ready.</param>
internal sealed class LocalPostgresHealthCheck(string dataDirectory, Func<string> connectionString) : IHealthCheck
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
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
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
