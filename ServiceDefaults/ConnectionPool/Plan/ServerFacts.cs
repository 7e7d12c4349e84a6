using Npgsql;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>What the server says about itself: its version, <c>max_connections</c> and the client connections open now.</summary>
/// <param name="Version">The server version, e.g. <c>15.18</c>.</param>
/// <param name="MaxConnections">The server's <c>max_connections</c>.</param>
/// <param name="ConnectionsInUse">Client connections open on the server now, from every service.</param>
public sealed record ServerFacts(string Version, int MaxConnections, int ConnectionsInUse)
{
    /// <summary>How long to wait for the server before giving up: a diagnostic must not hang.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Asks the server over one unpooled connection, made as <paramref name="plan"/> says; returns the facts, or the
    /// problem that kept the server from answering.
    /// </summary>
    /// <param name="plan">The connection to make.</param>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    /// <param name="failed">Told what the failed attempt threw, e.g. for the <see cref="LoginBackoff"/>.</param>
    public static async Task<(ServerFacts? Facts, ConnectionProblem? Problem)> TryReadAsync(
        ConnectionPlan plan, CancellationToken cancellationToken, Action<Exception>? failed = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(plan.ConnectionString)
        {
            Pooling = false,
            Timeout = (int)Patience.TotalSeconds,
            CommandTimeout = (int)Patience.TotalSeconds,
        };

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Patience + TimeSpan.FromSeconds(1));

        try
        {
            // A named data source: Npgsql tags its metrics with the pool name, by default the connection string.
            var dataSourceBuilder = new NpgsqlDataSourceBuilder(builder.ConnectionString) { Name = "server-facts" };
            await using var dataSource = dataSourceBuilder.Build();
            await using var connection = await dataSource.OpenConnectionAsync(timeout.Token);
            await using var command = new NpgsqlCommand(
                "SELECT current_setting('server_version'), current_setting('max_connections')::int,"
                + " (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend')",
                connection);
            await using var reader = await command.ExecuteReaderAsync(timeout.Token);
            await reader.ReadAsync(timeout.Token);
            return (new ServerFacts(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2)), null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception error) when (error is NpgsqlException or OperationCanceledException or TimeoutException or System.Net.Sockets.SocketException)
        {
            failed?.Invoke(error);
            return (null, ConnectionProblemClassifier.DescribeConnectionFailure(error, plan));
        }
    }
}
