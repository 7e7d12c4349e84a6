using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Reads each replica's replay position every <c>ReadReplicas:PollMilliseconds</c>, and at once when a read waits for a
/// token (<see cref="ReadHost.NextReadingAsync"/>), on one connection of the host's own pool that it keeps open. A
/// reading that fails takes the host out of the rotation until one succeeds: a stopped replica breaks the kept
/// connection at once, an unreachable one within the plan's connect bound.
/// </summary>
internal sealed partial class ReplicaLagMonitor(ReadHosts hosts, ReadReplicaOptions options, TimeProvider clock, ILogger<ReplicaLagMonitor> logger)
    : BackgroundService
{
    // A host that is not in recovery is a primary: it holds everything, and its own position is what it has "replayed".
    private const string ReadingSql =
        "SELECT pg_is_in_recovery(),"
        + " CASE WHEN pg_is_in_recovery() THEN coalesce(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()) ELSE pg_current_wal_lsn() END,"
        + " CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END,"
        + " NOT pg_is_in_recovery() OR EXISTS (SELECT 1 FROM pg_stat_wal_receiver)";

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var host in hosts.All)
        {
            ConnectionPlanLog.Log(logger, host.Plan);
        }

        return Task.WhenAll(hosts.All.Select(host => WatchAsync(host, stoppingToken)));
    }

    private async Task WatchAsync(ReadHost host, CancellationToken stoppingToken)
    {
        NpgsqlConnection? connection = null;
        string? lastProblem = null;
        var poll = TimeSpan.FromMilliseconds(options.PollMilliseconds);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var (reading, wake) = host.BeginReading();
                try
                {
                    connection ??= await OpenAsync(host, stoppingToken);
                    await ReadAsync(host, connection, stoppingToken);
                    if (lastProblem is not null)
                    {
                        LogBack(host.Name);
                        lastProblem = null;
                    }
                }
                catch (Exception error) when (!stoppingToken.IsCancellationRequested)
                {
                    var problem = ConnectionProblemClassifier.FindConnectionProblem(error)?.Name ?? error.GetBaseException().GetType().Name;
                    host.State.Failed(problem);
                    if (problem != lastProblem)
                    {
                        LogDown(host.Name, problem);
                        lastProblem = problem;
                    }

                    if (connection is not null)
                    {
                        await connection.DisposeAsync();
                        connection = null;
                    }
                }
                finally
                {
                    reading.TrySetResult();
                }

                await Task.WhenAny(wake, Task.Delay(poll, clock, stoppingToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    // Paused after a refused login like the host's reads: a wrong password must not become ten logins a second
    // (Supavisor bans an address after repeated authentication failures).
    private static async Task<NpgsqlConnection> OpenAsync(ReadHost host, CancellationToken cancellationToken)
    {
        var attempt = host.Logins.Enter();
        using var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connect.CancelAfter(TimeSpan.FromSeconds(host.Plan.ConnectTimeoutSeconds));
        try
        {
            var connection = await host.DataSource.OpenConnectionAsync(connect.Token);
            host.Logins.Succeeded(attempt);
            return connection;
        }
        catch (Exception error) when (host.Logins.Failed(attempt, error) is { } paused)
        {
            throw paused;
        }
    }

    private async Task ReadAsync(ReadHost host, NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(ReadingSql, connection) { CommandTimeout = host.Plan.ConnectTimeoutSeconds };
        var at = clock.GetTimestamp();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var replayed = reader.GetFieldValue<NpgsqlLogSequenceNumber>(2);
        var received = reader.IsDBNull(1) ? replayed : reader.GetFieldValue<NpgsqlLogSequenceNumber>(1);
        host.State.Read(at, received, replayed, streaming: reader.GetBoolean(3));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Read replica {Host} left the read rotation: {Problem}. Its reads go to the other replicas or the primary.")]
    private partial void LogDown(string host, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Read replica {Host} answers again; it rejoins the read rotation once it has caught up.")]
    private partial void LogBack(string host);
}
