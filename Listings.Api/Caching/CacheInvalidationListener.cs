using Listings.ServiceDefaults.ConnectionPool;
using Npgsql;
using NpgsqlTypes;

namespace Listings.Api.Caching;

/// <summary>
/// Hears the other API replicas' writes: <c>LISTEN listings_cache</c> on one connection to the primary, kept open, and
/// for each notification (sent inside the write's transaction, so delivered at commit and never for a rollback) evicts
/// what the write changed. On every (re)connect it evicts everything, since notifications sent while it was away are
/// lost. A round trip every <see cref="Heartbeat"/> confirms that it still hears (<see cref="ListenerState"/>): while it has not for
/// <see cref="CacheOptions.MaxStaleSeconds"/>, only entries younger than that are served.
/// </summary>
/// <remarks>
/// A transaction pooler cannot carry <c>LISTEN</c> (PgBouncer accepts it and delivers nothing), nor can a standby. The
/// listener keeps one connection beside the service's pool, on the plan's connection string, which the plan's budget counts
/// (<see cref="ConnectionsKept"/>), when that is direct or a session pooler; behind a transaction pooler it opens one of
/// the migrations' connection (<c>ConnectionStrings:listingsdb-migrations</c>, direct or session) instead; with neither it
/// never listens, and the cache keeps nothing longer than <see cref="CacheOptions.MaxStaleSeconds"/>. Its connects wait out
/// the pool's login backoff.
/// </remarks>
public sealed partial class CacheInvalidationListener(
    ListingCache cache, ListenerState state, CacheOptions options, LoginBackoff logins, ConnectionPlan plan,
    IConfiguration configuration, TimeProvider clock, ILogger<CacheInvalidationListener> logger) : BackgroundService
{
    /// <summary>How often the listener confirms it still hears: a quarter of the smallest <see cref="CacheOptions.MaxStaleSeconds"/>.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var open = Opener();
        if (open is null)
        {
            LogNoListener(plan.Mode?.ToName());
            return;
        }

        var backoff = TimeSpan.FromMilliseconds(100);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await open(stoppingToken);
                await ListenAsync(connection, stoppingToken);
            }
            catch (Exception error) when (!stoppingToken.IsCancellationRequested)
            {
                if (state.IsListening)
                {
                    // Writes from now on go unheard: nothing cached so far may outlive MaxStaleSeconds from here.
                    state.Listening(false);
                    LogDown(ConnectionProblemClassifier.FindConnectionProblem(error)?.Name ?? error.GetBaseException().GetType().Name);
                    await cache.EvictAllAsync(cache.Floor, "listener-down", CancellationToken.None);
                }

                await Task.Delay(backoff, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                continue;
            }

            backoff = TimeSpan.FromMilliseconds(100);
        }

        state.Listening(false);
    }

    private async Task ListenAsync(NpgsqlConnection connection, CancellationToken stoppingToken)
    {
        var received = new List<string>();
        connection.Notification += (_, notification) => received.Add(notification.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN {CacheNotifications.Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }

        // Whatever was written while nobody listened is evicted now, at or past the primary's position.
        var asked = clock.GetTimestamp();
        await cache.EvictAllAsync(await PositionAsync(connection, stoppingToken), "listener-up", stoppingToken);
        state.Listening(true);
        state.Heard(asked);
        LogUp();
        while (!stoppingToken.IsCancellationRequested)
        {
            await connection.WaitAsync(Heartbeat, stoppingToken);

            // The round trip is the heartbeat: the server sends a notification committed before the query arrives ahead
            // of the query's answer on this one connection, so once it is answered every such write is in 'received'.
            // Every write evicted for here was committed before this position: fills read at or past it.
            asked = clock.GetTimestamp();
            var position = await PositionAsync(connection, stoppingToken);
            foreach (var payload in received)
            {
                if (CacheNotifications.Read(payload) is { } write && write.Source != CacheNotifications.Source)
                {
                    await cache.EvictAsync(write.Evicts, position, "remote", stoppingToken);
                    CacheMetrics.EvictionDelay.Record(Math.Max(0, (clock.GetUtcNow() - write.At).TotalSeconds));
                }
            }

            received.Clear();
            state.Heard(asked);
        }
    }

    private async Task<NpgsqlLogSequenceNumber> PositionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // A connection that hangs stops confirming at once (the policy then serves only entries younger than
        // MaxStaleSeconds); past twice that bound the listener gives it up and connects again.
        await using var command = new NpgsqlCommand("SELECT pg_current_wal_lsn() /* cache listener */", connection)
        {
            CommandTimeout = options.MaxStaleSeconds * 2,
        };
        return (NpgsqlLogSequenceNumber)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// The connections the listener keeps beside the pool, for the plan's budget: 1 while the cache is on (the default).
    /// Behind a transaction pooler it connects through <c>ConnectionStrings:listingsdb-migrations</c> instead, and is counted
    /// all the same: the budget errs on the side of the server.
    /// </summary>
    public static int ConnectionsKept(IConfiguration configuration) =>
        bool.TryParse(configuration[$"{CacheOptions.SectionName}:{nameof(CacheOptions.Enabled)}"], out var enabled) && !enabled ? 0 : 1;

    // A connection of its own beside the pool, which the plan counts (ConnectionsKept), on the plan's string when that can
    // carry LISTEN, else on the migrations' connection when configured; else none. Either waits out the pool's login backoff.
    private Func<CancellationToken, Task<NpgsqlConnection>>? Opener()
    {
        var source = plan.Mode is { } mode && !mode.IsTransactionPooling()
            ? plan.ConnectionString
            : configuration.GetConnectionString(Data.MigrationConnection.ConnectionName) is { Length: > 0 }
                ? Data.MigrationConnection.Plan(configuration).ConnectionString
                : null;
        if (source is null)
        {
            return null;
        }

        var connectionString = new NpgsqlConnectionStringBuilder(source)
        {
            Pooling = false,
            // A backend that hangs is noticed within about two keepalives; one that is killed at once.
            KeepAlive = 1,
        }.ConnectionString;
        return token => OpenAsync(new NpgsqlConnection(connectionString), token);
    }

    private async Task<NpgsqlConnection> OpenAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var attempt = logins.Enter();
        try
        {
            await connection.OpenAsync(cancellationToken);
            logins.Succeeded(attempt);
            return connection;
        }
        catch (Exception error) when (logins.Failed(attempt, error) is { } paused)
        {
            await connection.DisposeAsync();
            throw paused;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The cache cannot hear other replicas' writes: the connection is a {Mode}, which cannot carry LISTEN, and ConnectionStrings:listingsdb-migrations is not set. Cached reads live at most Cache:MaxStaleSeconds; set ConnectionStrings:listingsdb-migrations to a direct or session connection to listen.")]
    private partial void LogNoListener(string? mode);

    [LoggerMessage(Level = LogLevel.Information, Message = "The cache listens for other replicas' writes.")]
    private partial void LogUp();

    [LoggerMessage(Level = LogLevel.Warning, Message = "The cache's listener lost its connection ({Problem}): every entry was evicted, and entries live at most Cache:MaxStaleSeconds until it is back.")]
    private partial void LogDown(string problem);
}
