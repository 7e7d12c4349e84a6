using Npgsql;

namespace Listings.Benchmarks.Throughput;

/// <summary>
/// Samples every 100 ms how many server connections the API holds (<c>pg_stat_activity</c> rows with
/// <c>application_name</c> <c>Listings.Api</c> or <c>Listings.RawNpgsql</c>, or the one name given) and keeps the peak.
/// </summary>
/// <remarks>
/// The sampling connection is opened before the API starts and kept open: a pool that takes every server slot
/// would otherwise lock the sampler out exactly when its number matters.
/// </remarks>
public sealed class ConnectionSampler : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private CancellationTokenSource? _stop;
    private Task? _loop;
    private int _peak;
    private string? _applicationName;

    private ConnectionSampler(NpgsqlConnection connection) => _connection = connection;

    /// <summary>Gets the largest count seen since <see cref="Start"/>.</summary>
    public int Peak => Volatile.Read(ref _peak);

    /// <summary>Opens the sampling connection.</summary>
    /// <param name="server">The server to sample.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    public static async Task<ConnectionSampler> OpenAsync(PostgresServer server, CancellationToken cancellationToken) =>
        new(await server.OpenAsync("postgres", cancellationToken));

    /// <summary>Resets the peak and starts sampling.</summary>
    /// <param name="applicationName">
    /// Counts only connections of this <c>Application Name</c>, when several processes hold connections at once.
    /// </param>
    public void Start(string? applicationName = null)
    {
        Volatile.Write(ref _peak, 0);
        _applicationName = applicationName;
        _stop = new CancellationTokenSource();
        _loop = SampleAsync(_stop.Token);
    }

    /// <summary>Stops sampling and returns the peak.</summary>
    public async Task<int> StopAsync()
    {
        if (_stop is not null && _loop is not null)
        {
            await _stop.CancelAsync();
            await _loop;
            _stop.Dispose();
            _stop = null;
            _loop = null;
        }

        return Peak;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _connection.DisposeAsync();
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        await using var command = _applicationName is null
            ? new NpgsqlCommand(
                "SELECT count(*)::int FROM pg_stat_activity WHERE application_name IN ('Listings.Api', 'Listings.RawNpgsql')", _connection)
            : new NpgsqlCommand("SELECT count(*)::int FROM pg_stat_activity WHERE application_name = $1", _connection)
            {
                Parameters = { new NpgsqlParameter { Value = _applicationName } },
            };
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            do
            {
                // The query itself is never cancelled: a cancel mid-query could leave the one sampling connection unusable.
                var count = (int)(await command.ExecuteScalarAsync(CancellationToken.None))!;
                if (count > Volatile.Read(ref _peak))
                {
                    Volatile.Write(ref _peak, count);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }
}
