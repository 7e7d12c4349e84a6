using Npgsql;

namespace Listings.Benchmarks.Faults.Probes;

/// <summary>
/// Tells when PostgreSQL accepts connections, independently of the API: every 50 ms it opens a fresh, unpooled
/// connection straight to the server and notes whether that worked.
/// </summary>
public sealed class ServerProbe
{
    /// <summary>The pause between two tries, which is also the resolution of the windows measured.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    private readonly string _connectionString;
    private readonly FaultClock _clock;
    private readonly List<ProbeSample> _samples = [];
    private CancellationTokenSource? _stop;
    private Task? _loop;

    /// <summary>Prepares a probe of <paramref name="server"/>.</summary>
    /// <param name="server">The server.</param>
    /// <param name="clock">The scenario's clock.</param>
    public ServerProbe(PostgresServer server, FaultClock clock)
    {
        // Timeout=1: a server that accepts answers on loopback in milliseconds; a second means it does not.
        _connectionString = server.ConnectionString("postgres", "Pooling=false;Timeout=1;Application Name=Listings.Benchmarks probe");
        _clock = clock;
    }

    /// <summary>Starts probing.</summary>
    public void Start()
    {
        _stop = new CancellationTokenSource();
        _loop = ProbeAsync(_stop.Token);
    }

    /// <summary>Stops probing and returns the windows in which the server did not accept connections.</summary>
    public async Task<IReadOnlyList<DownWindow>> StopAsync()
    {
        if (_stop is not null && _loop is not null)
        {
            await _stop.CancelAsync();
            await _loop;
            _stop.Dispose();
        }

        return DownWindow.From(_samples);
    }

    private async Task ProbeAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            do
            {
                var start = _clock.Now;
                bool accepted;
                try
                {
                    await using var connection = new NpgsqlConnection(_connectionString);
                    await connection.OpenAsync(CancellationToken.None);
                    accepted = true;
                }
                catch (Exception exception) when (exception is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
                {
                    accepted = false;
                }

                _samples.Add(new ProbeSample(start, _clock.Now, accepted));
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }
}
